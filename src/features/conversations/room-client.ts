import { JOIN_HEADER, type RoomJoin } from "./conversations.protocol";

/** The room (Durable Object) of a conversation: the one place that makes its stub. */
export function roomFor(env: Env, conversationId: string) {
  return env.CONVERSATION_ROOM.get(env.CONVERSATION_ROOM.idFromName(conversationId));
}

/**
 * Hands a WebSocket upgrade to the room with who joins as one object (the room validates it), in
 * place of loose headers: only verified ticket claims ever reach it.
 */
export function joinRoom(env: Env, conversationId: string, upgrade: Request, join: RoomJoin) {
  const headers = new Headers(upgrade.headers);
  headers.set(JOIN_HEADER, JSON.stringify(join));
  return roomFor(env, conversationId).fetch(new Request(upgrade.url, { headers }));
}
