import { type SQL, sql } from "drizzle-orm";
import type { Database } from "../../db/client";
import {
  type AnalyticsActor,
  analyticsEvents,
  conversations,
  type TenantBusinessHours,
} from "../../db/schema";
import { uuidv7 } from "../../lib/ids";
import type { JsonObject } from "../../lib/json";
import { businessSeconds } from "./business-hours";
import { loadBusinessHours } from "./business-hours.service";

/** Every event name the owners write (docs/analytics-events.md defines each). */
export type AnalyticsEventName =
  | "conversation_created"
  | "conversation_reopened"
  | "conversation_resolved"
  | "human_resolution"
  | "message_in"
  | "reply"
  | "first_human_reply"
  | "ai_answer"
  | "handoff"
  | "hand_back"
  | "ai_resolution_confirmed"
  | "ai_resolution_assumed"
  | "ai_resolution_revoked"
  | "plan_proposed"
  | "plan_approved"
  | "plan_rejected"
  | "plan_executed"
  | "csat_sent"
  | "csat_response"
  | "policy_saved"
  | "document_ready"
  | "channel_delivery_failed"
  | "window_closed"
  | "template_sent";

/**
 * One fact as its owner records it. `key` is deterministic per fact (a replay writes the same key,
 * so it is a no-op). A duration is `from` → `at` (ms): its calendar and business-hours seconds are
 * computed when written; `value` is a plain number (a rating) for events without a duration.
 */
export interface AnalyticsFact {
  key: string;
  name: AnalyticsEventName;
  actor: AnalyticsActor;
  at: number;
  from?: number | null;
  /** Stretches (ms, within from → at) not counted in the duration, in calendar or business time. */
  excluded?: [number, number][];
  value?: number | null;
  agentId?: string | null;
  userId?: string | null;
  dims?: JsonObject;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** Agent and user columns are uuids: an id that is not one (an API key's "assistant") is dropped. */
const uuidOrNull = (id: string | null | undefined) => (id && UUID.test(id) ? id : null);

/**
 * Writes facts of one tenant (idempotent: insert … on conflict (tenant, key) do nothing), with the
 * tenant's business hours for the durations. `conversation` carries the id and channel they share.
 */
export async function writeAnalytics(
  db: Pick<Database, "select" | "execute">,
  tenantId: string,
  facts: AnalyticsFact[],
  conversation: { id: string; channel: string | null } | null = null,
): Promise<void> {
  if (facts.length === 0) return;
  await db.execute(
    analyticsInsert(tenantId, facts, await businessHoursFor(db, tenantId, facts), conversation),
  );
}

/** The tenant's business hours when one of the facts has a duration to measure in them (else none is read). */
export async function businessHoursFor(
  db: Pick<Database, "select">,
  tenantId: string,
  facts: AnalyticsFact[],
): Promise<TenantBusinessHours | null> {
  return facts.some((f) => f.from != null) ? loadBusinessHours(db, tenantId) : null;
}

/**
 * The insert of `facts` (at least one), one array per column. A conversation given without its
 * channel has it read from its row, and then a conversation that no longer exists gets no events.
 */
export function analyticsInsert(
  tenantId: string,
  facts: AnalyticsFact[],
  hours: TenantBusinessHours | null,
  conversation: { id: string; channel?: string | null } | null,
): SQL {
  const rows = facts.map((f) => {
    const duration = f.from != null && f.from <= f.at;
    const excluded = f.excluded ?? [];
    const excludedMs = excluded.reduce((sum, [from, to]) => sum + (to - from), 0);
    const excludedBh = excluded.reduce((sum, [from, to]) => sum + businessSeconds(from, to, hours), 0);
    return {
      ...f,
      valueS: duration ? Math.round((f.at - (f.from ?? f.at) - excludedMs) / 1000) : (f.value ?? null),
      valueBhS: duration ? businessSeconds(f.from ?? f.at, f.at, hours) - excludedBh : null,
    };
  });
  const column = <T>(pick: (row: (typeof rows)[number]) => T) => sql.param(rows.map(pick));
  const fromRow = conversation !== null && conversation.channel === undefined;
  const channel = fromRow ? sql`c.channel` : sql`${conversation?.channel ?? null}::text`;
  return sql`
    insert into ${analyticsEvents} (id, tenant_id, key, conversation_id, name, actor, channel, agent_id, user_id, value_s, value_bh_s, dims, at)
    select r.id, ${tenantId}, r.key, ${conversation?.id ?? null}::uuid, r.name, r.actor, ${channel}, r.agent_id, r.user_id, r.value_s, r.value_bh_s, r.dims, r.at
    from unnest(
      ${column(() => uuidv7())}::uuid[], ${column((r) => r.key)}::text[], ${column((r) => r.name)}::text[],
      ${column((r) => r.actor)}::text[], ${column((r) => uuidOrNull(r.agentId))}::uuid[],
      ${column((r) => uuidOrNull(r.userId))}::uuid[], ${column((r) => r.valueS)}::int[], ${column((r) => r.valueBhS)}::int[],
      ${column((r) => JSON.stringify(r.dims ?? {}))}::jsonb[], ${column((r) => new Date(r.at).toISOString())}::timestamptz[]
    ) as r(id, key, name, actor, agent_id, user_id, value_s, value_bh_s, dims, at)
    ${fromRow ? sql`cross join (select channel from ${conversations} where id = ${conversation.id} and tenant_id = ${tenantId}) c` : sql``}
    on conflict (tenant_id, key) do nothing`;
}

/** The `policy_saved` fact of a policy record: once per record, by its reviewer or the system. */
export function policySaved(
  policy: { id: string; source: string; productLine?: string | null },
  by: { kind: string; id: string } | null,
): AnalyticsFact {
  const human = by?.kind === "user";
  return {
    key: `policy_saved:${policy.id}`,
    name: "policy_saved",
    actor: human ? "human" : "system",
    at: Date.now(),
    userId: human ? by.id : null,
    dims: { policyId: policy.id, source: policy.source, productLine: policy.productLine ?? null },
  };
}
