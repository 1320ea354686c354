import { and, desc, eq } from "drizzle-orm";
import type { Database } from "../../db/client";
import { conversations, csatResponses } from "../../db/schema";
import { AppError } from "../../lib/errors";
import { roomFor } from "../conversations/room-client";
import { answerCsat } from "./csat.service";

/** Just a rating: "4", " 5 ", "3/5", "5!". */
const RATING = /^\s*([1-5])\s*(?:\/\s*5)?\s*[.!]?\s*$/;

/**
 * A channel customer's next message after a resolution that is just a rating 1–5 answers the
 * survey the resolution sent (not a new request: no conversation, no AI). True when it did (or a
 * redelivery of it); false for any other message, which then opens a conversation as usual.
 */
export async function answerByRating(
  deps: { db: Database; env: Env },
  channel: { id: string; type: string; tenantId: string },
  event: { text: string; contactRef: string; platformId: string },
): Promise<boolean> {
  const match = RATING.exec(event.text);
  if (!match) return false;
  const { db } = deps;
  const respondent = { kind: "channel", id: `${channel.type}:${event.platformId}` };
  const [known] = await db
    .select({ id: csatResponses.id })
    .from(csatResponses)
    .where(
      and(
        eq(csatResponses.tenantId, channel.tenantId),
        eq(csatResponses.respondentKind, respondent.kind),
        eq(csatResponses.respondentId, respondent.id),
      ),
    );
  if (known) return true;
  // The contact's latest conversation here: only a resolved one is waiting for a rating.
  const [latest] = await db
    .select({ id: conversations.id, status: conversations.status })
    .from(conversations)
    .where(
      and(eq(conversations.channelId, channel.id), eq(conversations.channelContactRef, event.contactRef)),
    )
    .orderBy(desc(conversations.createdAt))
    .limit(1);
  if (latest?.status !== "resolved") return false;
  const room = roomFor(deps.env, latest.id);
  const survey = await room.csat();
  if (!survey || survey.answered) return false;
  try {
    await answerCsat({ db, env: deps.env, tenantId: channel.tenantId, room }, latest.id, respondent, {
      rating: Number(match[1]),
    });
  } catch (error) {
    // Answered meanwhile (a concurrent redelivery): this message was the answer all the same.
    if (!(error instanceof AppError && error.code === "conflict")) throw error;
  }
  return true;
}
