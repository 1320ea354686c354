import { env } from "cloudflare:workers";
import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { openDatabase } from "../../../src/db/client";
import { loadConfig } from "../../../src/env";
import { findOrCreateContact } from "../../../src/features/contacts/contact-identities";
import { call, callJson, registerTenant } from "../../support/api";
import { createConversation, joinAsStaff, room } from "../../support/conversations";
import { isType, mustOpen } from "../../support/ws";

const ORIGIN = "https://shop.example.test";

interface Contact {
  id: string;
  name: string | null;
  email: string | null;
  phone: string | null;
  externalUserId: string | null;
  createdFrom: string;
  customAttributes: Record<string, unknown>;
  notes: string | null;
  identities: { type: string; ref: string }[];
}

const contacts = (token: string, json: Record<string, unknown>) =>
  callJson<Contact>("/api/contacts", { token, json }, 201);

async function hmac(secret: string, message: string) {
  const key = await crypto.subtle.importKey(
    "raw",
    new TextEncoder().encode(secret),
    { name: "HMAC", hash: "SHA-256" },
    false,
    ["sign"],
  );
  const signature = new Uint8Array(await crypto.subtle.sign("HMAC", key, new TextEncoder().encode(message)));
  return [...signature].map((b) => b.toString(16).padStart(2, "0")).join("");
}

describe("contacts", () => {
  it("creates, reads, updates and searches contacts by name, email and phone, a page at a time", async () => {
    const tenant = await registerTenant();
    const token = tenant.accessToken;
    const jane = await contacts(token, {
      name: "Jane Doe",
      email: "jane@example.com",
      phone: "+44 20 7946 0000",
      externalUserId: "crm-1",
      customAttributes: { plan: "gold" },
    });
    expect(jane).toMatchObject({
      name: "Jane Doe",
      externalUserId: "crm-1",
      createdFrom: "api",
      identities: [{ type: "user", ref: "crm-1" }],
    });
    await contacts(token, { name: "John Roe", email: "john@example.org" });
    await contacts(token, { name: "Zed", phone: "555-0100" });

    const search = async (q: string) =>
      (
        await callJson<{ data: Contact[] }>(`/api/contacts?q=${encodeURIComponent(q)}`, { token }, 200)
      ).data.map((c) => c.name);
    expect(await search("jane")).toEqual(["Jane Doe"]);
    expect(await search("EXAMPLE.ORG")).toEqual(["John Roe"]);
    expect(await search("2079460000")).toEqual(["Jane Doe"]);
    expect(await search("5550100")).toEqual(["Zed"]);
    expect(await search("%_")).toEqual([]);

    const first = await callJson<{ data: Contact[]; nextCursor: string }>(
      "/api/contacts?limit=2",
      { token },
      200,
    );
    expect(first.data.map((c) => c.name)).toEqual(["Zed", "John Roe"]);
    const second = await callJson<{ data: Contact[]; nextCursor: string | null }>(
      `/api/contacts?limit=2&cursor=${first.nextCursor}`,
      { token },
      200,
    );
    expect(second).toMatchObject({ data: [{ name: "Jane Doe" }], nextCursor: null });

    const updated = await callJson<Contact>(
      `/api/contacts/${jane.id}`,
      { method: "PUT", token, json: { phone: null, notes: "Prefers email", externalUserId: "crm-9" } },
      200,
    );
    expect(updated).toMatchObject({ phone: null, notes: "Prefers email", externalUserId: "crm-9" });
    expect(await callJson(`/api/contacts/${jane.id}`, { token }, 200)).toEqual(updated);

    // One person per external user id; bad input is a 400 naming the field.
    const taken = await call("/api/contacts", { token, json: { externalUserId: "crm-9" } });
    expect(taken.status).toBe(409);
    const john = await contacts(token, { name: "John Again", externalUserId: "crm-2" });
    const steal = await call(`/api/contacts/${john.id}`, {
      method: "PUT",
      token,
      json: { name: "Changed", externalUserId: "crm-9" },
    });
    expect(steal.status).toBe(409);
    expect(await callJson(`/api/contacts/${john.id}`, { token }, 200)).toMatchObject({
      name: "John Again",
      externalUserId: "crm-2",
    });
    const bad = await call("/api/contacts", { token, json: { email: "not-an-email", phone: "call me" } });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(await bad.json())).toMatch(/email[\s\S]*phone|phone[\s\S]*email/);
    expect((await call(`/api/contacts/${jane.id}`, { method: "PUT", token, json: {} })).status).toBe(400);
  }, 60_000);

  it("gives a verified widget user the same contact on every device, and a conversation its contact", async () => {
    const tenant = await registerTenant();
    const key = await callJson<{ publicKey: string; identitySecret: string }>(
      "/api/widget-keys",
      { token: tenant.accessToken, json: { name: "Shop", allowedOrigins: [ORIGIN] } },
      201,
    );
    const userHash = await hmac(key.identitySecret, "crm-user-7");
    const open = (visitor: Record<string, unknown>) =>
      callJson<{ visitorId: string; conversation: { id: string; contactId: string } }>(
        "/api/widget/sessions",
        { json: { widgetKey: key.publicKey, visitor }, headers: { Origin: ORIGIN } },
        200,
      );
    const laptop = await open({ userId: "crm-user-7", userHash, name: "Ann", email: "ann@example.com" });
    const phone = await open({ userId: "crm-user-7", userHash });
    expect(phone.visitorId).not.toBe(laptop.visitorId);
    expect(phone.conversation.contactId).toBe(laptop.conversation.contactId);
    const contact = await callJson<Contact>(
      `/api/contacts/${laptop.conversation.contactId}`,
      { token: tenant.accessToken },
      200,
    );
    expect(contact).toMatchObject({ name: "Ann", email: "ann@example.com", externalUserId: "crm-user-7" });
    expect(contact.createdFrom).toBe("widget");
    expect(contact.identities).toEqual(
      expect.arrayContaining([
        { type: "user", ref: "crm-user-7" },
        { type: "visitor", ref: laptop.visitorId },
        { type: "visitor", ref: phone.visitorId },
      ]),
    );
    // An anonymous visitor gets a contact of their own; the list filters by contact.
    const anonymous = await open({});
    expect(anonymous.conversation.contactId).not.toBe(contact.id);
    const list = await callJson<{ data: { id: string }[] }>(
      `/api/conversations?contactId=${contact.id}`,
      { token: tenant.accessToken },
      200,
    );
    expect(list.data.map((c) => c.id).sort()).toEqual([laptop.conversation.id, phone.conversation.id].sort());
    // An API conversation may name a contact, which must be the tenant's.
    const named = await createConversation(tenant, { contactId: contact.id });
    expect(named).toMatchObject({ contactId: contact.id });
    const other = await registerTenant();
    const foreign = await call("/api/conversations", {
      token: other.accessToken,
      json: { contactId: contact.id },
    });
    expect(foreign.status).toBe(400);
  });

  it("finds or creates one contact per channel identity, even when two first messages race", async () => {
    const tenant = await registerTenant();
    const { db, close } = openDatabase(loadConfig(env));
    try {
      const identity = { type: "whatsapp", ref: "447700900123", name: "Mo" };
      const results = await Promise.all(
        [1, 2, 3].map(() => findOrCreateContact(db, tenant.tenant.id, identity)),
      );
      expect(new Set(results.map((r) => r.contact.id)).size).toBe(1);
      expect(results.filter((r) => r.created)).toHaveLength(1);
      const again = await findOrCreateContact(db, tenant.tenant.id, {
        type: "whatsapp",
        ref: "447700900123",
      });
      expect(again).toMatchObject({ created: false, contact: { id: results[0]?.contact.id, name: "Mo" } });
      expect(again.contact.createdFrom).toBe("channel");
      // Another tenant's same number is another person.
      const other = await registerTenant();
      const theirs = await findOrCreateContact(db, other.tenant.id, identity);
      expect(theirs.contact.id).not.toBe(again.contact.id);
    } finally {
      await close();
    }
  });

  it("merges a duplicate: its conversations and identities move, missing fields fill in, it is gone", async () => {
    const tenant = await registerTenant();
    const token = tenant.accessToken;
    const keep = await contacts(token, { name: "Sam", customAttributes: { tier: "a" }, notes: "VIP" });
    const duplicate = await createConversation(tenant, { customerUserId: "crm-sam", visitorId: "v-sam" });
    const dup = await callJson<Contact>(`/api/contacts/${duplicate.contactId}`, { token }, 200);
    await callJson(
      `/api/contacts/${dup.id}`,
      {
        method: "PUT",
        token,
        json: {
          email: "sam@example.com",
          customAttributes: { tier: "b", city: "Oslo" },
          notes: "Called twice",
        },
      },
      200,
    );
    const merged = await callJson<{ contact: Contact; movedConversations: number }>(
      `/api/contacts/${keep.id}/merge`,
      { token, json: { contactId: dup.id } },
      200,
    );
    expect(merged.movedConversations).toBe(1);
    expect(merged.contact).toMatchObject({
      name: "Sam",
      email: "sam@example.com",
      externalUserId: "crm-sam",
      customAttributes: { tier: "a", city: "Oslo" },
      notes: "VIP\n\nCalled twice",
    });
    expect(merged.contact.identities).toEqual(
      expect.arrayContaining([
        { type: "user", ref: "crm-sam" },
        { type: "visitor", ref: "v-sam" },
      ]),
    );
    expect((await call(`/api/contacts/${dup.id}`, { token })).status).toBe(404);
    expect(await callJson(`/api/conversations/${duplicate.id}`, { token }, 200)).toMatchObject({
      contactId: keep.id,
    });
    // The next conversation of that user finds the surviving contact.
    expect(await createConversation(tenant, { customerUserId: "crm-sam" })).toMatchObject({
      contactId: keep.id,
    });
    const self = await call(`/api/contacts/${keep.id}/merge`, { token, json: { contactId: keep.id } });
    expect(self.status).toBe(400);
  });

  it("erases a contact's personal data and every message: rooms, sockets, Postgres, and the inbox is told", async () => {
    const tenant = await registerTenant();
    const token = tenant.accessToken;
    const conversation = await createConversation(tenant, { visitorId: "v-erase" });
    const contactId = String(conversation.contactId);
    const second = await createConversation(tenant, { contactId });
    const kept = await createConversation(tenant, { visitorId: "v-someone-else" });
    for (const id of [conversation.id, second.id, kept.id]) {
      await callJson(`/api/conversations/${id}/messages`, { token, json: { text: `secret of ${id}` } }, 201);
      await room(id).flushNow();
    }
    const staff = await joinAsStaff(tenant, conversation.id);
    const { url } = await callJson<{ url: string }>("/api/inbox/ticket", { method: "POST", token }, 200);
    const inbox = await mustOpen(url);
    await inbox.next(isType("snapshot"));

    expect((await call(`/api/contacts/${contactId}`, { method: "DELETE", token })).status).toBe(204);
    expect((await staff.closed).code).toBe(4404);
    await inbox.next((f) => f.type === "contact.deleted" && f.contactId === contactId);
    for (const id of [conversation.id, second.id]) {
      expect((await call(`/api/conversations/${id}`, { token })).status).toBe(404);
      expect((await call(`/api/conversations/${id}/messages`, { token })).status).toBe(404);
    }
    expect((await call(`/api/contacts/${contactId}`, { token })).status).toBe(404);
    const { db, close } = openDatabase(loadConfig(env));
    try {
      const rows = await db.execute<{ n: number }>(
        // Straight from Postgres: nothing of theirs is left (the other person's is).
        sql`select count(*)::int as n from messages where text like 'secret of %' and tenant_id = ${tenant.tenant.id}`,
      );
      expect(rows.rows[0]?.n).toBe(1);
      const identities = await db.execute<{ n: number }>(
        sql`select count(*)::int as n from contact_identities where contact_id = ${contactId}`,
      );
      expect(identities.rows[0]?.n).toBe(0);
    } finally {
      await close();
    }
    expect(await callJson(`/api/conversations/${kept.id}`, { token }, 200)).toMatchObject({ id: kept.id });
  });
});
