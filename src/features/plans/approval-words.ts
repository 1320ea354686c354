const APPROVE =
  /^(yes|yep|yeah|approve|approved|confirm|confirmed|go ahead|proceed|do it|ok|okay|sure|please do)\b/;
// Any refusal word wins, wherever it stands: when in doubt, nothing runs.
const REJECT =
  /\b(no|nope|reject|rejected|cancel|cancelled|canceled|stop|abort|dont|don't|do not|never ?mind)\b/;
const MAX_WORDS = 8;

/**
 * Whether a short user message decides a pending plan ("approve", "yes, go ahead" / "reject",
 * "cancel"). Longer messages are new requests, never decisions.
 */
export function decisionIn(text: string): "approve" | "reject" | null {
  const words = text
    .toLowerCase()
    .replace(/[’]/g, "'")
    .replace(/[^a-z' ]+/g, " ")
    .replace(/\s+/g, " ")
    .trim();
  if (!words || words.split(" ").length > MAX_WORDS) return null;
  if (REJECT.test(words)) return "reject";
  return APPROVE.test(words) ? "approve" : null;
}
