import { useState } from "preact/hooks";
import type { ConversationView } from "../../../features/conversations/conversations.views";
import { session } from "../../api";
import { tc } from "../../conversation-strings";
import type { Directory } from "../../directory";
import { t } from "../../strings";

export type Act = (path: string, json?: unknown, method?: string) => Promise<void>;

interface Props {
  conversation: ConversationView;
  directory: Directory;
  act: Act;
  /** Sends a frame on the room's socket. */
  frame(value: unknown): boolean;
}

/** A local date-time input's value for `date` (minutes, the browser's time zone). */
const localInput = (date: Date) =>
  new Date(date.getTime() - date.getTimezoneOffset() * 60_000).toISOString().slice(0, 16);

/** Assign (a user, a team), priority, hand-off/take over/hand back, resolve or reopen, snooze until a time. */
export function Actions({ conversation: c, directory, act, frame }: Props) {
  const me = session()?.user.id;
  const [until, setUntil] = useState(() => localInput(new Date(Date.now() + 3600_000)));
  const closed = c.status === "resolved" || c.status === "expired" || c.status === "snoozed";
  const withPerson = c.status === "with_human" || c.status === "pending_human";
  return (
    <div class="actions">
      <label>
        {tc.assignee}{" "}
        <select
          value={c.assigneeId ?? ""}
          onChange={(e) => act("assign", { assigneeId: e.currentTarget.value || null }, "PUT")}
        >
          <option value="">{tc.unassigned}</option>
          {directory.users.map((u) => (
            <option value={u.id}>
              {u.id === me ? `${u.name || u.email} (${tc.me})` : u.name || u.email}
            </option>
          ))}
          {c.assigneeId && !directory.users.some((u) => u.id === c.assigneeId) && (
            <option value={c.assigneeId}>{c.assigneeId === me ? tc.me : c.assigneeId.slice(0, 8)}</option>
          )}
        </select>
      </label>
      <label>
        {tc.team}{" "}
        <select
          value={c.teamId ?? ""}
          onChange={(e) => act("assign", { teamId: e.currentTarget.value || null }, "PUT")}
        >
          <option value="">{tc.noTeam}</option>
          {directory.teams.map((team) => (
            <option value={team.id}>{team.name}</option>
          ))}
        </select>
      </label>
      <label>
        {tc.priority}{" "}
        <select
          value={c.priority}
          onChange={(e) => act("priority", { priority: e.currentTarget.value }, "PUT")}
        >
          {Object.entries(tc.priorities).map(([value, label]) => (
            <option value={value}>{label}</option>
          ))}
        </select>
      </label>
      {c.assigneeId !== me && !closed && (
        <button type="button" onClick={() => act("assign", { assigneeId: me }, "PUT")}>
          {c.status === "open" ? tc.takeOver : t.assignToMe}
        </button>
      )}
      {c.status === "open" && (
        <button type="button" onClick={() => frame({ type: "handoff" })}>
          {tc.handOff}
        </button>
      )}
      {withPerson && (
        <button type="button" onClick={() => act("handback")}>
          {t.handBack}
        </button>
      )}
      {closed ? (
        <button type="button" onClick={() => act("reopen")}>
          {tc.reopen}
        </button>
      ) : (
        <>
          <button type="button" onClick={() => act("resolve")}>
            {t.resolve}
          </button>
          <span class="snooze">
            <label>
              {tc.snoozeUntil}{" "}
              <input type="datetime-local" value={until} onInput={(e) => setUntil(e.currentTarget.value)} />
            </label>
            <button
              type="button"
              onClick={() => until && act("snooze", { until: new Date(until).toISOString() })}
            >
              {tc.snooze}
            </button>
          </span>
        </>
      )}
    </div>
  );
}
