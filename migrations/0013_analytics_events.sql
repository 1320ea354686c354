CREATE TABLE "analytics_events" (
	"id" uuid PRIMARY KEY NOT NULL,
	"tenant_id" uuid NOT NULL,
	"key" text NOT NULL,
	"conversation_id" uuid,
	"name" text NOT NULL,
	"actor" text NOT NULL,
	"channel" text,
	"agent_id" uuid,
	"user_id" uuid,
	"value_s" integer,
	"value_bh_s" integer,
	"dims" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "analytics_rollups" (
	"tenant_id" uuid NOT NULL,
	"metric" text NOT NULL,
	"dimension_type" text DEFAULT '' NOT NULL,
	"dimension" text DEFAULT '' NOT NULL,
	"day" text NOT NULL,
	"count" bigint DEFAULT 0 NOT NULL,
	"sum_value" bigint DEFAULT 0 NOT NULL,
	"sum_value_bh" bigint DEFAULT 0 NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "analytics_events" ADD CONSTRAINT "analytics_events_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "analytics_rollups" ADD CONSTRAINT "analytics_rollups_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "analytics_events_tenant_id_key_index" ON "analytics_events" USING btree ("tenant_id","key");--> statement-breakpoint
CREATE INDEX "analytics_events_tenant_id_name_at_index" ON "analytics_events" USING btree ("tenant_id","name","at");--> statement-breakpoint
CREATE INDEX "analytics_events_tenant_id_conversation_id_at_index" ON "analytics_events" USING btree ("tenant_id","conversation_id","at");--> statement-breakpoint
CREATE UNIQUE INDEX "analytics_rollups_tenant_id_metric_dimension_type_dimension_day_index" ON "analytics_rollups" USING btree ("tenant_id","metric","dimension_type","dimension","day");