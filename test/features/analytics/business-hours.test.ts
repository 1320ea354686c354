import { describe, expect, it } from "vitest";
import { addUser, call, callJson, registerTenant } from "../../support/api";

const PATH = "/api/analytics/business-hours";
const hours = {
  timezone: "America/New_York",
  weekly: {
    mon: [["09:00", "17:00"]],
    fri: [
      ["09:00", "12:00"],
      ["13:00", "17:00"],
    ],
    sat: [["22:00", "02:00"]],
  },
  holidays: ["2026-12-25"],
};

describe("business hours", () => {
  it("counts every hour until set; admins replace them, users read them", async () => {
    const tenant = await registerTenant();
    const member = await addUser(tenant.tenant.id, "TENANT_USER");
    expect(await callJson(PATH, { token: member.accessToken }, 200)).toMatchObject({
      configured: false,
      timezone: "UTC",
      weekly: {},
      holidays: [],
    });
    const saved = await callJson(PATH, { method: "PUT", token: tenant.accessToken, json: hours }, 200);
    expect(saved).toMatchObject({ configured: true, ...hours, updatedAt: expect.any(String) });
    expect(await callJson(PATH, { token: member.accessToken }, 200)).toMatchObject(hours);
    expect((await call(PATH, { method: "PUT", token: member.accessToken, json: hours })).status).toBe(403);
    // Replaced as a whole.
    const none = { timezone: "Asia/Kolkata", weekly: {} };
    expect(await callJson(PATH, { method: "PUT", token: tenant.accessToken, json: none }, 200)).toMatchObject(
      {
        ...none,
        holidays: [],
      },
    );
    // The first test of the file also starts the Worker, which takes over 10 s on a loaded machine.
  }, 30_000);

  it("refuses a bad zone, time, weekday or holiday with 400", async () => {
    const tenant = await registerTenant();
    for (const body of [
      { ...hours, timezone: "Mars/Olympus_Mons" },
      { ...hours, timezone: "" },
      { ...hours, weekly: { mon: [["09:00", "25:00"]] } },
      { ...hours, weekly: { mon: [["9am", "5pm"]] } },
      { ...hours, weekly: { funday: [["09:00", "17:00"]] } },
      { ...hours, holidays: ["2026-13-01"] },
      { weekly: {} },
    ]) {
      const response = await call(PATH, { method: "PUT", token: tenant.accessToken, json: body });
      expect(response.status, JSON.stringify(body).slice(0, 80)).toBe(400);
      expect(await response.json()).toMatchObject({ error: { code: "validation_failed" } });
    }
  });
});
