import type { MessagingWindow } from "../channel-adapter";

const HOUR = 3_600_000;
/** Free-form replies are allowed this long after the customer's last message (all three platforms). */
export const STANDARD_WINDOW_MS = 24 * HOUR;
/** Messenger/Instagram: a human may still answer this long after it, with the HUMAN_AGENT tag. */
export const HUMAN_AGENT_WINDOW_MS = 7 * 24 * HOUR;
// A conversation the customer never wrote in has had its window closed since forever.
const NEVER = new Date(0).toISOString();

/** WhatsApp: 24 h after the customer's last message, then templates only (human or AI alike). */
export function whatsappWindow(lastCustomerAt: number | null, now: number): MessagingWindow {
  if (lastCustomerAt === null) return { expiresAt: NEVER, templateRequired: true };
  const expires = lastCustomerAt + STANDARD_WINDOW_MS;
  return { expiresAt: new Date(expires).toISOString(), templateRequired: now >= expires };
}

/**
 * Messenger and Instagram: 24 h, or 7 days for a human reply (sent with HUMAN_AGENT); no templates,
 * so past `expiresAt` nothing free-form may be sent. The AI always gets the 24 h window.
 */
export function messagingWindow(
  lastCustomerAt: number | null,
  _now: number,
  human: boolean,
): MessagingWindow {
  if (lastCustomerAt === null) return { expiresAt: NEVER, templateRequired: false };
  const span = human ? HUMAN_AGENT_WINDOW_MS : STANDARD_WINDOW_MS;
  return { expiresAt: new Date(lastCustomerAt + span).toISOString(), templateRequired: false };
}

/**
 * Whether a human's Messenger/Instagram reply must carry the HUMAN_AGENT tag (set `humanAgent` on
 * the message): past the 24 h window, within 7 days. Inside 24 h it goes as a plain RESPONSE.
 */
export function needsHumanAgentTag(lastCustomerAt: number | null, now: number): boolean {
  return (
    lastCustomerAt !== null &&
    now >= lastCustomerAt + STANDARD_WINDOW_MS &&
    now < lastCustomerAt + HUMAN_AGENT_WINDOW_MS
  );
}

/** Whether a free-form reply fits in the window now. */
export function windowOpen(window: MessagingWindow, now: number): boolean {
  return !window.templateRequired && (window.expiresAt === null || Date.parse(window.expiresAt) > now);
}
