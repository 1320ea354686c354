import { createRouter } from "../../lib/openapi";
import { json } from "../../lib/responses";
import { jsonBody } from "../../lib/route-helpers";
import { featureRoutes } from "../auth/api-route";
import { BusinessHoursBody, BusinessHoursSchema } from "./business-hours.schemas";
import { getBusinessHours, saveBusinessHours } from "./business-hours.service";

const route = featureRoutes(["Analytics"]);

/** The tenant's business hours, used for the business-hours value of every duration. Mounted at /api/analytics/business-hours. */
export const businessHoursRoutes = createRouter()
  .openapi(
    route("tenant:read", {
      method: "get",
      path: "/",
      summary: "The tenant's business hours (time zone, weekly opening spans, holidays)",
      responses: { 200: json(BusinessHoursSchema, "The business hours") },
    }),
    async (c) => c.json(await getBusinessHours(c.var.db, c.var.principal.tenantId), 200),
  )
  .openapi(
    route("tenant:manage", {
      method: "put",
      path: "/",
      summary: "Replace the tenant's business hours",
      description:
        "Durations recorded from then on get a business-hours value (`valueBhS`) counted in these hours; an empty `weekly` counts every hour. See docs/analytics-events.md.",
      request: jsonBody(BusinessHoursBody),
      errors: [400],
      responses: { 200: json(BusinessHoursSchema, "Saved") },
    }),
    async (c) =>
      c.json(await saveBusinessHours(c.var.db, c.var.principal.tenantId, c.req.valid("json")), 200),
  );
