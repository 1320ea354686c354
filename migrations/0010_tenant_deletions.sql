CREATE TABLE "tenant_deletions" (
	"id" uuid PRIMARY KEY NOT NULL,
	"tenant_id" uuid NOT NULL,
	"tenant_name" text NOT NULL,
	"tenant_slug" text NOT NULL,
	"requested_by" uuid NOT NULL,
	"status" text DEFAULT 'running' NOT NULL,
	"step" text DEFAULT 'conversations' NOT NULL,
	"counts" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"slices" integer DEFAULT 0 NOT NULL,
	"last_error" text,
	"started_at" timestamp with time zone DEFAULT now() NOT NULL,
	"finished_at" timestamp with time zone,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "tenant_deletions_tenantId_unique" UNIQUE("tenant_id")
);
