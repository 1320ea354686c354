import { evictDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { SignJWT } from "jose";
import { describe, expect, it } from "vitest";
import { call, callJson, registerTenant } from "../../support/api";
import { createConversation, joinAsStaff, room, staffTicket } from "../../support/conversations";
import { type Frame, isType, mustOpen, openSocket } from "../../support/ws";

const messagesOf = (frames: Frame[]) => frames.filter(isType("message"));

describe("conversation room over WebSocket", () => {
  it("acks the sender first, then delivers the message to every socket including the sender's", async () => {
    const tenant = await registerTenant();
    const conversation = await createConversation(tenant);
    const alice = await joinAsStaff(tenant, conversation.id);
    const bob = await joinAsStaff(tenant, conversation.id);

    const from = alice.frames.length;
    alice.send({ type: "message", clientId: "c-1", text: "hello" });
    const message = await bob.next(isType("message"));
    expect(message).toMatchObject({
      seq: 1,
      clientId: "c-1",
      text: "hello",
      sender: { kind: "staff", id: tenant.user.id },
    });
    await alice.next(isType("message"), { from });
    const mine = alice.frames.slice(from).filter((f) => f.type === "ack" || f.type === "message");
    expect(mine.map((f) => f.type)).toEqual(["ack", "message"]);
    expect(mine[0]).toEqual({ type: "ack", clientId: "c-1", seq: 1, id: message.id });
    expect(bob.frames.some(isType("ack"))).toBe(false);
  });

  it("answers a resend with the original ack and never stores a second message", async () => {
    const tenant = await registerTenant();
    const conversation = await createConversation(tenant);
    const client = await joinAsStaff(tenant, conversation.id);
    client.send({ type: "message", clientId: "same", text: "once" });
    const [first] = await client.collect(isType("ack"), 1);
    client.send({ type: "message", clientId: "same", text: "once" });
    const acks = await client.collect(isType("ack"), 2);
    expect(acks[1]).toEqual(first);
    const history = await callJson<{ data: unknown[] }>(
      `/api/conversations/${conversation.id}/messages`,
      { token: tenant.accessToken },
      200,
    );
    expect(history.data).toHaveLength(1);
    expect(messagesOf(client.frames)).toHaveLength(1);
  });

  it("gives concurrent senders one total order that every client sees identically", async () => {
    const tenant = await registerTenant();
    const conversation = await createConversation(tenant);
    const clients = await Promise.all([0, 1, 2].map(() => joinAsStaff(tenant, conversation.id)));
    const perSender = 20;
    clients.forEach((client, i) => {
      for (let n = 0; n < perSender; n++)
        client.send({ type: "message", clientId: `s${i}-${n}`, text: `from ${i} #${n}` });
    });
    const total = perSender * clients.length;
    const seen = await Promise.all(clients.map((client) => client.collect(isType("message"), total, 10_000)));
    const orders = seen.map((frames) => frames.map((f) => `${f.seq}:${f.clientId}`));
    expect(orders[1]).toEqual(orders[0]);
    expect(orders[2]).toEqual(orders[0]);
    expect(seen[0]?.map((f) => f.seq)).toEqual(Array.from({ length: total }, (_, i) => i + 1));
    // Each sender's own messages keep the order it sent them in.
    for (let i = 0; i < clients.length; i++) {
      const own = (seen[0] ?? [])
        .filter((f) => String(f.clientId).startsWith(`s${i}-`))
        .map((f) => f.clientId);
      expect(own).toEqual(Array.from({ length: perSender }, (_, n) => `s${i}-${n}`));
    }
  });

  it("resumes after seq N with exactly the later messages, in order, then ready", async () => {
    const tenant = await registerTenant();
    const conversation = await createConversation(tenant);
    const writer = await joinAsStaff(tenant, conversation.id);
    for (let n = 1; n <= 5; n++) writer.send({ type: "message", clientId: `m${n}`, text: `m${n}` });
    await writer.collect(isType("ack"), 5);

    const resumed = await joinAsStaff(tenant, conversation.id, 3);
    const upToReady = resumed.frames.slice(0, resumed.frames.findIndex(isType("ready")) + 1);
    expect(upToReady.filter(isType("message")).map((f) => f.seq)).toEqual([4, 5]);
    expect(upToReady.at(-1)).toEqual({ type: "ready", lastSeq: 5 });
  });

  it("resumes without gap or duplicate while messages keep arriving", async () => {
    const tenant = await registerTenant();
    const conversation = await createConversation(tenant);
    const writer = await joinAsStaff(tenant, conversation.id);
    const total = 60;
    let sent = 0;
    const pump = (async () => {
      while (sent < total) {
        writer.send({ type: "message", clientId: `live-${sent}`, text: `live ${sent}` });
        sent++;
        if (sent % 5 === 0) await new Promise((resolve) => setTimeout(resolve, 1));
      }
    })();
    // Join mid-stream from seq 0: replay plus live must be 1..total exactly once.
    const reader = await joinAsStaff(tenant, conversation.id, 0);
    await pump;
    const frames = await reader.collect(isType("message"), total, 10_000);
    expect(frames.map((f) => f.seq)).toEqual(Array.from({ length: total }, (_, i) => i + 1));
  });

  it("keeps history and sockets across eviction, and resumes from the last seen seq", async () => {
    const tenant = await registerTenant();
    const conversation = await createConversation(tenant);
    const writer = await joinAsStaff(tenant, conversation.id);
    writer.send({ type: "message", clientId: "before", text: "before eviction" });
    await writer.collect(isType("ack"), 1);
    await evictDurableObject(room(conversation.id));

    // Hibernatable sockets survive the eviction; the room rebuilds from SQLite.
    writer.send({ type: "message", clientId: "after", text: "after eviction" });
    const message = await writer.next((f) => f.type === "message" && f.clientId === "after");
    expect(message.seq).toBe(2);
    const resumed = await joinAsStaff(tenant, conversation.id, 1);
    expect(messagesOf(resumed.frames).map((f) => f.text)).toEqual(["after eviction"]);
    const fresh = await joinAsStaff(tenant, conversation.id, 0);
    expect(messagesOf(fresh.frames).map((f) => f.text)).toEqual(["before eviction", "after eviction"]);
  });

  it("answers invalid frames with an error frame and stays usable", async () => {
    const tenant = await registerTenant();
    const conversation = await createConversation(tenant);
    const client = await joinAsStaff(tenant, conversation.id);
    client.sendRaw("not json");
    client.send({ type: "shout" });
    client.send({ type: "message", clientId: "x", text: "" });
    client.send({ type: "message", clientId: "y", text: "a".repeat(5000) });
    client.sendRaw(JSON.stringify({ type: "message", clientId: "z", text: "b".repeat(17_000) }));
    const errors = await client.collect(isType("error"), 5);
    expect(errors.map((e) => e.code)).toEqual([
      "invalid_frame",
      "invalid_frame",
      "invalid_frame",
      "invalid_frame",
      "frame_too_large",
    ]);
    expect(String(errors[3]?.message)).toMatch(/text/);
    client.send({ type: "ping" });
    await client.next(isType("pong"));
    client.send({ type: "message", clientId: "ok", text: "still here" });
    expect((await client.next(isType("message"))).seq).toBe(1);
  });

  it("refuses text Postgres cannot store (NUL, unpaired surrogates) over the socket and REST, naming the field", async () => {
    const tenant = await registerTenant();
    const conversation = await createConversation(tenant);
    const client = await joinAsStaff(tenant, conversation.id);
    client.send({ type: "message", clientId: "nul", text: "a\u0000b" });
    client.send({ type: "message", clientId: "surrogate", text: "a\ud800b" });
    client.send({ type: "reject", planId: "p\u0000" });
    const errors = await client.collect(isType("error"), 3);
    expect(errors.map((e) => e.code)).toEqual(["invalid_frame", "invalid_frame", "invalid_frame"]);
    expect(String(errors[0]?.message)).toMatch(/^text: .*NUL/);
    expect(String(errors[2]?.message)).toMatch(/^planId: /);
    const rest = await call(`/api/conversations/${conversation.id}/messages`, {
      token: tenant.accessToken,
      json: { text: "a\u0000b" },
    });
    expect(rest.status).toBe(400);
    const body = (await rest.json()) as { error: { details: { path: string }[] } };
    expect(body.error.details.map((d) => d.path)).toContain("text");
    const list = await call("/api/conversations?visitorId=%00", { token: tenant.accessToken });
    expect(list.status).toBe(400);
    // Nothing was stored: the next message is seq 1.
    client.send({ type: "message", clientId: "ok", text: "clean" });
    expect((await client.next(isType("message"))).seq).toBe(1);
  });

  it("lets no socket into a room without a valid join object (only the Worker's verified claims get in)", async () => {
    const tenant = await registerTenant();
    const conversation = await createConversation(tenant);
    const join = {
      tenantId: tenant.tenant.id,
      participant: { kind: "staff", id: tenant.user.id },
      ticketIssuedAtMs: Date.now(),
      after: 0,
      stream: null,
    };
    const attempt = (header?: string) =>
      room(conversation.id).fetch(
        new Request("http://room/", {
          headers: {
            Upgrade: "websocket",
            ...(header === undefined ? {} : { "X-Switchboard-Join": header }),
          },
        }),
      );
    for (const header of [
      undefined,
      "not json",
      "{}",
      JSON.stringify({ ...join, participant: { kind: "admin", id: "x" } }),
    ])
      expect((await attempt(header)).status).toBe(400);
    expect((await attempt(JSON.stringify({ ...join, tenantId: crypto.randomUUID() }))).status).toBe(404);
    const accepted = await attempt(JSON.stringify(join));
    expect(accepted.status).toBe(101);
    accepted.webSocket?.accept();
    accepted.webSocket?.close();
  });

  it("relays typing to others, presence to everyone and read receipts", async () => {
    const tenant = await registerTenant();
    const conversation = await createConversation(tenant);
    const a = await joinAsStaff(tenant, conversation.id);
    const other = await registerTenantUserOf(tenant);
    const b = await joinAsStaff(other, conversation.id);
    const join = await a.next(
      (f) =>
        f.type === "presence" && f.state === "join" && (f.participant as { id: string }).id === other.user.id,
    );
    expect((join.online as unknown[]).length).toBe(2);

    b.send({ type: "typing", on: true });
    expect(await a.next(isType("typing"))).toMatchObject({ on: true, participant: { kind: "staff" } });
    b.send({ type: "typing", on: true }); // throttled
    b.send({ type: "message", clientId: "m", text: "hi" });
    await a.next(isType("message"));
    a.send({ type: "read", seq: 1 });
    expect(await b.next(isType("read"))).toMatchObject({ seq: 1, participant: { id: tenant.user.id } });
    expect(a.frames.filter(isType("typing"))).toHaveLength(1);

    b.close();
    expect(await a.next((f) => f.type === "presence" && f.state === "leave")).toMatchObject({
      online: [{ id: tenant.user.id }],
    });
  });
});

describe("tickets", () => {
  it("refuses bad, expired, foreign and cross-tenant tickets before the upgrade", async () => {
    const tenant = await registerTenant();
    const conversation = await createConversation(tenant);
    const otherConversation = await createConversation(tenant);
    const stranger = await registerTenant();
    const strangers = await createConversation(stranger);

    const refused = async (path: string) => {
      const result = await openSocket(path);
      expect(result).toBeInstanceOf(Response);
      const response = result as Response;
      const body = (await response.json()) as { error: { code: string } };
      return { status: response.status, code: body.error.code };
    };
    expect(await refused(`/api/conversations/${conversation.id}/ws?ticket=nonsense`)).toEqual({
      status: 401,
      code: "unauthorized",
    });

    const expired = await new SignJWT({
      scope: "conversation",
      tid: tenant.tenant.id,
      kind: "staff",
      pid: tenant.user.id,
      typ: "ticket",
    })
      .setProtectedHeader({ alg: "HS256" })
      .setSubject(conversation.id)
      .setIssuedAt(Math.floor(Date.now() / 1000) - 120)
      .setExpirationTime(Math.floor(Date.now() / 1000) - 60)
      .sign(new TextEncoder().encode(env.JWT_SECRET));
    expect(await refused(`/api/conversations/${conversation.id}/ws?ticket=${expired}`)).toEqual({
      status: 401,
      code: "unauthorized",
    });

    const { ticket } = await staffTicket(tenant, otherConversation.id);
    expect(await refused(`/api/conversations/${conversation.id}/ws?ticket=${ticket}`)).toEqual({
      status: 403,
      code: "forbidden",
    });

    // Tenant B cannot get a ticket for A's conversation, nor use a ticket across tenants.
    expect(
      (
        await call(`/api/conversations/${conversation.id}/ticket`, {
          method: "POST",
          token: stranger.accessToken,
        })
      ).status,
    ).toBe(404);
    const forged = await new SignJWT({
      scope: "conversation",
      tid: stranger.tenant.id,
      kind: "staff",
      pid: stranger.user.id,
      typ: "ticket",
    })
      .setProtectedHeader({ alg: "HS256" })
      .setSubject(conversation.id)
      .setIssuedAt()
      .setExpirationTime("60s")
      .sign(new TextEncoder().encode(env.JWT_SECRET));
    expect(await refused(`/api/conversations/${conversation.id}/ws?ticket=${forged}`)).toEqual({
      status: 404,
      code: "not_found",
    });
    expect(strangers.id).not.toBe(conversation.id);

    const plain = await call(`${(await staffTicket(tenant, conversation.id)).url}`);
    expect(plain.status).toBe(426);
  });

  it("lets a ticket holder in and replays from the ticket's last seq", async () => {
    const tenant = await registerTenant();
    const conversation = await createConversation(tenant);
    const { url, lastSeq } = await staffTicket(tenant, conversation.id);
    expect(lastSeq).toBe(0);
    const client = await mustOpen(url);
    expect(await client.next(isType("ready"))).toEqual({ type: "ready", lastSeq: 0 });
  });
});

async function registerTenantUserOf(tenant: { tenant: { id: string } }) {
  const { addUser } = await import("../../support/api");
  return addUser(tenant.tenant.id, "TENANT_USER");
}
