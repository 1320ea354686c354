import type { Config } from "../env";
import { log } from "../lib/logger";

export interface Email {
  to: string;
  subject: string;
  text: string;
}

export interface Mailer {
  send(email: Email): Promise<void>;
}

/** The configured email adapter: Resend's HTTP API, or the log (local dev). */
export function createMailer(config: Config): Mailer {
  if (config.EMAIL_PROVIDER === "resend") return resendMailer(config);
  const showBody = config.ENVIRONMENT === "development";
  return {
    async send(email) {
      // Bodies carry single-use links: only a developer's own console may show them.
      log("info", "email", {
        to: email.to,
        subject: email.subject,
        ...(showBody ? { text: email.text } : {}),
      });
    },
  };
}

function resendMailer(config: Config): Mailer {
  return {
    async send(email) {
      const response = await fetch(`${config.EMAIL_API_URL}/emails`, {
        method: "POST",
        headers: { Authorization: `Bearer ${config.EMAIL_API_KEY}`, "Content-Type": "application/json" },
        body: JSON.stringify({
          from: config.EMAIL_FROM,
          to: email.to,
          subject: email.subject,
          text: email.text,
        }),
        signal: AbortSignal.timeout(10_000),
      });
      if (!response.ok) {
        throw new Error(`Email provider answered ${response.status}`);
      }
    },
  };
}
