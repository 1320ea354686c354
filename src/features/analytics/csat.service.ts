import type { Database } from "../../db/client";
import { csatResponses } from "../../db/schema";
import { AppError } from "../../lib/errors";
import { loadConversation } from "../conversations/conversations.service";
import { emitWebhookEvent } from "../webhooks/emit";
import { writeAnalytics } from "./analytics-events";

/** The room's side of the survey: which one it sent, and marking it answered. */
export interface SurveyRoom {
  csat(answeredId?: string): Promise<{ id: string; sentAt: number; answered: boolean } | null>;
}

/**
 * Records the customer's answer to the survey sent at the conversation's last resolution: once (a
 * second answer is a conflict), stored with its `csat_response` event in one transaction.
 */
export async function answerCsat(
  deps: { db: Database; env: Env; tenantId: string; room: SurveyRoom },
  conversationId: string,
  respondent: { kind: string; id: string },
  input: { rating: number; comment?: string },
) {
  const { db, tenantId, room } = deps;
  const conversation = await loadConversation(db, tenantId, conversationId);
  const survey = await room.csat();
  if (!survey) throw new AppError("conflict", "No satisfaction survey was sent for this conversation");
  const row = await db.transaction(async (tx) => {
    const [inserted] = await tx
      .insert(csatResponses)
      .values({
        tenantId,
        conversationId,
        surveyId: survey.id,
        rating: input.rating,
        comment: input.comment ?? null,
        respondentKind: respondent.kind,
        respondentId: respondent.id,
      })
      .onConflictDoNothing({ target: csatResponses.surveyId })
      .returning();
    if (!inserted) return null;
    await writeAnalytics(
      tx,
      tenantId,
      [
        {
          key: `c:${conversationId}:csat:${survey.id}`,
          name: "csat_response",
          actor: "human",
          at: inserted.createdAt.getTime(),
          value: input.rating,
          agentId: conversation.agentId,
          userId: conversation.assigneeId,
          dims: { rating: input.rating, surveyId: survey.id, respondent: respondent.kind },
        },
      ],
      { id: conversationId, channel: conversation.channel },
    );
    return inserted;
  });
  if (!row) throw new AppError("conflict", "This survey was already answered");
  await room.csat(survey.id);
  const csat = {
    id: row.id,
    conversationId,
    surveyId: row.surveyId,
    rating: row.rating,
    comment: row.comment,
    respondent: { kind: row.respondentKind, id: row.respondentId },
    createdAt: row.createdAt.toISOString(),
  };
  await emitWebhookEvent(deps.env, tenantId, "csat.received", { conversationId, csat });
  return csat;
}
