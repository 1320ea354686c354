import { describe, expect, it } from "vitest";
import { callJson, registerTenant } from "../../support/api";
import { type Frame, mustOpen } from "../../support/ws";
import { cleanMotorDoc, pdfOf, uploadAndSettle } from "./helpers";

interface UploadFrame extends Frame {
  upload: { id: string; state: string; policyId: string | null; reason: string | null };
}

describe("policy upload progress on the inbox stream", () => {
  it("announces queued → extracting → saved (with the record) and → failed with the reason, to the tenant's staff only", {
    timeout: 60_000,
  }, async () => {
    const tenant = await registerTenant();
    const other = await registerTenant();
    const ticket = async (token: string) =>
      (await callJson<{ url: string }>("/api/inbox/ticket", { method: "POST", token }, 200)).url;
    const inbox = await mustOpen(await ticket(tenant.accessToken));
    const stranger = await mustOpen(await ticket(other.accessToken));
    const of = (id: string) => (frame: Frame) =>
      frame.type === "policy.upload" && (frame as UploadFrame).upload.id === id;
    const states = (id: string) =>
      (inbox.frames.filter(of(id)) as UploadFrame[]).map((frame) => frame.upload);

    const saved = await uploadAndSettle(tenant.accessToken, await pdfOf(cleanMotorDoc()));
    await inbox.next((frame) => of(saved.id)(frame) && (frame as UploadFrame).upload.state === "saved");
    expect(states(saved.id)).toEqual([
      { id: saved.id, state: "queued", policyId: null, reason: null },
      { id: saved.id, state: "extracting", policyId: null, reason: null },
      { id: saved.id, state: "saved", policyId: saved.policyId, reason: null },
    ]);

    const corrupt = new TextEncoder().encode("%PDF-1.7\nnot really a PDF\n%%EOF");
    const failed = await uploadAndSettle(tenant.accessToken, corrupt);
    await inbox.next((frame) => of(failed.id)(frame) && (frame as UploadFrame).upload.state === "failed");
    expect(states(failed.id).map((upload) => upload.state)).toEqual(["queued", "extracting", "failed"]);
    expect(states(failed.id).at(-1)?.reason).toBe(failed.reason);

    expect(stranger.frames.filter((frame) => frame.type === "policy.upload")).toEqual([]);
    inbox.close();
    stranger.close();
  });
});
