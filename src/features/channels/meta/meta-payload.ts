import type { z } from "zod";
import type { InboundEvent } from "../channel-adapter";

/**
 * What the Meta parsers return: the contract's events, each naming the business account it arrived
 * for, and Messenger's watermarks. One Meta app has one callback URL, so a delivery can carry entries
 * of several Pages or numbers: the consumer keeps only events whose `accountRef` is its channel's.
 */
export type MetaEvent =
  | (Exclude<InboundEvent, { type: "status" }> & { accountRef: string })
  | (Extract<InboundEvent, { type: "status" }> & {
      accountRef: string;
      /** WhatsApp: the idempotency key our send carried (`biz_opaque_callback_data`), when it did. */
      sendKey?: string;
    })
  | WatermarkStatus;

/**
 * "Everything sent to `contactRef` at or before `at` was delivered/read" (Messenger `delivery`/`read`).
 * Applied forward-only: every outbound message of this channel to that contact sent at or before
 * `at` whose state ranks below `state` moves up to it; `failed` and later states stay. Its
 * `platformMessageId` names no real message, so a consumer that ignores `watermark` does nothing.
 */
export interface WatermarkStatus {
  type: "status";
  platformMessageId: string;
  state: "delivered" | "read";
  at: number;
  accountRef: string;
  watermark: { contactRef: string };
}

/** A webhook payload that is not what the platform sends: dead-letter it (the message names paths, never values). */
export class InvalidPayloadError extends Error {
  constructor(
    readonly platform: string,
    readonly issues: z.core.$ZodIssue[],
  ) {
    const where = issues
      .slice(0, 5)
      .map((issue) => `${issue.path.join(".") || "(root)"}: ${issue.message}`)
      .join("; ");
    super(`Invalid ${platform} webhook payload: ${where}`);
    this.name = "InvalidPayloadError";
  }
}

/** `schema.parse` that throws InvalidPayloadError. */
export function parsePayload<T>(platform: string, schema: z.ZodType<T>, payload: unknown): T {
  const result = schema.safeParse(payload);
  if (!result.success) throw new InvalidPayloadError(platform, result.error.issues);
  return result.data;
}

/** Whether an event is a watermark rather than one message's status. */
export function isWatermark(event: MetaEvent): event is WatermarkStatus {
  return event.type === "status" && "watermark" in event;
}

/** Coordinates (and name/address) as one line of text. */
export function locationText(place: {
  latitude: number;
  longitude: number;
  name?: string | undefined;
  address?: string | undefined;
  url?: string | undefined;
}): string {
  const label = [place.name, place.address].filter(Boolean).join(", ");
  const at = `${place.latitude}, ${place.longitude}`;
  const lines = [`📍 Location: ${label ? `${label} (${at})` : at}`];
  lines.push(place.url ?? `https://maps.google.com/?q=${place.latitude},${place.longitude}`);
  return lines.join("\n");
}
