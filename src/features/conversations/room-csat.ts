import { CHANNEL_CSAT_QUESTION } from "../analytics/csat-questions";
import type { RoomChannelOutbox } from "./room-channel-outbox";
import type { RoomHost } from "./room-parts";

/**
 * The survey of a resolved channel conversation: the question goes out as a message on the channel
 * when its window is open (a customer's reply of just 1–5 answers it, see analytics/channel-csat.ts);
 * outside the window nothing is sent. Off channels the widget shows the `csat` frame (always sent).
 */
export function surveyOnChannel(
  host: Pick<RoomHost, "store" | "sockets">,
  channel: RoomChannelOutbox,
  surveyId: string,
  now: number,
): boolean {
  const store = host.store();
  if (!store.meta()?.channel) return true;
  if (!channel.isOpen(false, now)) return false;
  const sender = { kind: "system", id: "csat" } as const;
  const message = store.append(
    sender,
    CHANNEL_CSAT_QUESTION,
    `csat:${surveyId}`,
    { csat: { surveyId } },
    now,
  );
  if (!message) return false;
  host.sockets.broadcast(message);
  channel.posted(message);
  return true;
}
