import { describe, expect, it } from "vitest";
import { call, callJson, registerTenant } from "../../support/api";
import { upload, waitUntilSettled } from "../documents/helpers";

interface Collection {
  id: string;
  name: string;
  description: string | null;
  documentCount: number;
}

describe("knowledge collections", () => {
  it("creates, lists with document counts, refuses duplicates and deletes only empty ones", async () => {
    const tenant = await registerTenant();
    const token = tenant.accessToken;
    const created = await callJson<Collection>(
      "/api/knowledge/collections",
      { token, json: { name: "Policies", description: "Insurance wording" } },
      201,
    );
    expect(created).toMatchObject({ name: "Policies", description: "Insurance wording", documentCount: 0 });
    expect((await call("/api/knowledge/collections", { token, json: { name: "Policies" } })).status).toBe(
      409,
    );

    const doc = await upload(token, new TextEncoder().encode("Policy words."), "p.txt", {
      collection: "Policies",
    });
    expect(doc.collection).toEqual({ id: created.id, name: "Policies" });
    await upload(token, new TextEncoder().encode("FAQ words."), "f.txt", { collection: "FAQ" });

    const list = await callJson<{ data: Collection[] }>("/api/knowledge/collections", { token }, 200);
    expect(list.data.map((c) => [c.name, c.documentCount])).toEqual([
      ["FAQ", 1],
      ["Policies", 1],
    ]);

    const busy = await call(`/api/knowledge/collections/${created.id}`, { method: "DELETE", token });
    expect(busy.status).toBe(409);
    await waitUntilSettled(token, doc.id);
    expect((await call(`/api/documents/${doc.id}`, { method: "DELETE", token })).status).toBe(204);
    expect((await call(`/api/knowledge/collections/${created.id}`, { method: "DELETE", token })).status).toBe(
      204,
    );
    const after = await callJson<{ data: Collection[] }>("/api/knowledge/collections", { token }, 200);
    expect(after.data.map((c) => c.name)).toEqual(["FAQ"]);
  });

  it("keeps collections per tenant", async () => {
    const a = await registerTenant();
    const b = await registerTenant();
    const mine = await callJson<Collection>(
      "/api/knowledge/collections",
      { token: a.accessToken, json: { name: "Shared name" } },
      201,
    );
    await callJson<Collection>(
      "/api/knowledge/collections",
      { token: b.accessToken, json: { name: "Shared name" } },
      201,
    );
    expect(
      (await call(`/api/knowledge/collections/${mine.id}`, { method: "DELETE", token: b.accessToken }))
        .status,
    ).toBe(404);
    const listB = await callJson<{ data: Collection[] }>(
      "/api/knowledge/collections",
      { token: b.accessToken },
      200,
    );
    expect(listB.data.map((c) => c.id)).not.toContain(mine.id);
  });
});
