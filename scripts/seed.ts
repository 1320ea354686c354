// `npm run seed`: a demo tenant with an admin and a normal user, plus a platform admin, with fresh
// random passwords printed once. Local development only; production never runs this.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { eq, inArray, sql } from "drizzle-orm";
import { drizzle } from "drizzle-orm/node-postgres";
import pg from "pg";
import { type Role, refreshTokens, tenants, users } from "../src/db/schema/index.ts";
import { randomToken } from "../src/lib/crypto.ts";
import { hashPassword } from "../src/lib/password.ts";

const accounts: { email: string; name: string; role: Role; tenant: "demo" | "platform" }[] = [
  { email: "admin@demo.switchboard.local", name: "Demo Admin", role: "TENANT_ADMIN", tenant: "demo" },
  { email: "agent@demo.switchboard.local", name: "Demo Agent", role: "TENANT_USER", tenant: "demo" },
  { email: "platform@switchboard.local", name: "Platform Admin", role: "PLATFORM_ADMIN", tenant: "platform" },
];

/**
 * Creates the demo accounts when they are missing (or, with `resetPasswords`, gives them new
 * passwords) and returns the lines to print. Passwords are random and never stored in plain text.
 */
export async function seed(databaseUrl: string, options: { resetPasswords?: boolean } = {}) {
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 1 });
  const db = drizzle({ client: pool, casing: "snake_case" });
  try {
    const existing = await db
      .select({ email: users.email })
      .from(users)
      .where(
        inArray(
          sql`lower(${users.email})`,
          accounts.map((a) => a.email),
        ),
      );
    if (existing.length === accounts.length && !options.resetPasswords) {
      return {
        created: false,
        lines: [
          "Demo accounts exist (their passwords were printed when they were created).",
          "New passwords: npm run seed -- --reset-passwords",
          ...accounts.map((a) => `  ${a.role.padEnd(15)} ${a.email}`),
        ],
      };
    }
    const lines = ["Demo accounts (passwords shown once):"];
    await db.transaction(async (tx) => {
      const tenantIds = {
        demo: await ensureTenant(tx, "demo", "Demo Company"),
        platform: await ensureTenant(tx, "platform", "Switchboard Platform"),
      };
      for (const account of accounts) {
        const password = randomToken(12);
        const passwordHash = await hashPassword(password);
        const [existingUser] = await tx
          .select({ id: users.id })
          .from(users)
          .where(eq(sql`lower(${users.email})`, account.email));
        if (existingUser) {
          await tx.update(users).set({ passwordHash, status: "active" }).where(eq(users.id, existingUser.id));
          await tx
            .update(refreshTokens)
            .set({ revokedAt: new Date() })
            .where(eq(refreshTokens.userId, existingUser.id));
        } else {
          await tx.insert(users).values({ ...account, tenantId: tenantIds[account.tenant], passwordHash });
        }
        lines.push(`  ${account.role.padEnd(15)} ${account.email.padEnd(32)} ${password}`);
      }
    });
    return { created: true, lines };
  } finally {
    await pool.end();
  }
}

async function ensureTenant(
  db: Pick<ReturnType<typeof drizzle>, "select" | "insert">,
  slug: string,
  name: string,
) {
  const [found] = await db.select({ id: tenants.id }).from(tenants).where(eq(tenants.slug, slug));
  if (found) return found.id;
  const [created] = await db.insert(tenants).values({ slug, name }).returning({ id: tenants.id });
  if (!created) throw new Error(`could not create tenant ${slug}`);
  return created.id;
}

/** The database of a running `npm run dev` (same PORT) when DATABASE_URL is not set. */
function databaseUrlFromEnvironment(): string {
  if (process.env.DATABASE_URL) return process.env.DATABASE_URL;
  const file = join(".data", process.env.PORT ?? "8787", "database-url");
  if (existsSync(file)) return readFileSync(file, "utf8").trim();
  throw new Error(`Set DATABASE_URL, or start \`npm run dev\` first (no ${file})`);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const result = await seed(databaseUrlFromEnvironment(), {
    resetPasswords: process.argv.includes("--reset-passwords"),
  });
  console.log(result.lines.join("\n"));
}
