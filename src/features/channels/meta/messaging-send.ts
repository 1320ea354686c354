import { z } from "zod";
import { text } from "../../../lib/text";
import type { OutboundMessage, SendResult } from "../channel-adapter";
import { graphCall } from "./graph-client";
import { asSendResult, refused } from "./graph-send";
import { ECHO_METADATA_PREFIX } from "./messaging-parse";
import type { MetaDeps } from "./meta-config";

/** Messenger's and Instagram's limit on a text message (UTF-16 units, as Meta counts characters). */
export const MESSAGING_MAX_TEXT = 2000;

const sent = z.object({ message_id: text().min(1) });

export interface MessagingSend {
  apiBase: string;
  /** `/{page-id}/messages` (Messenger) or `/me/messages` (Instagram). */
  path: string;
  token: string;
  /** Messenger echoes our metadata back (that is how our own echoes are recognised); Instagram has none. */
  withMetadata: boolean;
}

/**
 * The Send API body: `RESPONSE` inside the 24 h window; a human reply past it goes as `MESSAGE_TAG`
 * with `HUMAN_AGENT` (`humanAgent`, see needsHumanAgentTag).
 */
export function messagingBody(
  recipient: string,
  message: Extract<OutboundMessage, { kind: "text" }>,
  metadata?: string,
) {
  const tag = message.humanAgent
    ? { messaging_type: "MESSAGE_TAG", tag: "HUMAN_AGENT" }
    : { messaging_type: "RESPONSE" };
  return {
    recipient: { id: recipient },
    ...tag,
    message: { text: message.text, ...(metadata ? { metadata } : {}) },
  };
}

/** Sends one Messenger/Instagram text (templates are WhatsApp's: refused here, nothing is called). */
export async function sendMessaging(
  deps: MetaDeps,
  target: MessagingSend,
  recipient: string,
  message: OutboundMessage,
  idempotencyKey: string,
): Promise<SendResult> {
  if (message.kind !== "text") return refused("template_unsupported");
  if (!message.text.trim()) return refused("empty_text");
  if (message.text.length > MESSAGING_MAX_TEXT) return refused("text_too_long");
  const metadata = target.withMetadata ? `${ECHO_METADATA_PREFIX}${idempotencyKey}` : undefined;
  return asSendResult(async () => {
    const body = await graphCall(deps, {
      apiBase: target.apiBase,
      path: target.path,
      token: target.token,
      body: messagingBody(recipient, message, metadata),
    });
    return sent.safeParse(body).data?.message_id;
  });
}
