// `npm run bench:channels`, part 3: outbound send throughput per channel type against the fakes, and
// the Meta webhook's answer time (HMAC over the raw bytes, then the queue).
// Per type: BENCH_OUT_CHATS customers write once, then a staff socket in each of their rooms posts
// BENCH_OUT_REPLIES replies as fast as it can; measured from the first post to the last `sent` frame.
import { createHmac, randomUUID } from "node:crypto";
import WebSocket from "ws";

type Type = "telegram" | "whatsapp" | "messenger" | "instagram";
type Api = <T>(path: string, init?: RequestInit & { token?: string }) => Promise<T>;

export interface OutboundBench {
  appUrl: string;
  fakesUrl: string;
  api: Api;
  accessToken: string;
  say(line: string): void;
  percentile(values: number[], p: number): number;
}

const num = (name: string, fallback: number) => Number(process.env[name] ?? fallback);
const CHATS = num("BENCH_OUT_CHATS", 5);
const REPLIES = num("BENCH_OUT_REPLIES", 40);
const META_SAMPLES = num("BENCH_META_SAMPLES", 300);
const digits = () => String(Math.floor(1e14 + Math.random() * 9e14));

async function connect(b: OutboundBench, type: Type) {
  const account = digits();
  const appSecret = `bench-${randomUUID()}`;
  const token =
    type === "telegram"
      ? `${Math.floor(Math.random() * 1e9)}:AAE-${randomUUID().replaceAll("-", "")}`
      : `EAAG-${randomUUID()}`;
  if (type !== "telegram")
    await fetch(`${b.fakesUrl}/_test/meta/profile`, {
      method: "POST",
      body: JSON.stringify({ ns: "bench", token, profile: { id: account, user_id: account, name: "Bench" } }),
    });
  const config = {
    telegram: { botToken: token },
    whatsapp: { phoneNumberId: account, businessAccountId: digits(), accessToken: token, appSecret },
    messenger: { pageId: account, pageToken: token, appSecret },
    instagram: { accountId: account, accessToken: token, appSecret, login: "instagram" },
  }[type];
  const channel = await b.api<{ id: string }>("/api/channels", {
    method: "POST",
    token: b.accessToken,
    body: JSON.stringify({ type, name: `Bench ${type}`, config }),
  });
  let secret = "";
  if (type === "telegram") {
    const calls = (await (
      await fetch(`${b.fakesUrl}/_test/telegram/calls?token=${encodeURIComponent(token)}`)
    ).json()) as { params: { secret_token: string } }[];
    secret = String(calls[0]?.params.secret_token);
  }
  return { type, account, appSecret, token, secret, channel };
}

type Connected = Awaited<ReturnType<typeof connect>>;

let nextId = 1;
/** One customer message as the platform delivers it; resolves once the webhook answered. */
async function customerWrites(b: OutboundBench, c: Connected, contact: string, text: string) {
  const at = Date.now();
  const id = nextId++;
  let body: string;
  const headers: Record<string, string> = { "Content-Type": "application/json" };
  if (c.type === "telegram") {
    body = JSON.stringify({
      update_id: 50_000_000 + id,
      message: {
        message_id: id,
        date: Math.floor(at / 1000),
        chat: { id: Number(contact), type: "private", first_name: "Bench" },
        text,
      },
    });
    headers["X-Telegram-Bot-Api-Secret-Token"] = c.secret;
  } else {
    // As Meta sends them (its bytes, signed with the app secret); the shapes are in test/support/fake-meta.ts.
    const entry =
      c.type === "whatsapp"
        ? {
            id: digits(),
            changes: [
              {
                field: "messages",
                value: {
                  messaging_product: "whatsapp",
                  metadata: { phone_number_id: c.account },
                  messages: [
                    {
                      from: contact,
                      id: `wamid.b${id}`,
                      timestamp: String(Math.floor(at / 1000)),
                      type: "text",
                      text: { body: text },
                    },
                  ],
                },
              },
            ],
          }
        : {
            id: c.account,
            time: at,
            messaging: [
              {
                sender: { id: contact },
                recipient: { id: c.account },
                timestamp: at,
                message: { mid: `m_b${id}`, text },
              },
            ],
          };
    const object = { whatsapp: "whatsapp_business_account", messenger: "page", instagram: "instagram" }[
      c.type
    ];
    body = JSON.stringify({ object, entry: [entry] });
    headers["X-Hub-Signature-256"] = `sha256=${createHmac("sha256", c.appSecret).update(body).digest("hex")}`;
  }
  const started = performance.now();
  const route = c.type === "telegram" ? "telegram" : "meta";
  const response = await fetch(`${b.appUrl}/webhooks/${route}/${c.channel.id}`, {
    method: "POST",
    headers,
    body,
  });
  await response.body?.cancel();
  if (response.status !== 200) throw new Error(`webhook answered ${response.status}`);
  return performance.now() - started;
}

async function conversationsOf(b: OutboundBench, c: Connected, want: number) {
  for (let tries = 0; tries < 600; tries++) {
    const page = await b.api<{ data: { id: string; channelId: string }[] }>(
      `/api/conversations?channel=${c.type}&limit=100`,
      { token: b.accessToken },
    );
    const found = page.data.filter((x) => x.channelId === c.channel.id);
    if (found.length >= want) return found;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  throw new Error(`${c.type}: conversations did not open`);
}

async function throughput(b: OutboundBench, type: Type) {
  const c = await connect(b, type);
  const contacts = Array.from({ length: CHATS }, () => String(Math.floor(1e9 + Math.random() * 8e9)));
  for (const contact of contacts) await customerWrites(b, c, contact, "hello");
  const conversations = await conversationsOf(b, c, CHATS);
  let sent = 0;
  let failed = 0;
  let last = 0;
  const done = new Promise<void>((resolve) => {
    const check = () => {
      if (sent + failed >= CHATS * REPLIES) resolve();
    };
    void Promise.all(
      conversations.map(async (conversation) => {
        const { url } = await b.api<{ url: string }>(`/api/conversations/${conversation.id}/ticket`, {
          method: "POST",
          token: b.accessToken,
        });
        const socket = new WebSocket(`${b.appUrl.replace(/^http/, "ws")}${url}`);
        socket.on("message", (data) => {
          const frame = JSON.parse(String(data)) as { type: string; state?: string };
          if (frame.type !== "delivery") return;
          if (frame.state === "sent") sent++;
          else if (frame.state === "failed") failed++;
          else return;
          last = performance.now();
          check();
        });
        await new Promise((ready) => socket.once("open", ready));
        return socket;
      }),
    ).then((sockets) => {
      started = performance.now();
      for (const [index, socket] of sockets.entries())
        for (let i = 0; i < REPLIES; i++)
          socket.send(JSON.stringify({ type: "message", clientId: `r-${index}-${i}`, text: `reply ${i}` }));
      void done.then(() => {
        for (const socket of sockets) socket.close();
      });
    });
  });
  let started = 0;
  await done;
  const seconds = (last - started) / 1000;
  b.say(
    `${type} outbound: ${sent} sent, ${failed} failed over ${CHATS} chats in ${seconds.toFixed(1)} s (${(sent / seconds).toFixed(1)} sends/s)`,
  );
}

/** Part 3: the Meta webhook's answer time, then outbound throughput per type. */
export async function measureOutbound(b: OutboundBench): Promise<void> {
  const wa = await connect(b, "whatsapp");
  const answers: number[] = [];
  for (let i = 0; i < META_SAMPLES; i++)
    answers.push(await customerWrites(b, wa, String(3_000_000 + (i % 10)), `meta-sample-${i}`));
  b.say(
    `Meta webhook answer (${META_SAMPLES} signed WhatsApp deliveries, one at a time): p50 ${b.percentile(answers, 50).toFixed(1)} ms, p99 ${b.percentile(answers, 99).toFixed(1)} ms`,
  );
  for (const type of ["telegram", "whatsapp", "messenger", "instagram"] as const) await throughput(b, type);
}
