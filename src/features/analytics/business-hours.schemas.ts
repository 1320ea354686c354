import { z } from "@hono/zod-openapi";
import { text } from "../../lib/text";
import { BusinessHoursSchema as AgentHours } from "../ai/ai.schemas";

/** An agent's hours (zone and weekly spans; an end before the start runs past midnight) plus holidays. */
export const BusinessHoursBody = AgentHours.extend({
  holidays: z
    .array(text().pipe(z.iso.date()))
    .max(366)
    .default([])
    .openapi({ description: "Closed dates, local (YYYY-MM-DD)", example: ["2026-12-25"] }),
})
  .strict()
  .openapi("TenantBusinessHoursInput", {
    example: { timezone: "Europe/Berlin", weekly: { mon: [["09:00", "17:00"]] }, holidays: ["2026-12-25"] },
  });

export const BusinessHoursSchema = AgentHours.extend({
  configured: z.boolean().openapi({ description: "false: none saved, every hour counts (calendar time)" }),
  holidays: z.array(text()),
  updatedAt: text().nullable(),
}).openapi("TenantBusinessHours");
