import { env } from "cloudflare:workers";
import { expect } from "vitest";
import { call, callJson, type TestTenant } from "./api";
import { type Channel, channelConversations, eventually, messagesOf } from "./channels";
import { graphAccount, messagingDelivery, signedDelivery, waText, whatsappDelivery } from "./fake-meta";

// Helpers for WhatsApp, Messenger and Instagram channels through the Worker, against the fake Graph
// API behind META_GRAPH_BASE / INSTAGRAM_GRAPH_BASE (state kept per access token).

export type MetaType = "whatsapp" | "messenger" | "instagram";
const digits = () => String(Math.floor(1e14 + Math.random() * 9e14));

/** Connects a Meta channel of `type` with fresh ids and token; the fake's who-am-I answers for them. */
export async function connectMeta(
  tenant: TestTenant,
  type: MetaType,
  extra: Record<string, unknown> = {},
  login: "instagram" | "facebook" = "instagram",
) {
  const account = digits();
  const token = `EAAG-${crypto.randomUUID()}`;
  const appSecret = `secret-${crypto.randomUUID()}`;
  const graph = graphAccount(env.FAKE_SERVICES_URL, token);
  const config =
    type === "whatsapp"
      ? { phoneNumberId: account, businessAccountId: digits(), accessToken: token, appSecret }
      : type === "messenger"
        ? { pageId: account, pageToken: token, appSecret }
        : { accountId: account, accessToken: token, appSecret, login };
  await graph.profile(
    type === "whatsapp"
      ? { verified_name: "Acme Support", display_phone_number: "+1 555-0100" }
      : type === "messenger"
        ? { id: account, name: "Acme Page" }
        : { id: login === "instagram" ? digits() : account, user_id: account, username: "acme" },
  );
  const channel = await callJson<Channel>(
    "/api/channels",
    { token: tenant.accessToken, json: { type, name: `Acme ${type}`, config, ...extra } },
    201,
  );
  const webhook = await callJson<{ url: string; verifyToken: string }>(
    `/api/channels/${channel.id}/webhook`,
    { token: tenant.accessToken },
    200,
  );
  return { channel, account, token, appSecret, graph, config, verifyToken: webhook.verifyToken, type };
}

export type MetaChannel = Awaited<ReturnType<typeof connectMeta>>;

/** Posts a delivery to the channel's webhook signed with `appSecret` over its exact bytes. */
export async function deliverMeta(channelId: string, payload: unknown, appSecret: string) {
  const { body, headers } = await signedDelivery(payload, appSecret);
  return call(`/webhooks/meta/${channelId}`, { body, headers });
}

let counter = 0;
/** A platform message id of the channel's kind (wamid or mid). */
export const messageId = (m: MetaChannel) =>
  `${m.type === "whatsapp" ? "wamid." : "m_"}${digits()}${counter++}`;

/** A customer's text delivery for the channel's platform, written at `at`. */
export function customerDelivery(
  m: MetaChannel,
  contact: string,
  mid: string,
  text: string,
  at = Date.now(),
) {
  if (m.type === "whatsapp")
    return whatsappDelivery(String(m.config.businessAccountId), m.account, [
      { messages: [waText(contact, mid, at, text)], contacts: [{ wa_id: contact, name: "Ada Lovelace" }] },
    ]);
  return messagingDelivery(m.type === "messenger" ? "page" : "instagram", [
    {
      id: m.account,
      messaging: [
        { sender: { id: contact }, recipient: { id: m.account }, timestamp: at, message: { mid, text } },
      ],
    },
  ]);
}

/** A customer writes (signed, 200); resolves with the conversation once the text is in its room. */
export async function customerWrites(
  tenant: TestTenant,
  m: MetaChannel,
  contact: string,
  text: string,
  at = Date.now(),
) {
  const response = await deliverMeta(
    m.channel.id,
    customerDelivery(m, contact, messageId(m), text, at),
    m.appSecret,
  );
  expect(response.status).toBe(200);
  return eventually(async () => {
    for (const c of await channelConversations(tenant, m.channel.id, m.type)) {
      if ((await messagesOf(tenant, c.id)).some((msg) => msg.text === text)) return c;
    }
    return undefined;
  });
}

/** The channel's send calls to Graph (`POST …/messages`), in order. */
export async function sends(m: MetaChannel) {
  return (await m.graph.calls()).filter((c) => c.method === "POST" && c.path.endsWith("/messages"));
}

/** The send path of the channel's platform, for scripts. */
export const sendRoute = (m: MetaChannel) =>
  m.type === "instagram" ? "POST /me/messages" : `POST /${m.account}/messages`;

/** Scripts the next send to answer with this platform message id. */
export function nextSendId(m: MetaChannel, id: string) {
  return m.graph.script(sendRoute(m), {
    json:
      m.type === "whatsapp"
        ? { messaging_product: "whatsapp", messages: [{ id }] }
        : { recipient_id: "x", message_id: id },
    times: 1,
  });
}

/** A staff reply through REST (201). */
export const staffReply = (tenant: TestTenant, conversationId: string, body: Record<string, unknown>) =>
  callJson<{ id: string }>(
    `/api/conversations/${conversationId}/messages`,
    { token: tenant.accessToken, json: body },
    201,
  );

/** Waits for a message's delivery state. */
export function deliveryOf(tenant: TestTenant, conversationId: string, id: string, state: string) {
  return eventually(async () =>
    (await messagesOf(tenant, conversationId)).find((msg) => msg.id === id && msg.delivery?.state === state),
  );
}
