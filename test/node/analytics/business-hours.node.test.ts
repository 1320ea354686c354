import { describe, expect, it } from "vitest";
import type { TenantBusinessHours as BusinessHours } from "../../../src/db/schema/analytics";
import { businessSeconds, isTimeZone } from "../../../src/features/analytics/business-hours";

const t = (iso: string) => Date.parse(iso);
const H = 3600;
const nineToFive: [string, string][] = [["09:00", "17:00"]];
const weekdays: BusinessHours["weekly"] = {
  mon: nineToFive,
  tue: nineToFive,
  wed: nineToFive,
  thu: nineToFive,
  fri: nineToFive,
};
const berlin: BusinessHours = { timezone: "Europe/Berlin", weekly: weekdays, holidays: [] };

describe("businessSeconds", () => {
  it("counts calendar time when no hours are configured", () => {
    const from = t("2027-03-06T10:00:00Z");
    expect(businessSeconds(from, from + 90 * 60_000, null)).toBe(90 * 60);
    expect(businessSeconds(from, from + 60_000, { timezone: "UTC", weekly: {}, holidays: [] })).toBe(60);
  });

  it("counts only the open part of a span, in the tenant's zone", () => {
    // Monday 1 March 2027, Berlin is UTC+1: open 08:00–16:00 UTC.
    expect(businessSeconds(t("2027-03-01T07:00:00Z"), t("2027-03-01T09:30:00Z"), berlin)).toBe(1.5 * H);
    expect(businessSeconds(t("2027-03-01T15:00:00Z"), t("2027-03-02T09:00:00Z"), berlin)).toBe(2 * H);
    expect(businessSeconds(t("2027-03-01T17:00:00Z"), t("2027-03-01T20:00:00Z"), berlin)).toBe(0);
  });

  it("skips weekends and holidays", () => {
    // Friday 15:00 UTC (16:00 local) to Monday 09:00 UTC (10:00 local): 1 h + 1 h.
    expect(businessSeconds(t("2027-03-05T15:00:00Z"), t("2027-03-08T09:00:00Z"), berlin)).toBe(2 * H);
    const holiday = { ...berlin, holidays: ["2027-03-08"] };
    expect(businessSeconds(t("2027-03-05T15:00:00Z"), t("2027-03-08T09:00:00Z"), holiday)).toBe(1 * H);
  });

  it("follows daylight saving time (Berlin moves to UTC+2 on 28 March 2027)", () => {
    // Friday 26 March opens at 08:00 UTC, Monday 29 March at 07:00 UTC.
    expect(businessSeconds(t("2027-03-26T08:00:00Z"), t("2027-03-26T09:00:00Z"), berlin)).toBe(H);
    expect(businessSeconds(t("2027-03-29T07:00:00Z"), t("2027-03-29T08:00:00Z"), berlin)).toBe(H);
    expect(businessSeconds(t("2027-03-29T06:00:00Z"), t("2027-03-29T07:00:00Z"), berlin)).toBe(0);
    // The night the clocks go forward, a 22:00–06:00 shift lasts 7 real hours.
    const nights: BusinessHours = {
      timezone: "Europe/Berlin",
      weekly: { sat: [["22:00", "06:00"]], sun: [["22:00", "06:00"]] },
      holidays: [],
    };
    expect(businessSeconds(t("2027-03-27T12:00:00Z"), t("2027-03-28T12:00:00Z"), nights)).toBe(7 * H);
  });

  it("counts overnight spans into the next day, and the previous night's span early in the day", () => {
    const nights: BusinessHours = {
      timezone: "UTC",
      weekly: { mon: [["22:00", "02:00"]] },
      holidays: [],
    };
    expect(businessSeconds(t("2027-03-01T21:00:00Z"), t("2027-03-02T03:00:00Z"), nights)).toBe(4 * H);
    expect(businessSeconds(t("2027-03-02T01:00:00Z"), t("2027-03-02T12:00:00Z"), nights)).toBe(H);
    // Tuesday has no spans of its own.
    expect(businessSeconds(t("2027-03-02T22:00:00Z"), t("2027-03-03T02:00:00Z"), nights)).toBe(0);
  });

  it("counts overlapping spans once and empty or reversed ranges as zero", () => {
    const overlapping: BusinessHours = {
      timezone: "UTC",
      weekly: {
        mon: [
          ["09:00", "12:00"],
          ["11:00", "13:00"],
        ],
      },
      holidays: [],
    };
    expect(businessSeconds(t("2027-03-01T00:00:00Z"), t("2027-03-02T00:00:00Z"), overlapping)).toBe(4 * H);
    expect(businessSeconds(t("2027-03-01T10:00:00Z"), t("2027-03-01T09:00:00Z"), berlin)).toBe(0);
  });

  it("knows IANA zones", () => {
    expect(isTimeZone("America/New_York")).toBe(true);
    expect(isTimeZone("Mars/Olympus_Mons")).toBe(false);
  });
});
