import { and, eq, gt, isNull } from "drizzle-orm";
import type { Database } from "../../db/client";
import { userTokens } from "../../db/schema";
import { randomToken, sha256 } from "../../lib/crypto";
import { AppError } from "../../lib/errors";

type Kind = "invite" | "reset";

const LIFETIME_MS: Record<Kind, number> = { invite: 7 * 24 * 3600_000, reset: 30 * 60_000 };

/** Creates a single-use emailed token; earlier unused tokens of the same kind stop working. */
export async function createUserToken(db: Database, userId: string, kind: Kind): Promise<string> {
  const token = randomToken(32);
  await db
    .update(userTokens)
    .set({ usedAt: new Date() })
    .where(and(eq(userTokens.userId, userId), eq(userTokens.kind, kind), isNull(userTokens.usedAt)));
  await db.insert(userTokens).values({
    userId,
    kind,
    tokenHash: await sha256(token),
    expiresAt: new Date(Date.now() + LIFETIME_MS[kind]),
  });
  return token;
}

/** Marks a token used and returns its user id; a used, expired or unknown token is refused. */
export async function consumeUserToken(db: Database, token: string, kind: Kind): Promise<string> {
  const [row] = await db
    .update(userTokens)
    .set({ usedAt: new Date() })
    .where(
      and(
        eq(userTokens.tokenHash, await sha256(token)),
        eq(userTokens.kind, kind),
        isNull(userTokens.usedAt),
        gt(userTokens.expiresAt, new Date()),
      ),
    )
    .returning({ userId: userTokens.userId });
  if (!row)
    throw new AppError(
      "gone",
      `This ${kind === "invite" ? "invitation" : "reset"} link is invalid, used or expired`,
    );
  return row.userId;
}
