import { z } from "zod";

/** Bindings and variables the Worker receives (see the configuration table in README.md). */
export interface Env {
  ENVIRONMENT?: string;
  DATABASE_URL?: string;
  DB_PROXY_URL?: string;
  JWT_SECRET?: string;
  ACCESS_TOKEN_TTL?: string;
  REFRESH_TOKEN_TTL?: string;
  CORS_ORIGINS?: string;
  APP_URL?: string;
  STORAGE_PREFIX?: string;
  EMAIL_PROVIDER?: string;
  EMAIL_API_URL?: string;
  EMAIL_API_KEY?: string;
  EMAIL_FROM?: string;
  GIT_COMMIT?: string;
  ASSETS: Fetcher;
  AUTH_RATE_LIMITER: RateLimit;
  API_RATE_LIMITER: RateLimit;
  UPLOAD_RATE_LIMITER: RateLimit;
  CONVERSATION_ROOM: DurableObjectNamespace<import("./features/conversations/conversation-room").ConversationRoom>;
  TENANT_INBOX: DurableObjectNamespace<import("./features/inbox/tenant-inbox").TenantInbox>;
}

const seconds = (fallback: number) => z.coerce.number().int().positive().default(fallback);

const configSchema = z
  .object({
    ENVIRONMENT: z.enum(["development", "test", "staging", "production"]).default("production"),
    DATABASE_URL: z.string().url({ message: "DATABASE_URL must be a postgres:// URL" }),
    DB_PROXY_URL: z.string().url().optional(),
    JWT_SECRET: z.string().min(32, "JWT_SECRET must be at least 32 characters").optional(),
    ACCESS_TOKEN_TTL: seconds(15 * 60),
    REFRESH_TOKEN_TTL: seconds(7 * 24 * 60 * 60),
    CORS_ORIGINS: z.string().default(""),
    APP_URL: z.string().url().optional(),
    STORAGE_PREFIX: z.string().default(""),
    EMAIL_PROVIDER: z.enum(["log", "resend"]).default("log"),
    EMAIL_API_URL: z.string().url().default("https://api.resend.com"),
    EMAIL_API_KEY: z.string().optional(),
    EMAIL_FROM: z.string().default("Switchboard <noreply@localhost>"),
    GIT_COMMIT: z.string().default("unknown"),
  })
  .superRefine((config, ctx) => {
    const local = config.ENVIRONMENT === "development" || config.ENVIRONMENT === "test";
    if (!local && !config.JWT_SECRET) {
      ctx.addIssue({
        code: "custom",
        path: ["JWT_SECRET"],
        message: "JWT_SECRET is required outside local dev",
      });
    }
    if (!local && config.DB_PROXY_URL) {
      ctx.addIssue({ code: "custom", path: ["DB_PROXY_URL"], message: "DB_PROXY_URL is for local dev only" });
    }
    if (config.EMAIL_PROVIDER === "resend" && !config.EMAIL_API_KEY) {
      ctx.addIssue({
        code: "custom",
        path: ["EMAIL_API_KEY"],
        message: "EMAIL_API_KEY is required for resend",
      });
    }
  })
  .transform((config) => ({
    ...config,
    // Local dev without a secret still works, but never with a guessable constant outside it.
    JWT_SECRET: config.JWT_SECRET ?? `dev-only-${crypto.randomUUID()}${crypto.randomUUID()}`,
    corsOrigins: config.CORS_ORIGINS.split(",")
      .map((origin) => origin.trim())
      .filter(Boolean),
  }));

export type Config = z.infer<typeof configSchema>;

/** Thrown when the deployment is misconfigured; reported as a 500 with the reason logged. */
export class ConfigError extends Error {}

const cache = new WeakMap<object, Config>();

/** Validates the environment once per env object and returns the typed config. */
export function loadConfig(env: Env): Config {
  const cached = cache.get(env);
  if (cached) return cached;
  const parsed = configSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`);
    throw new ConfigError(`Invalid configuration: ${problems.join("; ")}`);
  }
  cache.set(env, parsed.data);
  return parsed.data;
}
