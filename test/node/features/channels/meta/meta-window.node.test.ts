import { describe, expect, it } from "vitest";
import {
  messagingWindow,
  needsHumanAgentTag,
  whatsappWindow,
  windowOpen,
} from "../../../../../src/features/channels/meta/meta-window";

const H = 3_600_000;
const last = Date.UTC(2026, 11, 1, 12, 0, 0);

describe("Meta messaging windows", () => {
  it("WhatsApp: free-form for 24 h after the customer's last message, then templates only", () => {
    const inside = whatsappWindow(last, last + 23 * H);
    expect(inside).toEqual({ expiresAt: "2026-12-02T12:00:00.000Z", templateRequired: false });
    expect(windowOpen(inside, last + 23 * H)).toBe(true);
    const after = whatsappWindow(last, last + 24 * H);
    expect(after).toEqual({ expiresAt: "2026-12-02T12:00:00.000Z", templateRequired: true });
    expect(windowOpen(after, last + 24 * H)).toBe(false);
    expect(whatsappWindow(null, last)).toEqual({
      expiresAt: "1970-01-01T00:00:00.000Z",
      templateRequired: true,
    });
  });

  it("Messenger/Instagram: 24 h for the AI, 7 days for a human (with HUMAN_AGENT past 24 h), never templates", () => {
    const now = last + 30 * H;
    const ai = messagingWindow(last, now, false);
    const human = messagingWindow(last, now, true);
    expect(ai).toEqual({ expiresAt: "2026-12-02T12:00:00.000Z", templateRequired: false });
    expect(human).toEqual({ expiresAt: "2026-12-08T12:00:00.000Z", templateRequired: false });
    expect([windowOpen(ai, now), windowOpen(human, now)]).toEqual([false, true]);
    expect(windowOpen(messagingWindow(null, now, true), now)).toBe(false);
    expect(
      [last + 23 * H, last + 24 * H, last + 167 * H, last + 168 * H].map((t) => needsHumanAgentTag(last, t)),
    ).toEqual([false, true, true, false]);
  });
});
