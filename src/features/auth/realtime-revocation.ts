import { describeError, log } from "../../lib/logger";
import { inboxClient } from "../inbox/inbox-client";

/**
 * Closes a deactivated user's or revoked API key's open sockets, in the tenant's inbox and in every
 * room the inbox knows it joined (rooms report staff joins and leaves to their tenant's inbox, the
 * one object per tenant that can list them). Its older tickets are refused at upgrade separately.
 * The revocation is already stored: a failure here is logged, not turned into a failed request.
 */
export async function closeRealtimeAccess(env: Env, tenantId: string, principalId: string): Promise<void> {
  try {
    const { rooms } = await inboxClient(env, tenantId).closePrincipal(principalId, Date.now());
    log("info", "closed a revoked principal's sockets", { tenantId, principalId, rooms });
  } catch (error) {
    log("warn", "closing a revoked principal's sockets failed", {
      tenantId,
      principalId,
      ...describeError(error),
    });
  }
}
