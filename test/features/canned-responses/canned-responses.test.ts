import { describe, expect, it } from "vitest";
import { addUser, call, callJson, registerTenant } from "../../support/api";
import { createConversation } from "../../support/conversations";

interface Canned {
  id: string;
  shortCode: string;
  text: string;
}

const TEMPLATE =
  "Hi {{contact.name}} ({{ contact.email }}), this is {{agent.name}} about #{{conversation.id}}.";

describe("canned responses", () => {
  it("keeps one short code per tenant and refuses unknown placeholders when saved", async () => {
    const tenant = await registerTenant();
    const token = tenant.accessToken;
    const created = await callJson<Canned>(
      "/api/canned-responses",
      { token, json: { shortCode: "Refund", text: TEMPLATE } },
      201,
    );
    expect(created.shortCode).toBe("refund");
    expect(
      (await call("/api/canned-responses", { token, json: { shortCode: "refund", text: "x" } })).status,
    ).toBe(409);
    const unknown = await call("/api/canned-responses", {
      token,
      json: { shortCode: "typo", text: "Hi {{contact.nmae}}" },
    });
    expect(unknown.status).toBe(400);
    expect(await unknown.text()).toContain("{{contact.nmae}}");
    expect(
      (await call("/api/canned-responses", { token, json: { shortCode: "has space", text: "x" } })).status,
    ).toBe(400);
    await callJson(
      "/api/canned-responses",
      { token, json: { shortCode: "refund-late", text: "Sorry!" } },
      201,
    );
    await callJson("/api/canned-responses", { token, json: { shortCode: "hello", text: "Hello!" } }, 201);
    const list = await callJson<{ data: Canned[] }>("/api/canned-responses?q=ref", { token }, 200);
    expect(list.data.map((c) => c.shortCode)).toEqual(["refund", "refund-late"]);
    const updated = await callJson<Canned>(
      `/api/canned-responses/${created.id}`,
      { method: "PUT", token, json: { text: "Refunds take 5 days, {{contact.name}}." } },
      200,
    );
    expect(updated.text).toBe("Refunds take 5 days, {{contact.name}}.");
    expect(await callJson(`/api/canned-responses/${created.id}`, { token }, 200)).toEqual(updated);
    expect((await call(`/api/canned-responses/${created.id}`, { method: "DELETE", token })).status).toBe(204);
    expect((await call(`/api/canned-responses/${created.id}`, { token })).status).toBe(404);
    // Another tenant may use the same code.
    const other = await registerTenant();
    await callJson(
      "/api/canned-responses",
      { token: other.accessToken, json: { shortCode: "hello", text: "Hej" } },
      201,
    );
  }, 30_000);

  it("is rendered by the server when sent: contact, agent and conversation filled in, missing values empty", async () => {
    const tenant = await registerTenant();
    const member = await addUser(tenant.tenant.id, "TENANT_USER");
    const canned = await callJson<Canned>(
      "/api/canned-responses",
      { token: tenant.accessToken, json: { shortCode: "intro", text: TEMPLATE } },
      201,
    );
    const contact = await callJson<{ id: string }>(
      "/api/contacts",
      { token: tenant.accessToken, json: { name: "Jane", email: "jane@example.com" } },
      201,
    );
    const known = await createConversation(tenant, { contactId: contact.id });
    const sent = await callJson<{ message: { text: string } }>(
      `/api/conversations/${known.id}/messages`,
      { token: member.accessToken, json: { cannedResponseId: canned.id } },
      201,
    );
    expect(sent.message.text).toBe(`Hi Jane (jane@example.com), this is TENANT_USER about #${known.id}.`);

    // No contact and an API key (no name): those placeholders are empty, never invented.
    const key = await callJson<{ key: string }>(
      "/api/api-keys",
      { token: tenant.accessToken, json: { name: "k" } },
      201,
    );
    const anonymous = await createConversation(tenant);
    const bare = await callJson<{ message: { text: string } }>(
      `/api/conversations/${anonymous.id}/messages`,
      { token: key.key, json: { cannedResponseId: canned.id, kind: "note" } },
      201,
    );
    expect(bare.message).toMatchObject({ text: `Hi  (), this is  about #${anonymous.id}.`, kind: "note" });

    // Exactly one of text and cannedResponseId; another tenant's canned response is not found.
    const both = await call(`/api/conversations/${known.id}/messages`, {
      token: tenant.accessToken,
      json: { text: "x", cannedResponseId: canned.id },
    });
    expect(both.status).toBe(400);
    const other = await registerTenant();
    const theirs = await callJson<Canned>(
      "/api/canned-responses",
      { token: other.accessToken, json: { shortCode: "intro", text: "secret text" } },
      201,
    );
    const foreign = await call(`/api/conversations/${known.id}/messages`, {
      token: tenant.accessToken,
      json: { cannedResponseId: theirs.id },
    });
    expect(foreign.status).toBe(404);
    expect(await foreign.text()).not.toContain("secret text");
  });
});
