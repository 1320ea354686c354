import { z } from "@hono/zod-openapi";
import { eq, gte, ilike, lte, or, type SQL, type SQLWrapper, sql } from "drizzle-orm";
import { type PolicyStatus, policies, policyStatuses } from "../../db/schema";
import { text } from "../../lib/text";

const shortText = (max = 200) => text().trim().min(1).max(max);
const isoDate = () => text().pipe(z.iso.date());

/** The record filters the list and the explorer share (every one optional). */
export const PolicyFilterShape = {
  status: z.enum(policyStatuses).optional(),
  insurer: shortText().optional().openapi({ example: "TATA AIG General Insurance" }),
  productLine: z.enum(["motor", "health"]).optional(),
  productType: shortText()
    .optional()
    .openapi({ description: "Exact, ignoring case", example: "Private Car" }),
  callerName: shortText().optional().openapi({ description: "The rep, exact, ignoring case" }),
  branch: shortText().optional().openapi({ description: "Exact, ignoring case" }),
  make: shortText()
    .optional()
    .openapi({ description: "Vehicle make, exact, ignoring case", example: "Maruti" }),
  from: isoDate().optional().openapi({ description: "Issue date on or after" }),
  to: isoDate().optional().openapi({ description: "Issue date on or before" }),
  expiryFrom: isoDate().optional().openapi({ description: "Expiry date on or after" }),
  expiryTo: isoDate().optional().openapi({ description: "Expiry date on or before" }),
  q: shortText(100).optional().openapi({ description: "Policy number, vehicle number or customer name" }),
};

export interface PolicyFilters {
  status?: PolicyStatus;
  insurer?: string;
  productLine?: "motor" | "health";
  productType?: string;
  callerName?: string;
  branch?: string;
  make?: string;
  from?: string;
  to?: string;
  expiryFrom?: string;
  expiryTo?: string;
  q?: string;
}

const likePattern = (q: string) => `%${q.replace(/[\\%_]/g, (char) => `\\${char}`)}%`;
const sameText = (column: SQLWrapper, value: string) => sql`lower(${column}) = lower(${value})`;

/** The tenant's records matching the filters, as SQL conditions (tenant first, always). */
export function policyConditions(tenantId: string, filters: PolicyFilters): (SQL | undefined)[] {
  const conditions: (SQL | undefined)[] = [eq(policies.tenantId, tenantId)];
  if (filters.status) conditions.push(eq(policies.status, filters.status));
  if (filters.insurer) conditions.push(eq(policies.insurer, filters.insurer));
  if (filters.productLine) conditions.push(eq(policies.productLine, filters.productLine));
  if (filters.productType) conditions.push(sameText(policies.productType, filters.productType));
  if (filters.callerName) conditions.push(sameText(policies.callerName, filters.callerName));
  if (filters.branch) conditions.push(sameText(policies.branch, filters.branch));
  if (filters.make) conditions.push(sameText(policies.make, filters.make));
  if (filters.from) conditions.push(gte(policies.issueDate, filters.from));
  if (filters.to) conditions.push(lte(policies.issueDate, filters.to));
  if (filters.expiryFrom) conditions.push(gte(policies.expiryDate, filters.expiryFrom));
  if (filters.expiryTo) conditions.push(lte(policies.expiryDate, filters.expiryTo));
  if (filters.q) {
    const pattern = likePattern(filters.q);
    const plate = likePattern(filters.q.toUpperCase().replace(/[\s.-]/g, ""));
    conditions.push(
      or(
        ilike(policies.policyNumber, pattern),
        ilike(policies.vehicleNumber, plate),
        ilike(policies.customerName, pattern),
      ),
    );
  }
  return conditions;
}

/** Refusals shared by every filtered query: an inverted date range is a 400, not an empty answer. */
export const rangesInOrder = (q: PolicyFilters) =>
  (!q.from || !q.to || q.from <= q.to) && (!q.expiryFrom || !q.expiryTo || q.expiryFrom <= q.expiryTo);
