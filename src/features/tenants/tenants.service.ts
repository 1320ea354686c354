import { and, asc, eq, ne } from "drizzle-orm";
import type { Database } from "../../db/client";
import { type Role, tenants, users } from "../../db/schema";
import type { Principal } from "../../lib/app-env";
import { AppError, notFound } from "../../lib/errors";
import { canGrant } from "../../lib/rbac";
import type { Mailer } from "../../providers/email";
import { isUniqueViolation } from "../auth/auth.service";
import { revokeAllSessions } from "../auth/sessions.service";
import { createUserToken } from "../auth/user-tokens.service";
import { slugify, tenantView, userView } from "./tenants.views";

export interface TenantDeps {
  db: Database;
  principal: Principal;
}

/** The tenant id the caller may act on: its own, or any for a platform admin. Others are 404. */
export function scopeTenant(principal: Principal, tenantId: string): string {
  if (principal.role === "PLATFORM_ADMIN" || principal.tenantId === tenantId) return tenantId;
  throw notFound("Tenant");
}

async function loadTenant(db: Database, tenantId: string) {
  const [tenant] = await db.select().from(tenants).where(eq(tenants.id, tenantId));
  if (!tenant) throw notFound("Tenant");
  return tenant;
}

export async function listTenants(db: Database) {
  const rows = await db.select().from(tenants).orderBy(asc(tenants.createdAt));
  return rows.map(tenantView);
}

export async function getTenant({ db, principal }: TenantDeps, tenantId: string) {
  return tenantView(await loadTenant(db, scopeTenant(principal, tenantId)));
}

export async function updateTenant(
  { db, principal }: TenantDeps,
  tenantId: string,
  input: { name?: string; settings?: Record<string, unknown>; status?: "active" | "suspended" },
) {
  const id = scopeTenant(principal, tenantId);
  if (input.status && principal.role !== "PLATFORM_ADMIN") {
    throw new AppError("forbidden", "Only platform admins change a tenant's status");
  }
  const [tenant] = await db
    .update(tenants)
    .set(input)
    .where(and(eq(tenants.id, id), ne(tenants.status, "deleting")))
    .returning();
  if (!tenant) {
    await loadTenant(db, id);
    throw new AppError("conflict", "Tenant is being deleted");
  }
  return tenantView(tenant);
}

export async function listUsers({ db, principal }: TenantDeps, tenantId: string) {
  const id = scopeTenant(principal, tenantId);
  await loadTenant(db, id);
  const rows = await db.select().from(users).where(eq(users.tenantId, id)).orderBy(asc(users.createdAt));
  return rows.map(userView);
}

/** Creates an invited user and emails them a link to set their password. */
export async function inviteUser(
  deps: TenantDeps & { mailer: Mailer; appUrl: string },
  tenantId: string,
  input: { email: string; name: string; role: Role },
) {
  const { db, principal } = deps;
  const tenant = await loadTenant(db, scopeTenant(principal, tenantId));
  if (!canGrant(principal.role, input.role))
    throw new AppError("forbidden", `You cannot grant ${input.role}`);
  try {
    const [user] = await db
      .insert(users)
      .values({
        tenantId: tenant.id,
        email: input.email,
        name: input.name,
        role: input.role,
        status: "invited",
      })
      .returning();
    if (!user) throw new Error("user insert returned nothing");
    const token = await createUserToken(db, user.id, "invite");
    await deps.mailer.send({
      to: user.email,
      subject: `You are invited to ${tenant.name} on Switchboard`,
      text: `You have been invited to join ${tenant.name}.\n\nSet your password here (valid 7 days, once): ${deps.appUrl}/app/accept-invite?token=${token}`,
    });
    return userView(user);
  } catch (error) {
    if (isUniqueViolation(error)) throw new AppError("conflict", "A user with this email already exists");
    throw error;
  }
}

/** Changes a user's role or activation; deactivation ends their sessions at once. */
export async function updateUser(
  { db, principal }: TenantDeps,
  tenantId: string,
  userId: string,
  input: { role?: Role; status?: "active" | "deactivated" },
) {
  const id = scopeTenant(principal, tenantId);
  if (principal.kind === "user" && principal.id === userId) {
    throw new AppError("forbidden", "You cannot change your own role or status");
  }
  if (input.role && !canGrant(principal.role, input.role))
    throw new AppError("forbidden", `You cannot grant ${input.role}`);
  const [current] = await db
    .select()
    .from(users)
    .where(and(eq(users.id, userId), eq(users.tenantId, id)));
  if (!current) throw notFound("User");
  if (current.role === "PLATFORM_ADMIN" && principal.role !== "PLATFORM_ADMIN") {
    throw new AppError("forbidden", "Only platform admins change a platform admin");
  }
  if (input.status === "active" && current.status === "invited") {
    throw new AppError("conflict", "An invited user becomes active by accepting the invitation");
  }
  const [user] = await db.update(users).set(input).where(eq(users.id, current.id)).returning();
  if (!user) throw notFound("User");
  if (input.status === "deactivated") await revokeAllSessions(db, user.id);
  return userView(user);
}

/** Creates a tenant (platform admins), optionally inviting its first admin. */
export async function createTenant(
  deps: TenantDeps & { mailer: Mailer; appUrl: string },
  input: { name: string; admin?: { email: string; name: string } },
) {
  const [tenant] = await deps.db
    .insert(tenants)
    .values({ name: input.name, slug: slugify(input.name) })
    .returning();
  if (!tenant) throw new Error("tenant insert returned nothing");
  if (input.admin) {
    try {
      await inviteUser(deps, tenant.id, { ...input.admin, role: "TENANT_ADMIN" });
    } catch (error) {
      await deps.db.delete(tenants).where(eq(tenants.id, tenant.id));
      throw error;
    }
  }
  return tenantView(tenant);
}
