import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { createAgent } from "../../support/ai";
import { addUser, call, callJson, registerTenant } from "../../support/api";
import {
  channelConversations,
  connectTelegram,
  deliver,
  eventually,
  messagesOf,
  textUpdate,
} from "../../support/channels";
import { createConversation } from "../../support/conversations";
import { pngBytes } from "../../support/files";
import { getPlan, proposeRefund, setupPlanning } from "../../support/plans";
import { upload, waitUntilSettled } from "../documents/helpers";
import { cleanMotorDoc, pdfOf, uploadAndSettle } from "../policies/helpers";

interface Probe {
  method: string;
  /** OpenAPI path template, to prove every parameterised route is probed. */
  route: string;
  path: string;
  json?: unknown;
}

describe("tenant isolation", () => {
  it("answers 404 and never data when tenant B touches any of tenant A's resources", async () => {
    const a = await registerTenant("Tenant A");
    const b = await registerTenant("Tenant B");
    const aMember = await addUser(a.tenant.id, "TENANT_USER");
    const aKey = await callJson<{ id: string }>(
      "/api/api-keys",
      { token: a.accessToken, json: { name: "A key" } },
      201,
    );
    const bKey = await callJson<{ key: string }>(
      "/api/api-keys",
      { token: b.accessToken, json: { name: "B admin key", role: "TENANT_ADMIN" } },
      201,
    );

    const A = a.tenant.id;
    const conversation = await createConversation(a, { visitorId: "a-visitor" });
    const message = await callJson<{ id: string }>(
      `/api/conversations/${conversation.id}/messages`,
      { token: a.accessToken, json: { text: "private to A" } },
      201,
    );
    const widgetKey = await callJson<{ id: string }>(
      "/api/widget-keys",
      { token: a.accessToken, json: { name: "A site", allowedOrigins: ["https://a.example"] } },
      201,
    );
    const C = `/api/conversations/${conversation.id}`;
    // A's conversation is resolved (its survey sent) and A keeps business hours of its own.
    await callJson(`${C}/resolve`, { method: "POST", token: a.accessToken }, 200);
    await callJson(
      "/api/analytics/business-hours",
      { method: "PUT", token: a.accessToken, json: { timezone: "Pacific/Chatham", weekly: {} } },
      200,
    );
    const agent = await createAgent(a, { name: "A agent" });
    const collection = await callJson<{ id: string }>(
      "/api/knowledge/collections",
      { token: a.accessToken, json: { name: "a-private" } },
      201,
    );
    const document = await upload(
      a.accessToken,
      new TextEncoder().encode("Tenant A secret pricing: 42 zorkmids."),
      "a.txt",
      {
        collection: "a-private",
      },
    );
    await waitUntilSettled(a.accessToken, document.id);
    const D = `/api/documents/${document.id}`;
    // Plans: an agent with an action, and a plan waiting for approval.
    const planning = await setupPlanning(a);
    const plan = (await proposeRefund(a, planning)).plan;
    const ACT = `/api/agents/${planning.agent.id}/actions`;
    const anAction = {
      name: "spy",
      baseUrl: "https://api.example.test",
      operations: [{ name: "spy", method: "GET", path: "/x", risk: "read" }],
    };
    const anOpenApi = {
      baseUrl: "https://api.example.test",
      document: { openapi: "3.1.0", info: { title: "spy" }, paths: { "/x": { get: {} } } },
    };
    // Policies: a record read from an uploaded schedule (its number printed in it stays A's).
    const policyUpload = await uploadAndSettle(a.accessToken, await pdfOf(cleanMotorDoc()));
    const P = `/api/policies/${policyUpload.policyId}`;
    // Channels: a Telegram bot of A's.
    const CH = `/api/channels/${(await connectTelegram(a)).channel.id}`;
    const U = `/api/upload/${policyUpload.id}`;
    // Contacts, labels and canned responses.
    const contact = await callJson<{ id: string }>(
      "/api/contacts",
      { token: a.accessToken, json: { name: "Tenant A customer", email: "zorkmids@a.example" } },
      201,
    );
    const duplicate = await callJson<{ id: string }>(
      "/api/contacts",
      { token: a.accessToken, json: {} },
      201,
    );
    const bContact = await callJson<{ id: string }>("/api/contacts", { token: b.accessToken, json: {} }, 201);
    const label = await callJson<{ id: string }>(
      "/api/labels",
      { token: a.accessToken, json: { name: "zorkmids", color: "#123456" } },
      201,
    );
    const canned = await callJson<{ id: string }>(
      "/api/canned-responses",
      { token: a.accessToken, json: { shortCode: "a-secret", text: "zorkmids for {{contact.name}}" } },
      201,
    );
    const K = `/api/contacts/${contact.id}`;
    // Dashboards: A's default one, with its widgets.
    const aDashboards = await callJson<{ data: { id: string }[] }>(
      "/api/dashboards",
      { token: a.accessToken },
      200,
    );
    const DB = `/api/dashboards/${aDashboards.data[0]?.id}`;
    const aWidget = (await callJson<{ widgets: { id: string }[] }>(DB, { token: a.accessToken }, 200))
      .widgets[0]?.id;
    const aKpi = { type: "kpi", title: "spy", query: { metrics: [{ id: "messages_in" }] } };
    // Webhooks: an endpoint (listening for an event nothing here sends, so no deliveries are made).
    const webhook = await callJson<{ id: string }>(
      "/api/webhooks",
      {
        token: a.accessToken,
        json: { url: `${env.FAKE_SERVICES_URL}/webhooks/isolation`, events: ["csat.received"] },
      },
      201,
    );
    const W = `/api/webhooks/${webhook.id}`;
    const team = await callJson<{ id: string }>(
      "/api/teams",
      { token: a.accessToken, json: { name: "A team", memberIds: [aMember.user.id] } },
      201,
    );
    const T = `/api/teams/${team.id}`;
    const file = await call(`${C}/attachments?filename=a.png`, {
      method: "POST",
      token: a.accessToken,
      body: pngBytes(),
    });
    const attachment = (await file.json()) as { id: string };
    const probes: Probe[] = [
      { method: "GET", route: "/api/contacts/{id}", path: K },
      { method: "PUT", route: "/api/contacts/{id}", path: K, json: { name: "pwned" } },
      { method: "DELETE", route: "/api/contacts/{id}", path: K },
      {
        method: "POST",
        route: "/api/contacts/{id}/merge",
        path: `${K}/merge`,
        json: { contactId: duplicate.id },
      },
      // B's own contact as the survivor cannot swallow A's.
      {
        method: "POST",
        route: "/api/contacts/{id}/merge",
        path: `/api/contacts/${bContact.id}/merge`,
        json: { contactId: contact.id },
      },
      { method: "PUT", route: "/api/labels/{id}", path: `/api/labels/${label.id}`, json: { name: "pwned" } },
      { method: "DELETE", route: "/api/labels/{id}", path: `/api/labels/${label.id}` },
      {
        method: "POST",
        route: "/api/conversations/{id}/labels/{labelId}",
        path: `${C}/labels/${label.id}`,
      },
      {
        method: "DELETE",
        route: "/api/conversations/{id}/labels/{labelId}",
        path: `${C}/labels/${label.id}`,
      },
      { method: "GET", route: "/api/canned-responses/{id}", path: `/api/canned-responses/${canned.id}` },
      {
        method: "PUT",
        route: "/api/canned-responses/{id}",
        path: `/api/canned-responses/${canned.id}`,
        json: { text: "pwned" },
      },
      { method: "DELETE", route: "/api/canned-responses/{id}", path: `/api/canned-responses/${canned.id}` },
      { method: "POST", route: "/api/conversations/{id}/reopen", path: `${C}/reopen` },
      {
        method: "POST",
        route: "/api/conversations/{id}/snooze",
        path: `${C}/snooze`,
        json: { until: new Date(Date.now() + 3_600_000).toISOString() },
      },
      {
        method: "PUT",
        route: "/api/conversations/{id}/priority",
        path: `${C}/priority`,
        json: { priority: "urgent" },
      },
      { method: "GET", route: "/api/tenants/{id}", path: `/api/tenants/${A}` },
      { method: "PUT", route: "/api/tenants/{id}", path: `/api/tenants/${A}`, json: { name: "pwned" } },
      { method: "DELETE", route: "/api/tenants/{id}", path: `/api/tenants/${A}` },
      {
        method: "DELETE",
        route: "/api/tenants/{id}",
        path: `/api/tenants/${A}`,
        json: { confirm: "tenant-a" },
      },
      { method: "GET", route: "/api/tenants/{id}/deletion", path: `/api/tenants/${A}/deletion` },
      { method: "GET", route: "/api/tenants/{id}/users", path: `/api/tenants/${A}/users` },
      {
        method: "POST",
        route: "/api/tenants/{id}/users",
        path: `/api/tenants/${A}/users`,
        json: { email: "spy@example.test", name: "Spy" },
      },
      {
        method: "PATCH",
        route: "/api/tenants/{id}/users/{userId}",
        path: `/api/tenants/${A}/users/${aMember.user.id}`,
        json: { status: "deactivated" },
      },
      {
        method: "PATCH",
        route: "/api/tenants/{id}/users/{userId}",
        path: `/api/tenants/${b.tenant.id}/users/${aMember.user.id}`,
        json: { role: "TENANT_ADMIN" },
      },
      { method: "DELETE", route: "/api/api-keys/{id}", path: `/api/api-keys/${aKey.id}` },
      { method: "GET", route: "/api/conversations/{id}", path: C },
      { method: "DELETE", route: "/api/conversations/{id}", path: C },
      { method: "POST", route: "/api/conversations/{id}/resume", path: `${C}/resume` },
      { method: "POST", route: "/api/conversations/{id}/resolve", path: `${C}/resolve` },
      {
        method: "PUT",
        route: "/api/conversations/{id}/assign",
        path: `${C}/assign`,
        json: { assigneeId: null },
      },
      { method: "POST", route: "/api/conversations/{id}/ticket", path: `${C}/ticket` },
      { method: "GET", route: "/api/conversations/{id}/messages", path: `${C}/messages` },
      {
        method: "POST",
        route: "/api/conversations/{id}/messages",
        path: `${C}/messages`,
        json: { text: "spy" },
      },
      {
        method: "GET",
        route: "/api/conversations/{id}/messages/{messageId}",
        path: `${C}/messages/${message.id}`,
      },
      { method: "POST", route: "/api/conversations/{id}/read", path: `${C}/read`, json: { seq: 1 } },
      { method: "GET", route: "/api/conversations/{id}/outbox", path: `${C}/outbox` },
      {
        method: "POST",
        route: "/api/conversations/{id}/messages/{messageId}/feedback",
        path: `${C}/messages/${message.id}/feedback`,
        json: { rating: "dislike" },
      },
      {
        method: "GET",
        route: "/api/conversations/{id}/messages/{messageId}/feedback",
        path: `${C}/messages/${message.id}/feedback`,
      },
      {
        method: "PUT",
        route: "/api/widget-keys/{id}",
        path: `/api/widget-keys/${widgetKey.id}`,
        json: { name: "pwned" },
      },
      { method: "DELETE", route: "/api/widget-keys/{id}", path: `/api/widget-keys/${widgetKey.id}` },
      { method: "POST", route: "/api/conversations/{id}/handback", path: `${C}/handback` },
      { method: "GET", route: "/api/agents/{id}", path: `/api/agents/${agent.id}` },
      { method: "PUT", route: "/api/agents/{id}", path: `/api/agents/${agent.id}`, json: { name: "pwned" } },
      { method: "DELETE", route: "/api/agents/{id}", path: `/api/agents/${agent.id}` },
      {
        method: "POST",
        route: "/api/agents/{id}/test",
        path: `/api/agents/${agent.id}/test`,
        json: { message: "zorkmids" },
      },
      { method: "POST", route: "/api/agents/{id}/train", path: `/api/agents/${agent.id}/train` },
      { method: "GET", route: "/api/documents/{id}", path: D },
      { method: "GET", route: "/api/documents/{id}/status", path: `${D}/status` },
      { method: "GET", route: "/api/documents/{id}/download", path: `${D}/download` },
      { method: "POST", route: "/api/documents/{id}/process", path: `${D}/process` },
      { method: "DELETE", route: "/api/documents/{id}", path: D },
      {
        method: "DELETE",
        route: "/api/knowledge/collections/{id}",
        path: `/api/knowledge/collections/${collection.id}`,
      },
      { method: "GET", route: "/api/agents/{id}/actions", path: ACT },
      { method: "POST", route: "/api/agents/{id}/actions", path: ACT, json: anAction },
      { method: "POST", route: "/api/agents/{id}/actions/import", path: `${ACT}/import`, json: anOpenApi },
      { method: "GET", route: "/api/agents/{id}/actions/{actionId}", path: `${ACT}/${planning.action.id}` },
      {
        method: "PUT",
        route: "/api/agents/{id}/actions/{actionId}",
        path: `${ACT}/${planning.action.id}`,
        json: { baseUrl: "https://evil.example.test" },
      },
      {
        method: "DELETE",
        route: "/api/agents/{id}/actions/{actionId}",
        path: `${ACT}/${planning.action.id}`,
      },
      { method: "GET", route: "/api/plans/{id}", path: `/api/plans/${plan?.id}` },
      { method: "POST", route: "/api/plans/{id}/approve", path: `/api/plans/${plan?.id}/approve`, json: {} },
      { method: "POST", route: "/api/plans/{id}/reject", path: `/api/plans/${plan?.id}/reject`, json: {} },
      {
        method: "POST",
        route: "/api/messages/{id}/feedback",
        path: `/api/messages/${message.id}/feedback`,
        json: { rating: "dislike" },
      },
      { method: "GET", route: "/api/messages/{id}/feedback", path: `/api/messages/${message.id}/feedback` },
      { method: "GET", route: "/api/upload/{id}", path: U },
      { method: "GET", route: "/api/upload/{id}/status", path: `${U}/status` },
      { method: "POST", route: "/api/upload/{id}/process", path: `${U}/process` },
      { method: "GET", route: "/api/policies/{id}", path: P },
      { method: "PUT", route: "/api/policies/{id}", path: P, json: { extras: { remark: "pwned" } } },
      { method: "GET", route: "/api/policies/{id}/changes", path: `${P}/changes` },
      { method: "GET", route: "/api/policies/{id}/document", path: `${P}/document` },
      { method: "POST", route: "/api/policies/{id}/confirm", path: `${P}/confirm` },
      { method: "POST", route: "/api/policies/{id}/reject", path: `${P}/reject` },
      { method: "DELETE", route: "/api/policies/{id}", path: P },
      { method: "POST", route: "/api/conversations/{id}/csat", path: `${C}/csat`, json: { rating: 1 } },
      { method: "GET", route: "/api/dashboards/{id}", path: DB },
      { method: "PUT", route: "/api/dashboards/{id}", path: DB, json: { title: "pwned" } },
      { method: "DELETE", route: "/api/dashboards/{id}", path: DB },
      { method: "POST", route: "/api/dashboards/{id}/widgets", path: `${DB}/widgets`, json: aKpi },
      {
        method: "PUT",
        route: "/api/dashboards/{id}/widgets/{widgetId}",
        path: `${DB}/widgets/${aWidget}`,
        json: { title: "pwned" },
      },
      {
        method: "DELETE",
        route: "/api/dashboards/{id}/widgets/{widgetId}",
        path: `${DB}/widgets/${aWidget}`,
      },
      {
        method: "PUT",
        route: "/api/dashboards/{id}/layout",
        path: `${DB}/layout`,
        json: { version: 1, layout: {} },
      },
      { method: "GET", route: "/api/dashboards/{id}/data", path: `${DB}/data` },
      {
        method: "GET",
        route: "/api/dashboards/{id}/widgets/{widgetId}/chart.svg",
        path: `${DB}/widgets/${aWidget}/chart.svg`,
      },
      { method: "GET", route: "/api/channels/{id}", path: CH },
      { method: "PUT", route: "/api/channels/{id}", path: CH, json: { name: "pwned" } },
      { method: "DELETE", route: "/api/channels/{id}", path: `${CH}?force=true` },
      { method: "POST", route: "/api/channels/{id}/test", path: `${CH}/test` },
      { method: "GET", route: "/api/channels/{id}/webhook", path: `${CH}/webhook` },
      { method: "POST", route: "/api/channels/{id}/webhook/regenerate", path: `${CH}/webhook/regenerate` },
      { method: "POST", route: "/api/conversations/{id}/attachments", path: `${C}/attachments`, json: {} },
      { method: "GET", route: "/api/attachments/{id}", path: `/api/attachments/${attachment.id}` },
      {
        method: "POST",
        route: "/api/conversations/{id}/attachments/uploads",
        path: `${C}/attachments/uploads`,
        json: {},
      },
      { method: "GET", route: "/api/teams/{id}", path: T },
      { method: "PUT", route: "/api/teams/{id}", path: T, json: { name: "pwned" } },
      { method: "DELETE", route: "/api/teams/{id}", path: T },
      {
        method: "PUT",
        route: "/api/teams/{id}/members/{userId}",
        path: `${T}/members/${aMember.user.id}`,
      },
      {
        method: "DELETE",
        route: "/api/teams/{id}/members/{userId}",
        path: `${T}/members/${aMember.user.id}`,
      },
      { method: "GET", route: "/api/webhooks/{id}", path: W },
      { method: "PUT", route: "/api/webhooks/{id}", path: W, json: { url: "https://evil.example/x" } },
      { method: "DELETE", route: "/api/webhooks/{id}", path: W },
      { method: "GET", route: "/api/webhooks/{id}/deliveries", path: `${W}/deliveries` },
      {
        method: "POST",
        route: "/api/webhooks/{id}/deliveries/{deliveryId}/redeliver",
        path: `${W}/deliveries/${crypto.randomUUID()}/redeliver`,
      },
    ];
    // The room's WebSocket takes a ticket, not a bearer token: realtime.test.ts shows a ticket
    // signed for tenant B is refused with 404 on A's conversation.
    const ticketRoutes = new Set([
      "GET /api/conversations/{id}/ws",
      // Platforms call these with a signature, not a token: the test below shows they stay in their channel's tenant.
      "POST /webhooks/telegram/{channelId}",
      "POST /webhooks/meta/{channelId}",
      "GET /webhooks/meta/{channelId}",
      // A signed upload URL carries its conversation and tenant in its signature (attachments.test.ts).
      "PUT /api/attachment-uploads/{id}",
    ]);
    // Widget routes authenticate a visitor token instead: tenant B's visitor is probed below.
    const visitorRoute = "POST /api/widget/conversations/{id}/messages/{messageId}/feedback";
    const staffNamesRoute = "GET /api/widget/conversations/{id}/staff";
    const visitorCsatRoute = "POST /api/widget/conversations/{id}/csat";
    const visitorUploadRoute = "POST /api/widget/conversations/{id}/attachments";
    const visitorFileRoute = "GET /api/widget/conversations/{id}/attachments/{attachmentId}";
    ticketRoutes.add(visitorRoute).add(staffNamesRoute).add(visitorCsatRoute);
    ticketRoutes.add(visitorUploadRoute).add(visitorFileRoute);

    const doc = await callJson<{ paths: Record<string, Record<string, unknown>> }>("/openapi.json", {}, 200);
    const scoped = Object.entries(doc.paths)
      .filter(([path]) => path.includes("{"))
      .flatMap(([path, methods]) => Object.keys(methods).map((m) => `${m.toUpperCase()} ${path}`));
    expect(new Set(probes.map((p) => `${p.method} ${p.route}`))).toEqual(
      new Set(scoped.filter((r) => !ticketRoutes.has(r))),
    );

    // B's users, then B's API keys, probe every route; two of each share the probes so that none meets
    // the per-minute rate limit (there are over 100 routes).
    const bAdmin = await addUser(b.tenant.id, "TENANT_ADMIN");
    const bKey2 = await callJson<{ key: string }>(
      "/api/api-keys",
      { token: b.accessToken, json: { name: "B second key", role: "TENANT_ADMIN" } },
      201,
    );
    for (const principals of [
      [b.accessToken, bAdmin.accessToken],
      [bKey.key, bKey2.key],
    ]) {
      for (const [i, probe] of probes.entries()) {
        const token = principals[i % principals.length];
        const response = await call(probe.path, { method: probe.method, token, json: probe.json });
        const text = await response.text();
        expect(response.status, `${probe.method} ${probe.path}`).toBe(404);
        expect(text).not.toContain(a.email);
        expect(text).not.toContain("Tenant A");
        expect(text).not.toContain("private to A");
        expect(text).not.toContain("zorkmids");
      }
    }

    const bWidget = await callJson<{ publicKey: string }>(
      "/api/widget-keys",
      { token: b.accessToken, json: { name: "B site", allowedOrigins: ["https://b.example.test"] } },
      201,
    );
    const bVisitor = await callJson<{ visitorToken: string }>(
      "/api/widget/sessions",
      { json: { widgetKey: bWidget.publicKey, start: false }, headers: { Origin: "https://b.example.test" } },
      200,
    );
    const visitorProbe = await call(`${C}/messages/${message.id}/feedback`.replace("/api/", "/api/widget/"), {
      method: "POST",
      json: { rating: "dislike" },
      headers: { Authorization: `Bearer ${bVisitor.visitorToken}` },
    });
    expect(visitorProbe.status, visitorRoute).toBe(404);
    expect(await visitorProbe.text()).not.toContain("private to A");
    const namesProbe = await call(`/api/widget/conversations/${conversation.id}/staff?ids=${a.user.id}`, {
      headers: { Authorization: `Bearer ${bVisitor.visitorToken}` },
    });
    expect(namesProbe.status, staffNamesRoute).toBe(404);
    expect(await namesProbe.text()).not.toContain("Admin");
    const bVisitorAuth = { Authorization: `Bearer ${bVisitor.visitorToken}` };
    const widgetFiles = `/api/widget/conversations/${conversation.id}/attachments`;
    const fileProbe = await call(`${widgetFiles}/${attachment.id}`, { headers: bVisitorAuth });
    expect(fileProbe.status, visitorFileRoute).toBe(404);
    const uploadProbe = await call(widgetFiles, {
      method: "POST",
      body: new Uint8Array([0x25, 0x50, 0x44, 0x46, 0x2d]),
      headers: { ...bVisitorAuth, "Content-Type": "application/octet-stream" },
    });
    expect(uploadProbe.status, visitorUploadRoute).toBe(404);

    // Lists only ever show the caller's own tenant.
    for (const path of [
      "/api/api-keys",
      "/api/metrics",
      "/api/auth/profile",
      "/api/conversations",
      "/api/widget-keys",
      "/api/agents",
      "/api/documents",
      "/api/knowledge/collections",
      "/api/knowledge/search?q=zorkmids",
      "/v1/models",
      "/api/plans",
      "/api/messages/feedback/stats",
      "/api/upload",
      "/api/policies",
      "/api/analytics/business-hours",
      "/api/contacts",
      "/api/contacts?q=zorkmids",
      "/api/labels",
      "/api/canned-responses",
      "/api/conversations?q=private",
      `/api/conversations?label=${label.id}`,
      `/api/conversations?contactId=${contact.id}`,
      "/api/dashboards",
      "/api/analytics/dashboard",
      "/api/analytics/agents",
      "/api/channels",
      "/api/dashboard/explorer",
      "/api/dashboard/explorer?groupBy=insurer",
      "/api/dashboard/explorer?format=csv",
      "/api/webhooks",
      "/api/teams",
      `/api/conversations?teamId=${team.id}`,
    ]) {
      const text = await (await call(path, { token: b.accessToken })).text();
      expect(text).not.toContain(A);
      expect(text).not.toContain(aKey.id);
      expect(text).not.toContain(String(plan?.id));
      expect(text).not.toContain(conversation.id);
      expect(text).not.toContain(document.id);
      expect(text).not.toContain("zorkmids");
      expect(text).not.toContain("A agent");
      expect(text).not.toContain(String(policyUpload.policyId));
      expect(text).not.toContain(policyUpload.id);
      expect(text).not.toContain("Chatham");
      expect(text).not.toContain(contact.id);
      expect(text).not.toContain(label.id);
      expect(text).not.toContain(canned.id);
      expect(text).not.toContain(String(aDashboards.data[0]?.id));
      expect(text).not.toContain(CH.split("/").at(-1));
      expect(text).not.toContain(webhook.id);
      expect(text).not.toContain("A team");
    }

    // B importing A's policy number makes B's own record: no duplicate across tenants, no id of A's.
    const aPolicy = await callJson<{ fields: Record<string, { value: unknown }> }>(
      P,
      { token: a.accessToken },
      200,
    );
    const imported = await call("/api/policies/import", {
      method: "POST",
      token: b.accessToken,
      headers: { "Content-Type": "text/csv" },
      body: `policyNumber,insurer\r\n${aPolicy.fields.policyNumber?.value},${aPolicy.fields.insurer?.value}\r\n`,
    });
    const importText = await imported.text();
    expect(imported.status).toBe(200);
    expect(importText).not.toContain(String(policyUpload.policyId));
    expect(JSON.parse(importText).rows[0].issues).not.toContain("duplicate");

    // And tenant A is untouched.
    const users = await callJson<{ data: { status: string }[] }>(
      `/api/tenants/${A}/users`,
      { token: a.accessToken },
      200,
    );
    expect(users.data.map((u) => u.status)).toEqual(["active", "active"]);
    expect((await callJson<{ name: string }>(`/api/tenants/${A}`, { token: a.accessToken }, 200)).name).toBe(
      "Tenant A",
    );
    expect((await getPlan(a, String(plan?.id))).status).toBe("pending");
    expect(await planning.api.requests()).toEqual([]);
    expect(await callJson(K, { token: a.accessToken }, 200)).toMatchObject({ name: "Tenant A customer" });
    expect(await callJson(`/api/contacts/${duplicate.id}`, { token: a.accessToken }, 200)).toMatchObject({
      id: duplicate.id,
    });
    expect(await callJson(`/api/canned-responses/${canned.id}`, { token: a.accessToken }, 200)).toMatchObject(
      {
        text: "zorkmids for {{contact.name}}",
      },
    );
    expect((await callJson<{ title: string }>(DB, { token: a.accessToken }, 200)).title).toBe("Support");
    expect(await callJson(W, { token: a.accessToken }, 200)).toMatchObject({
      url: `${env.FAKE_SERVICES_URL}/webhooks/isolation`,
    });
    expect((await call(`/api/attachments/${attachment.id}`, { token: a.accessToken })).status).toBe(200);
    expect(await callJson(T, { token: a.accessToken }, 200)).toMatchObject({
      name: "A team",
      members: [{ userId: aMember.user.id }],
    });
    expect(await callJson(P, { token: a.accessToken }, 200)).toMatchObject({
      status: "saved",
      extras: { remark: null },
    });
    expect(await callJson(CH, { token: a.accessToken }, 200)).toMatchObject({
      name: "Support bot",
      status: "active",
    });
  }, 120_000);

  it("keeps a verified webhook for tenant A's channel in A: B's channel, conversations and secret are untouched", async () => {
    const a = await registerTenant("Tenant A");
    const b = await registerTenant("Tenant B");
    const ofA = await connectTelegram(a);
    const ofB = await connectTelegram(b);
    // B's secret does not open A's webhook, nor A's B's.
    expect((await deliver(ofA.channel.id, ofB.secret, textUpdate(1, "forged"))).status).toBe(401);
    expect((await deliver(ofB.channel.id, ofA.secret, textUpdate(1, "forged"))).status).toBe(401);
    expect((await deliver(ofA.channel.id, ofA.secret, textUpdate(1, "for A only"))).status).toBe(200);
    const [conversation] = await eventually(async () => {
      const found = await channelConversations(a, ofA.channel.id);
      return found.length > 0 ? found : undefined;
    });
    await eventually(async () => (await messagesOf(a, String(conversation?.id))).length === 1);
    const bConversations = await callJson<{ data: unknown[] }>(
      "/api/conversations",
      { token: b.accessToken },
      200,
    );
    expect(bConversations.data).toEqual([]);
    const bChannel = await callJson<{ lastVerifiedInboundAt: string | null }>(
      `/api/channels/${ofB.channel.id}`,
      { token: b.accessToken },
      200,
    );
    expect(bChannel.lastVerifiedInboundAt).toBeNull();
    expect((await call(`/api/conversations/${conversation?.id}`, { token: b.accessToken })).status).toBe(404);
  });
});
