import { openDatabase } from "../../db/client";
import { loadConfig } from "../../env";
import { describeError, log } from "../../lib/logger";
import { rebuildRollups, scheduledRollupDays } from "./rollups";

/** The cron trigger: rebuilds the last complete days' rollups of every tenant. */
export async function rebuildScheduledRollups(env: Env, scheduledTime: number): Promise<void> {
  const { db, close } = openDatabase(loadConfig(env));
  const days = scheduledRollupDays(new Date(scheduledTime));
  try {
    const { rows } = await rebuildRollups(db, days);
    log("info", "analytics rollups rebuilt", { ...days, rows });
  } catch (error) {
    log("error", "analytics rollups failed", { ...days, ...describeError(error) });
    throw error;
  } finally {
    await close();
  }
}
