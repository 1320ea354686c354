// One handle, two drivers: one-shot queries go over Neon's HTTP query endpoint (here the dev proxy's
// /sql in front of the test Postgres), transactions over the WebSocket Pool. Both must hand callers
// exactly the same values and the same Postgres errors.
import { env } from "cloudflare:workers";
import { eq, sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { openDatabase } from "../../src/db/client";
import { tenants, users } from "../../src/db/schema";
import { loadConfig } from "../../src/env";
import { isUniqueViolation } from "../../src/features/auth/auth.service";
import { registerTenant } from "../support/api";

const EVERY_TYPE = sql`select
  now() as ts_tz, '2026-12-01 17:30:00.123456'::timestamp as ts, '2026-12-01'::date as day,
  '1 day 02:03:04'::interval as span, '{"a": [1, 2.5, null, "x"], "b": {"c": true}}'::jsonb as doc,
  '[1,2]'::json as plain_json, 12345678901234567890.123456789::numeric as num,
  9007199254740993::bigint as big, 42::int as int4, 7::smallint as int2, 1.5::real as float4,
  2.25::float8 as float8, true as yes, null::text as nothing, 'gen_random_uuid'::text as word,
  'a3bb189e-8bf9-3888-9912-ace4e6543002'::uuid as id, array['a', 'b,c', null, '"q"'] as texts,
  array[1, 2, 3] as ints, array[1.5, 2.5]::real[] as reals, array[now(), now()] as stamps,
  array[1.1, 2.2]::numeric[] as nums, '\\x00ff10'::bytea as bytes, 'fat & rat'::tsquery as query,
  'the fat rats'::tsvector as vector, '{}'::int[] as empty_array, ''::text as empty_text,
  E'line\\nbreak \\u00e9 \\U0001F600' as unicode`;

describe("database handle", () => {
  it("reads the same rows over HTTP as over the Pool, for every type the app uses", async () => {
    const tenant = await registerTenant();
    const { db, close } = openDatabase(loadConfig(env));
    try {
      const viaHttp = await db.execute(EVERY_TYPE);
      const viaPool = await db.transaction((tx) => tx.execute(EVERY_TYPE));
      // now() differs between the two statements; everything else must match exactly.
      const [http] = viaHttp.rows.map(({ ts_tz, stamps, ...rest }) => rest);
      const [pool] = viaPool.rows.map(({ ts_tz, stamps, ...rest }) => rest);
      expect(http).toEqual(pool);
      expect(http).toMatchObject({
        doc: { a: [1, 2.5, null, "x"], b: { c: true } },
        nothing: null,
        int4: 42,
      });
      expect(typeof viaHttp.rows[0]?.ts_tz).toBe(typeof viaPool.rows[0]?.ts_tz);
      expect(viaHttp.rowCount).toBe(viaPool.rowCount);

      const readTenant = (from: Pick<typeof db, "select">) =>
        from
          .select({ tenant: tenants, user: users })
          .from(tenants)
          .innerJoin(users, eq(users.tenantId, tenants.id))
          .where(eq(tenants.id, tenant.tenant.id));
      const [overHttp] = await readTenant(db);
      const [overPool] = await db.transaction((tx) => readTenant(tx));
      expect(overHttp).toEqual(overPool);
      expect(overHttp?.tenant.createdAt).toBeInstanceOf(Date);
    } finally {
      await close();
    }
  });

  it("keeps Postgres error codes and constraint names on one-shot queries", async () => {
    const tenant = await registerTenant();
    const { db, close } = openDatabase(loadConfig(env));
    try {
      const [user] = await db.select().from(users).where(eq(users.tenantId, tenant.tenant.id));
      const duplicate = (into: Pick<typeof db, "insert">) =>
        into.insert(users).values({
          tenantId: tenant.tenant.id,
          email: user?.email.toUpperCase() ?? "",
          name: "Twin",
          passwordHash: "x",
          role: "TENANT_USER",
        });
      const overHttp = await duplicate(db).catch((error: unknown) => error);
      const overPool = await db.transaction((tx) => duplicate(tx)).catch((error: unknown) => error);
      for (const error of [overHttp, overPool]) {
        expect(isUniqueViolation(error)).toBe(true);
        expect((error as { cause?: { constraint?: string } }).cause?.constraint).toBe("users_email_key");
      }
      const syntax = await db.execute(sql`select from nowhere_at_all`).catch((error: unknown) => error);
      expect((syntax as { cause?: { code?: string } }).cause?.code).toBe("42P01");
    } finally {
      await close();
    }
  });
});
