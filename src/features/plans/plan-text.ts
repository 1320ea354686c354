import type { Plan } from "./plan-types";

const ARGUMENT_CHARS = 300;

function compact(args: Record<string, unknown>): string {
  const text = JSON.stringify(args);
  return text.length > ARGUMENT_CHARS ? `${text.slice(0, ARGUMENT_CHARS)}…` : text;
}

/**
 * The message that shows a proposed plan in the conversation. A visitor (who never approves) is told
 * what the agent can do and that a team member decides; the caller of /chat/completion gets the steps.
 */
export function proposalText(plan: Plan): string {
  if (plan.requestedBy.kind === "visitor") {
    const waits = plan.steps.some((s) => !s.autoRun);
    const what = plan.summary || "I can take care of that for you.";
    return waits ? `${what} A team member needs to approve this first; I'll let you know here.` : what;
  }
  const lines = plan.steps.map(
    (s) =>
      `${s.index}. ${s.operation} (${s.method} ${s.path}) ${compact(s.arguments)}${s.why ? ` — ${s.why}` : ""}`,
  );
  const waits = plan.steps.some((s) => !s.autoRun);
  const footer = waits
    ? `Nothing runs until this plan is approved (reply "approve" or "reject"; it expires at ${plan.expiresAt}).`
    : "These steps only read data and your settings let them run right away.";
  return `${plan.summary || "Here is what I would do:"}\n\n${lines.join("\n")}\n\n${footer}`;
}

/** The message when a plan is rejected or cancelled. */
export const rejectedText = (reason: string | null) =>
  `The plan was cancelled${reason ? ` (${reason})` : ""}. Nothing was done.`;

/** What the conversation is told when a plan ends without (fully) running. */
export const expiredText = "The proposed plan expired before anyone approved it. Nothing was done.";

export const interruptedText =
  "The plan was interrupted while it ran (the service restarted). Check the plan's steps to see what was done.";

export const crashedText = "The plan could not be run. Check the plan's steps to see what was done.";
