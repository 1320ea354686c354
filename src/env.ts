import { z } from "zod";

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
    ENCRYPTION_KEY: z.string().min(32, "ENCRYPTION_KEY must be at least 32 characters").optional(),
    // Outbound calls to tenant-given URLs (AI providers, action APIs) may reach private addresses only when true.
    ALLOW_PRIVATE_OUTBOUND: z.stringbool().default(false),
    AI_TIMEOUT_SECONDS: z.coerce.number().positive().default(30),
    // Every request body but uploads: refused with 413 above this, before parsing.
    MAX_BODY_BYTES: z.coerce
      .number()
      .int()
      .positive()
      .default(1024 * 1024),
    // Documents and knowledge (README: Configuration).
    MAX_UPLOAD_BYTES: z.coerce
      .number()
      .int()
      .positive()
      .default(25 * 1024 * 1024),
    // Chat attachments (images and PDFs): larger uploads are refused with 413.
    MAX_ATTACHMENT_BYTES: z.coerce
      .number()
      .int()
      .positive()
      .default(10 * 1024 * 1024),
    DOCUMENT_MAX_PAGES: z.coerce.number().int().positive().default(2000),
    DOCUMENT_RETRY_BASE_SECONDS: z.coerce.number().int().min(0).default(10),
    DOCUMENT_SLICE_SECONDS: z.coerce.number().positive().default(20),
    // Webhook deliveries: the first retry's delay, doubled per attempt up to 4 h, for 24 h (docs/webhooks.md).
    WEBHOOK_RETRY_BASE_SECONDS: z.coerce.number().int().min(0).default(30),
    // Staff notification digests: how long a digest "minute" lasts (tests shorten it).
    DIGEST_MINUTE_SECONDS: z.coerce.number().positive().default(60),
    STORAGE_PROVIDER: z.enum(["r2", "s3"]).default("r2"),
    // Conversations (rooms) per slice of a tenant deletion; rows and stored objects go 20 times that.
    TENANT_DELETION_SLICE: z.coerce.number().int().positive().default(50),
    S3_ENDPOINT: z.string().url().optional(),
    S3_REGION: z.string().default("auto"),
    S3_BUCKET: z.string().optional(),
    S3_ACCESS_KEY_ID: z.string().optional(),
    S3_SECRET_ACCESS_KEY: z.string().optional(),
    OCR_PROVIDER: z.enum(["none", "textract"]).default("none"),
    TEXTRACT_REGION: z.string().optional(),
    TEXTRACT_ENDPOINT: z.string().url().optional(),
    TEXTRACT_ACCESS_KEY_ID: z.string().optional(),
    TEXTRACT_SECRET_ACCESS_KEY: z.string().optional(),
    TEXTRACT_FEATURES: z.string().default("TABLES,FORMS"),
    TEXTRACT_MAX_ATTEMPTS: z.coerce.number().int().positive().default(3),
    EMBEDDINGS_API_URL: z.string().url().optional(),
    EMBEDDINGS_API_KEY: z.string().optional(),
    EMBEDDINGS_MODEL: z.string().default("text-embedding-3-small"),
    EMBEDDINGS_DIMENSIONS: z.coerce.number().int().positive().optional(),
    // Channels (docs/channels.md): the Bot API's base URL, and the most a customer's file may weigh.
    TELEGRAM_API_BASE: z.string().url().default("https://api.telegram.org"),
    // Meta's Graph API hosts: graph.facebook.com (WhatsApp, Messenger, Instagram with Facebook Login)
    // and graph.instagram.com (Instagram with Instagram Login); tests point both at a local fake.
    META_GRAPH_BASE: z.string().url().default("https://graph.facebook.com"),
    INSTAGRAM_GRAPH_BASE: z.string().url().default("https://graph.instagram.com"),
    CHANNEL_MAX_MEDIA_BYTES: z.coerce
      .number()
      .int()
      .positive()
      .default(10 * 1024 * 1024),
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
    if (!local && !config.ENCRYPTION_KEY) {
      ctx.addIssue({
        code: "custom",
        path: ["ENCRYPTION_KEY"],
        message: "ENCRYPTION_KEY is required outside local dev",
      });
    }
    if (!local && config.DB_PROXY_URL) {
      ctx.addIssue({ code: "custom", path: ["DB_PROXY_URL"], message: "DB_PROXY_URL is for local dev only" });
    }
    for (const [name, needed] of [
      ["S3_BUCKET", config.STORAGE_PROVIDER === "s3"],
      ["S3_ACCESS_KEY_ID", config.STORAGE_PROVIDER === "s3"],
      ["S3_SECRET_ACCESS_KEY", config.STORAGE_PROVIDER === "s3"],
      ["TEXTRACT_REGION", config.OCR_PROVIDER === "textract"],
      ["TEXTRACT_ACCESS_KEY_ID", config.OCR_PROVIDER === "textract"],
      ["TEXTRACT_SECRET_ACCESS_KEY", config.OCR_PROVIDER === "textract"],
    ] as const) {
      if (needed && !config[name])
        ctx.addIssue({ code: "custom", path: [name], message: `${name} is required` });
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
    // Locally the JWT secret doubles as the encryption key when none is set (dev.ts sets both).
    ENCRYPTION_KEY: config.ENCRYPTION_KEY ?? config.JWT_SECRET ?? "",
    corsOrigins: config.CORS_ORIGINS.split(",")
      .map((origin) => origin.trim())
      .filter(Boolean),
  }));

export type Config = z.infer<typeof configSchema>;

// The Worker's Env is generated from wrangler.toml (`npm run types` writes src/worker-configuration.d.ts).
// The schema's other settings are secrets (`wrangler secret put`) or optional overrides that
// wrangler.toml does not name, so only this file knows them: each is a string when set.
type VarsInWranglerToml = "ENVIRONMENT" | "STORAGE_PREFIX" | "CORS_ORIGINS" | "EMAIL_PROVIDER";
type OtherSettings = Exclude<keyof z.input<typeof configSchema>, VarsInWranglerToml>;

declare global {
  namespace Cloudflare {
    interface Env extends Partial<Record<OtherSettings, string>> {}
  }
  // The Env src/ names: all of Cloudflare.Env (`env` from cloudflare:workers); *.jobs.ts type its queues.
  interface Env extends Cloudflare.Env {}
}

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
