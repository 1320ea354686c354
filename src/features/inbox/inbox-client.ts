import { describeError, log } from "../../lib/logger";
import { INBOX_JOIN_HEADER, type InboxEvent, type InboxJoin } from "./inbox.protocol";

export type InboxClient = ReturnType<typeof inboxClient>;

/**
 * The only holder of a tenant inbox's stub: its typed door for the rest of the Worker. One client
 * keeps one stub (calls through it arrive in order) and takes a fresh one after a failure, since a
 * stub that threw may be broken.
 */
export function inboxClient(env: Env, tenantId: string) {
  const connect = () => env.TENANT_INBOX.get(env.TENANT_INBOX.idFromName(tenantId));
  let stub = connect();
  /** Runs `call`; on failure logs `what` with the tenant, renews the stub and answers `fallback`. */
  async function quietly<T>(
    what: string,
    fields: Record<string, unknown>,
    fallback: T,
    call: () => Promise<T>,
  ) {
    try {
      return await call();
    } catch (error) {
      stub = connect();
      log("warn", what, { tenantId, ...fields, ...describeError(error) });
      return fallback;
    }
  }
  return {
    /** Never throws: a live view is a convenience, and failing to tell it must not fail the writer. */
    publish: (event: InboxEvent): Promise<void> =>
      quietly("inbox event not delivered", { type: event.type }, undefined, () => stub.publish(event)),
    /**
     * A room's staff socket joined, or the principal's last one there left (never throws). Answers
     * whether the principal was revoked since `issuedAtMs`: the room then closes the socket.
     */
    staffPresence: (conversationId: string, principalId: string, state: "join" | "leave", issuedAtMs = 0) =>
      quietly("inbox presence report failed", { conversationId }, false, () =>
        stub.staffPresence(conversationId, principalId, state, issuedAtMs),
      ),
    /** Who of the tenant's staff is online (never throws: nobody, when the inbox cannot be asked). */
    onlineStaff: () => quietly("inbox presence query failed", {}, [] as string[], () => stub.onlineStaff()),
    /** Hands a staff socket's upgrade to the inbox with its verified ticket claims. */
    connect(upgrade: Request, join: InboxJoin) {
      const headers = new Headers(upgrade.headers);
      headers.set(INBOX_JOIN_HEADER, JSON.stringify(join));
      return stub.fetch(new Request(upgrade.url, { headers }));
    },
    flushLag: () => stub.flushLag(),
    /** Staff with the inbox open; 0 when the inbox cannot be reached (shown as "away", never an error). */
    staffOnline: () => quietly("inbox presence unknown", {}, 0, () => stub.staffOnline()),
    /** Whether an enabled endpoint of the tenant listens for `type` (yes, when the inbox cannot be asked). */
    wantsWebhook: async (type: string) =>
      (
        await quietly("webhook subscriptions unknown", { type }, [type], () => stub.webhookEvents(tenantId))
      ).includes(type),
    /**
     * The event types the tenant's enabled endpoints want, for a room that keeps the answer: the
     * inbox tells it (`webhooksChanged`) when they change. Null when the inbox cannot be asked.
     */
    webhookTypesFor: (conversationId: string) =>
      quietly("webhook subscriptions unknown", { conversationId }, null, () =>
        stub.webhookEvents(tenantId, conversationId),
      ),
    /** Tells the inbox an endpoint changed; resolves once every room that keeps the answer was told. */
    webhooksChanged: () => stub.webhooksChanged(),
    closePrincipal: (principalId: string, revokedAt: number) => stub.closePrincipal(principalId, revokedAt),
    destroy: () => stub.destroy(),
  };
}
