import type { Database } from "../../db/client";
import type { ConversationStatus } from "../../db/schema";
import type { Config } from "../../env";
import type { AgentContext } from "../ai/answer";
import { agentBusinessHours, handoffMessage } from "../ai/handoff";
import { notifyWaiting } from "../notifications/notifications.jobs";
import { autoAssignee } from "../teams/auto-assign";
import type { PostResult, RoomPost, Sender } from "./conversations.protocol";
import type { RoomStore } from "./room-store";

const SYSTEM: Sender = { kind: "system", id: "switchboard" };

/** What a handoff needs of its room. */
export interface HandoffPort {
  store(): RoomStore;
  env: Env;
  config(): Config;
  database(): Database;
  changeStatus(status: ConversationStatus, assigneeId: string | null, reason?: string): void;
  /** The AI's answer counts as given (it handed over). */
  markAnswered(): void;
  post(sender: Sender, post: RoomPost): Promise<PostResult>;
  armAlarm(): Promise<void>;
}

/**
 * Hands an AI-answered conversation to a person: pending_human; round-robin within its team, else
 * staff are emailed if nobody is online; then the visitor is told when to expect a reply.
 */
export async function handOff(port: HandoffPort, reason: string, agent: AgentContext["agent"] | null) {
  const meta = port.store().meta();
  if (meta?.status !== "open") return;
  port.changeStatus("pending_human", meta.assigneeId, reason);
  port.markAnswered();
  const assignee = meta.assigneeId ?? (await autoAssignee({ db: port.database(), env: port.env }, meta));
  if (assignee && !meta.assigneeId) port.changeStatus("with_human", assignee, "auto-assigned");
  else await notifyWaiting(port.env, { ...meta, assigneeId: assignee });
  const hours = agent
    ? agent.businessHours
    : await agentBusinessHours({ db: port.database(), config: port.config() }, meta);
  await port.post(SYSTEM, { text: handoffMessage(hours), metadata: { handoff: true, reason } });
  await port.armAlarm();
}
