import { describe, expect, it } from "vitest";
import { call, callJson, registerTenant } from "../../support/api";
import { createConversation, room } from "../../support/conversations";

interface Item {
  id: string;
  status: string;
  search?: { rank: number; snippet: string; matched: string };
}

describe("conversation search", () => {
  it("finds message text and contact fields, best match first, with a safe highlighted snippet", async () => {
    const tenant = await registerTenant();
    const token = tenant.accessToken;
    const say = async (id: string, text: string) => {
      await callJson(`/api/conversations/${id}/messages`, { token, json: { text } }, 201);
      await room(id).flushNow();
    };
    const once = await createConversation(tenant);
    await say(once.id, "My parcel arrived damaged <b>badly</b> & 1 < 2, I want a refund");
    const twice = await createConversation(tenant);
    await say(twice.id, "Refund please");
    await say(twice.id, "Still waiting for my refund, the parcel was damaged");
    const unrelated = await createConversation(tenant);
    await say(unrelated.id, "What are your opening hours?");
    const contact = await callJson<{ id: string }>(
      "/api/contacts",
      { token, json: { name: "Priya Raman", email: "priya@example.com", phone: "+1 415 555 0199" } },
      201,
    );
    const hers = await createConversation(tenant, { contactId: contact.id });

    const search = async (query: string) =>
      (await callJson<{ data: Item[] }>(`/api/conversations?${query}`, { token }, 200)).data;
    const damaged = await search("q=damaged%20parcel");
    expect(damaged.map((c) => c.id).sort()).toEqual([once.id, twice.id].sort());
    expect(damaged[0]?.search?.rank).toBeGreaterThanOrEqual(damaged[1]?.search?.rank ?? 0);
    const first = damaged.find((c) => c.id === once.id);
    expect(first?.search?.matched).toBe("message");
    expect(first?.search?.snippet).toContain("<mark>damaged</mark>");
    // The text's own markup stays text.
    expect(first?.search?.snippet).not.toMatch(/<(?!\/?mark>)/);
    expect(first?.search?.snippet).toContain("&amp;");
    // Prefixes match, every word must: "refun" finds both refund conversations, not the hours one.
    expect((await search("q=refun")).map((c) => c.id).sort()).toEqual([once.id, twice.id].sort());
    // The contact's name, email and phone digits find their conversation.
    for (const q of ["priya", "priya%40example.com", "14155550199", "%2B1%20415%20555%200199"]) {
      const found = await search(`q=${q}`);
      expect(
        found.map((c) => c.id),
        q,
      ).toEqual([hers.id]);
      expect(found[0]?.search?.matched).toBe("contact");
    }
    expect(await search("q=zebra")).toEqual([]);
    expect(await search("q=%21%21%21")).toEqual([]);
    // Search syntax is only text: quotes, backslashes and operators never break the query.
    for (const q of ["o'brien \\ 'x' :* & | ! (", "''", "\\", "a:*b"])
      expect((await call(`/api/conversations?q=${encodeURIComponent(q)}`, { token })).status, q).toBe(200);
    // Combined with the other filters.
    await callJson(`/api/conversations/${twice.id}/resolve`, { method: "POST", token }, 200);
    expect((await search("q=refund&status=resolved")).map((c) => c.id)).toEqual([twice.id]);
    // Pages of ranked results.
    const page = await callJson<{ data: Item[]; nextCursor: string }>(
      "/api/conversations?q=refund&limit=1",
      { token },
      200,
    );
    const next = await search(`q=refund&limit=1&cursor=${page.nextCursor}`);
    expect([...page.data, ...next].map((c) => c.id).sort()).toEqual([once.id, twice.id].sort());
    // A keyset cursor is not a ranked one.
    const plain = await callJson<{ nextCursor: string }>("/api/conversations?limit=1", { token }, 200);
    expect((await call(`/api/conversations?q=refund&cursor=${plain.nextCursor}`, { token })).status).toBe(
      400,
    );
  }, 30_000);
});
