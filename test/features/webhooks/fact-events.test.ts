import { describe, expect, it } from "vitest";
import { callJson, registerTenant } from "../../support/api";
import { proposeRefund, setupPlanning } from "../../support/plans";
import { say, staffReply, visitor } from "../analytics/helpers";
import { upload, waitUntilSettled } from "../documents/helpers";
import { receiver, until } from "./helpers";

describe("webhook events from the owners of plans, documents, policies, contacts and CSAT answers", () => {
  it("announces every new contact, signed: one made through the API and one a widget visitor became", async () => {
    const tenant = await registerTenant();
    const hook = await receiver(tenant, ["contact.created"]);
    const made = await callJson<{ id: string }>(
      "/api/contacts",
      { token: tenant.accessToken, json: { name: "Grace Hopper", email: "grace@example.test" } },
      201,
    );
    const chat = await visitor(tenant);
    const received = await until(hook.received, (r) => r.length >= 2);
    const conversation = await callJson<{ contactId: string }>(
      `/api/conversations/${chat.conversationId}`,
      { token: tenant.accessToken },
      200,
    );
    const bodies = received.map((r) => r.body);
    expect(bodies).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          type: "contact.created",
          tenantId: tenant.tenant.id,
          data: {
            contact: expect.objectContaining({ id: made.id, name: "Grace Hopper", createdFrom: "api" }),
          },
        }),
        expect.objectContaining({
          type: "contact.created",
          data: {
            contact: expect.objectContaining({ id: conversation.contactId, createdFrom: "widget" }),
          },
        }),
      ]),
    );
    expect(received.every((r) => r.verified && r.event === "contact.created")).toBe(true);
  }, 30_000);

  it("announces a satisfaction answer, signed", async () => {
    const tenant = await registerTenant();
    const hook = await receiver(tenant, ["csat.received"]);
    const chat = await visitor(tenant);
    await say(chat, "Where is my parcel?");
    await staffReply(tenant, chat.conversationId, "Delivered today.");
    await callJson(
      `/api/conversations/${chat.conversationId}/resolve`,
      { method: "POST", token: tenant.accessToken },
      200,
    );
    await chat.socket.next((f) => f.type === "csat");
    const answer = await callJson<{ id: string; surveyId: string }>(
      `/api/widget/conversations/${chat.conversationId}/csat`,
      { token: chat.visitorToken, json: { rating: 5, comment: "Great" } },
      201,
    );
    const [received] = await until(hook.received, (r) => r.length >= 1);
    expect(received?.verified).toBe(true);
    expect(received?.event).toBe("csat.received");
    expect(received?.body).toMatchObject({
      type: "csat.received",
      data: {
        conversationId: chat.conversationId,
        csat: { id: answer.id, surveyId: answer.surveyId, rating: 5, comment: "Great" },
      },
    });
  });

  it("announces a plan waiting for approval, then the plan once it ran", async () => {
    const tenant = await registerTenant();
    const hook = await receiver(tenant, ["plan.pending", "plan.executed"]);
    const planning = await setupPlanning(tenant);
    const { plan } = await proposeRefund(tenant, planning);
    const pending = await until(hook.received, (r) => r.length >= 1);
    expect(pending[0]?.body).toMatchObject({
      type: "plan.pending",
      data: { conversationId: plan?.conversationId, plan: { id: plan?.id, status: "pending" } },
    });
    await callJson(`/api/plans/${plan?.id}/approve`, { token: tenant.accessToken, json: {} }, 200);
    const all = await until(hook.received, (r) => r.length >= 2);
    expect(all[1]?.body).toMatchObject({
      type: "plan.executed",
      data: { plan: { id: plan?.id, status: "completed" } },
    });
    expect(all.every((r) => r.verified)).toBe(true);
  });

  it("announces a document once it is ready and a policy record once it is saved", async () => {
    const tenant = await registerTenant();
    const hook = await receiver(tenant, ["document.ready", "policy.saved"]);
    const document = await upload(
      tenant.accessToken,
      new TextEncoder().encode("Returns are free within 30 days."),
      "returns.txt",
    );
    await waitUntilSettled(tenant.accessToken, document.id);
    const policy = await callJson<{ id: string; status: string }>(
      "/api/policies",
      {
        token: tenant.accessToken,
        json: {
          fields: {
            productLine: "motor",
            policyNumber: "P-WEBHOOK-1",
            insurer: "tata aig",
            productType: "Private Car",
            issueDate: "2026-03-10",
            startDate: "2026-03-12",
            expiryDate: "2027-03-11",
            netPremium: 10000,
            gstAmount: 1800,
            totalPremium: 11800,
            customerName: "Meera Nair",
            vehicleNumber: "mh 12-ab 1234",
            ncbPercent: 25,
          },
        },
      },
      201,
    );
    expect(policy.status).toBe("saved");
    const received = await until(hook.received, (r) => r.length >= 2);
    const bodies = received.map((r) => r.body);
    expect(bodies).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ type: "document.ready", data: { documentId: document.id } }),
        expect.objectContaining({ type: "policy.saved", data: { policyId: policy.id } }),
      ]),
    );
  });
});
