import type { Database } from "../../db/client";
import type { BusinessHours } from "../../db/schema";
import type { Config } from "../../env";
import { describeError, log } from "../../lib/logger";
import { loadAgentContext } from "./answer";

const BUILT_IN =
  /\b(human|real person|a person|someone real|agent|representative|operator|customer service|talk to (someone|somebody)|speak to (someone|somebody))\b/i;

/** Whether the visitor is asking for a person, by built-in phrases or the agent's own keywords. */
export function asksForHuman(text: string, keywords: string[]): boolean {
  if (BUILT_IN.test(text)) return true;
  const lower = text.toLowerCase();
  return keywords.some((keyword) => keyword.trim() && lower.includes(keyword.trim().toLowerCase()));
}

const DAYS = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"] as const;

function localTime(now: Date, timezone: string): { day: (typeof DAYS)[number]; minutes: number } {
  const parts = new Intl.DateTimeFormat("en-US", {
    timeZone: timezone,
    weekday: "short",
    hour: "2-digit",
    minute: "2-digit",
    hourCycle: "h23",
  }).formatToParts(now);
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? "";
  const day = get("weekday").toLowerCase().slice(0, 3) as (typeof DAYS)[number];
  return { day, minutes: Number(get("hour")) * 60 + Number(get("minute")) };
}

const toMinutes = (hhmm: string) => {
  const [h, m] = hhmm.split(":").map(Number);
  return (h ?? 0) * 60 + (m ?? 0);
};

/** Whether `now` falls inside the business hours (always true when none are set). */
export function isOpen(hours: BusinessHours | null | undefined, now = new Date()): boolean {
  if (!hours) return true;
  const { day, minutes } = localTime(now, hours.timezone);
  return (hours.weekly[day] ?? []).some(
    ([start, end]) => minutes >= toMinutes(start) && minutes < toMinutes(end),
  );
}

/** "Mon 09:00–17:00, Tue …" for telling a visitor when someone will answer. */
export function describeHours(hours: BusinessHours): string {
  const days = DAYS.slice(1)
    .concat("sun")
    .filter((day) => (hours.weekly[day] ?? []).length > 0)
    .map(
      (day) =>
        `${day[0]?.toUpperCase()}${day.slice(1)} ${(hours.weekly[day] ?? []).map(([s, e]) => `${s}–${e}`).join(", ")}`,
    );
  return `${days.join("; ")} (${hours.timezone})`;
}

/** The system message a visitor sees when handed to a person. */
export function handoffMessage(hours: BusinessHours | null | undefined, now = new Date()): string {
  if (isOpen(hours, now) || !hours)
    return "I've asked a member of our team to join. Someone will reply here shortly.";
  return `I've asked a member of our team to join. We're closed right now — our hours are ${describeHours(hours)} — and someone will reply here when we're back.`;
}

/** The business hours of a conversation's agent (null: none, or the agent could not be loaded). */
export async function agentBusinessHours(
  deps: { db: Database; config: Config },
  room: { tenantId: string; agentId: string | null; conversationId: string },
): Promise<BusinessHours | null> {
  if (!room.agentId) return null;
  try {
    return (await loadAgentContext(deps, room.tenantId, room.agentId)).agent.businessHours;
  } catch (error) {
    log("warn", "could not load business hours", {
      conversationId: room.conversationId,
      ...describeError(error),
    });
    return null;
  }
}
