import { describe, expect, it } from "vitest";
import { call, callJson, registerTenant } from "../../support/api";
import { createConversation } from "../../support/conversations";
import { isType, mustOpen } from "../../support/ws";

interface Label {
  id: string;
  name: string;
  color: string;
}

describe("labels", () => {
  it("creates, renames, recolours and deletes labels, refusing bad colours and duplicate names", async () => {
    const tenant = await registerTenant();
    const token = tenant.accessToken;
    const billing = await callJson<Label>(
      "/api/labels",
      { token, json: { name: "billing", color: "#D93F0B" } },
      201,
    );
    expect(billing).toMatchObject({ name: "billing", color: "#d93f0b" });
    for (const color of ["red", "#fff", "#12345g", "d93f0b"]) {
      const bad = await call("/api/labels", { token, json: { name: `x-${color}`, color } });
      expect(bad.status, color).toBe(400);
    }
    expect((await call("/api/labels", { token, json: { name: "billing", color: "#000000" } })).status).toBe(
      409,
    );
    const renamed = await callJson<Label>(
      `/api/labels/${billing.id}`,
      { method: "PUT", token, json: { name: "invoices" } },
      200,
    );
    expect(renamed).toMatchObject({ name: "invoices", color: "#d93f0b" });
    await callJson("/api/labels", { token, json: { name: "bugs", color: "#00ff00" } }, 201);
    const list = await callJson<{ data: Label[] }>("/api/labels", { token }, 200);
    expect(list.data.map((l) => l.name)).toEqual(["bugs", "invoices"]);
    expect((await call(`/api/labels/${billing.id}`, { method: "DELETE", token })).status).toBe(204);
    expect((await call(`/api/labels/${billing.id}`, { method: "DELETE", token })).status).toBe(404);
  }, 30_000);

  it("adds and removes labels on conversations, filters the list by label and tells the inbox", async () => {
    const tenant = await registerTenant();
    const token = tenant.accessToken;
    const vip = await callJson<Label>("/api/labels", { token, json: { name: "vip", color: "#aa00aa" } }, 201);
    const refund = await callJson<Label>(
      "/api/labels",
      { token, json: { name: "refund", color: "#0000ff" } },
      201,
    );
    const one = await createConversation(tenant);
    const two = await createConversation(tenant);
    const { url } = await callJson<{ url: string }>("/api/inbox/ticket", { method: "POST", token }, 200);
    const inbox = await mustOpen(url);
    await inbox.next(isType("snapshot"));

    const added = await callJson<{ data: Label[] }>(
      `/api/conversations/${one.id}/labels/${vip.id}`,
      { method: "POST", token },
      200,
    );
    expect(added.data).toEqual([{ id: vip.id, name: "vip", color: "#aa00aa" }]);
    expect(
      await inbox.next((f) => f.type === "conversation.updated" && f.conversationId === one.id),
    ).toMatchObject({ labels: [{ id: vip.id, name: "vip" }] });
    // Adding twice changes nothing.
    await callJson(`/api/conversations/${one.id}/labels/${vip.id}`, { method: "POST", token }, 200);
    await callJson(`/api/conversations/${one.id}/labels/${refund.id}`, { method: "POST", token }, 200);
    await callJson(`/api/conversations/${two.id}/labels/${refund.id}`, { method: "POST", token }, 200);

    const withLabel = async (label: string) =>
      (
        await callJson<{ data: { id: string; labels: Label[] }[] }>(
          `/api/conversations?label=${label}`,
          { token },
          200,
        )
      ).data;
    expect((await withLabel(vip.id)).map((c) => c.id)).toEqual([one.id]);
    expect((await withLabel(refund.id)).map((c) => c.id).sort()).toEqual([one.id, two.id].sort());
    expect((await withLabel(vip.id))[0]?.labels.map((l) => l.name)).toEqual(["refund", "vip"]);

    const removed = await callJson<{ data: Label[] }>(
      `/api/conversations/${one.id}/labels/${vip.id}`,
      { method: "DELETE", token },
      200,
    );
    expect(removed.data.map((l) => l.name)).toEqual(["refund"]);
    expect(await withLabel(vip.id)).toEqual([]);
    await inbox.next(
      (f) =>
        f.type === "conversation.updated" &&
        f.conversationId === one.id &&
        (f.labels as Label[]).length === 1,
    );

    // Another tenant's label cannot go on this tenant's conversation.
    const other = await registerTenant();
    const theirs = await callJson<Label>(
      "/api/labels",
      { token: other.accessToken, json: { name: "vip", color: "#aa00aa" } },
      201,
    );
    expect(
      (await call(`/api/conversations/${one.id}/labels/${theirs.id}`, { method: "POST", token })).status,
    ).toBe(404);
  });
});
