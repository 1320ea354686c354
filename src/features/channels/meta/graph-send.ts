import type { IdentityCheck, SendResult } from "../channel-adapter";
import { GraphError } from "./graph-errors";

/** A send's typed failure decided before calling Meta (nothing went out). */
export const refused = (code: string): SendResult => ({ ok: false, failure: "UNDELIVERABLE", code });

/**
 * Runs a Graph call that yields a message id as a SendResult: Graph errors become typed failures;
 * an unreachable or slow Graph (OutboundError) is thrown, for the caller's queue to retry.
 */
export async function asSendResult(call: () => Promise<string | undefined>): Promise<SendResult> {
  try {
    const id = await call();
    return id ? { ok: true, platformMessageId: id } : refused("no_message_id");
  } catch (error) {
    if (!(error instanceof GraphError)) throw error;
    return {
      ok: false,
      failure: error.failure,
      code: error.code,
      ...(error.retryAfterMs === undefined ? {} : { retryAfterMs: error.retryAfterMs }),
    };
  }
}

/** Runs a "who am I" Graph call as an IdentityCheck (Graph errors typed, outages thrown). */
export async function asIdentity(call: () => Promise<IdentityCheck>): Promise<IdentityCheck> {
  try {
    return await call();
  } catch (error) {
    if (!(error instanceof GraphError)) throw error;
    return { ok: false, failure: error.failure, code: error.code };
  }
}
