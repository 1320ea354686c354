import { eq, sql } from "drizzle-orm";
import type { Database } from "../../db/client";
import { tenants, users } from "../../db/schema";
import type { Config } from "../../env";
import type { Principal } from "../../lib/app-env";
import { AppError, notFound } from "../../lib/errors";
import { hashPassword, verifyPassword } from "../../lib/password";
import type { Mailer } from "../../providers/email";
import { slugify, tenantView, userView } from "../tenants/tenants.views";
import { issueSession, revokeAllSessions } from "./sessions.service";
import { consumeUserToken, createUserToken } from "./user-tokens.service";

export interface AuthDeps {
  db: Database;
  config: Config;
}

/** Postgres unique-violation, as raised through drizzle (the driver error may be the cause). */
export function isUniqueViolation(error: unknown): boolean {
  const candidates = [error, (error as { cause?: unknown } | null)?.cause];
  return candidates.some(
    (e) => typeof e === "object" && e !== null && (e as { code?: string }).code === "23505",
  );
}

async function findUserByEmail(db: Database, email: string) {
  const [row] = await db
    .select({ user: users, tenant: tenants })
    .from(users)
    .innerJoin(tenants, eq(tenants.id, users.tenantId))
    .where(eq(sql`lower(${users.email})`, email.toLowerCase()));
  return row;
}

/** Creates a tenant with its first admin and signs the admin in. */
export async function register(
  deps: AuthDeps,
  input: { tenantName: string; name: string; email: string; password: string },
) {
  const passwordHash = await hashPassword(input.password);
  try {
    const { user, tenant } = await deps.db.transaction(async (tx) => {
      const [tenant] = await tx
        .insert(tenants)
        .values({ name: input.tenantName, slug: slugify(input.tenantName) })
        .returning();
      if (!tenant) throw new Error("tenant insert returned nothing");
      const [user] = await tx
        .insert(users)
        .values({
          tenantId: tenant.id,
          email: input.email,
          name: input.name,
          passwordHash,
          role: "TENANT_ADMIN",
        })
        .returning();
      if (!user) throw new Error("user insert returned nothing");
      return { user, tenant };
    });
    return issueSession(deps, user, tenant);
  } catch (error) {
    if (isUniqueViolation(error)) throw new AppError("conflict", "An account with this email already exists");
    throw error;
  }
}

const badCredentials = () => new AppError("unauthorized", "Invalid email or password");

/** Signs in with email and password; unknown email and wrong password look the same. */
export async function login(deps: AuthDeps, input: { email: string; password: string }) {
  const row = await findUserByEmail(deps.db, input.email);
  const valid = await verifyPassword(input.password, row?.user.passwordHash);
  if (!row || !valid || row.user.status !== "active") throw badCredentials();
  if (row.tenant.status !== "active") throw new AppError("forbidden", "Tenant is suspended");
  const [user] = await deps.db
    .update(users)
    .set({ lastLoginAt: new Date() })
    .where(eq(users.id, row.user.id))
    .returning();
  return issueSession(deps, user ?? row.user, row.tenant);
}

/** Emails a reset link to an active user; says nothing about whether the email exists. */
export async function forgotPassword(deps: AuthDeps & { mailer: Mailer }, email: string, appUrl: string) {
  const row = await findUserByEmail(deps.db, email);
  if (row?.user.status !== "active") return;
  const token = await createUserToken(deps.db, row.user.id, "reset");
  await deps.mailer.send({
    to: row.user.email,
    subject: "Reset your Switchboard password",
    text: `Someone asked to reset the password of ${row.user.email}.\n\nReset it here (valid 30 minutes, once): ${appUrl}/app/reset-password?token=${token}\n\nIf it was not you, ignore this email.`,
  });
}

/** Sets a new password from a reset token and ends every existing session. */
export async function resetPassword(deps: AuthDeps, input: { token: string; password: string }) {
  const userId = await consumeUserToken(deps.db, input.token, "reset");
  await deps.db
    .update(users)
    .set({ passwordHash: await hashPassword(input.password) })
    .where(eq(users.id, userId));
  await revokeAllSessions(deps.db, userId);
}

/** Activates an invited user with their chosen password and signs them in. */
export async function acceptInvite(
  deps: AuthDeps,
  input: { token: string; password: string; name?: string },
) {
  const userId = await consumeUserToken(deps.db, input.token, "invite");
  const [user] = await deps.db
    .update(users)
    .set({
      passwordHash: await hashPassword(input.password),
      status: "active",
      ...(input.name ? { name: input.name } : {}),
    })
    .where(eq(users.id, userId))
    .returning();
  const [tenant] = user ? await deps.db.select().from(tenants).where(eq(tenants.id, user.tenantId)) : [];
  if (!user || !tenant) throw notFound("Invitation");
  return issueSession(deps, user, tenant);
}

/** Who the caller is: the principal, its user (none for API keys) and its tenant. */
export async function profile(db: Database, principal: Principal) {
  const [tenant] = await db.select().from(tenants).where(eq(tenants.id, principal.tenantId));
  if (!tenant) throw notFound("Tenant");
  const [user] =
    principal.kind === "user" ? await db.select().from(users).where(eq(users.id, principal.id)) : [];
  return { principal, user: user ? userView(user) : null, tenant: tenantView(tenant) };
}
