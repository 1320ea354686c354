import type { Database } from "../db/client";
import type { Role } from "../db/schema";
import type { Config } from "../env";

/** Who is calling: a signed-in user or a tenant API key, always bound to one tenant. */
export interface Principal {
  kind: "user" | "api_key";
  /** The user id, or the API key id. */
  id: string;
  tenantId: string;
  role: Role;
}

export interface AppEnv {
  Bindings: Env;
  Variables: {
    requestId: string;
    config: Config;
    db: Database;
    principal: Principal;
    /** Runs `task` after the response (errors are logged as "`what` failed"). */
    background: (task: Promise<unknown>, what: string) => void;
  };
}
