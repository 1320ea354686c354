import type { tenants, users } from "../../db/schema";

type TenantRow = typeof tenants.$inferSelect;
type UserRow = typeof users.$inferSelect;

/** The public shape of a tenant. */
export function tenantView(row: TenantRow) {
  return { ...row, createdAt: row.createdAt.toISOString(), updatedAt: row.updatedAt.toISOString() };
}

/** The public shape of a user: never the password hash (nor the token revocation instant). */
export function userView({ passwordHash: _hidden, tokensValidAfter: _internal, ...row }: UserRow) {
  return {
    ...row,
    lastLoginAt: row.lastLoginAt?.toISOString() ?? null,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

/** A URL-safe slug for a tenant name, with a random suffix so names need not be unique. */
export function slugify(name: string): string {
  const base = name
    .toLowerCase()
    .normalize("NFKD")
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 40);
  const suffix = crypto.getRandomValues(new Uint32Array(1))[0]?.toString(36) ?? "0";
  return `${base || "tenant"}-${suffix}`;
}
