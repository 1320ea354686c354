CREATE TABLE "policy_snapshot_outbox" (
	"policy_id" uuid PRIMARY KEY NOT NULL,
	"tenant_id" uuid NOT NULL,
	"version" integer NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"last_error" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "policies" ADD COLUMN "snapshot_version" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "policies" ADD COLUMN "snapshot_synced_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "policies" ADD COLUMN "snapshot_etag" text;--> statement-breakpoint
ALTER TABLE "policy_snapshot_outbox" ADD CONSTRAINT "policy_snapshot_outbox_policy_id_policies_id_fk" FOREIGN KEY ("policy_id") REFERENCES "public"."policies"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "policy_snapshot_outbox" ADD CONSTRAINT "policy_snapshot_outbox_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "policy_snapshot_outbox_updated_at_index" ON "policy_snapshot_outbox" USING btree ("updated_at");