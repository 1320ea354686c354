CREATE TABLE "analytics_conversation_days" (
	"tenant_id" uuid NOT NULL,
	"day" text NOT NULL,
	"conversation_id" uuid NOT NULL,
	"channel" text,
	"agent" text,
	"first_at" timestamp with time zone NOT NULL,
	"started_at" timestamp with time zone,
	"ai" boolean NOT NULL,
	"answered" boolean NOT NULL,
	"handoff" boolean NOT NULL,
	"resolved_at" timestamp with time zone,
	"revoked_at" timestamp with time zone,
	"span_from" text NOT NULL,
	"span_to" text NOT NULL,
	CONSTRAINT "analytics_conversation_days_tenant_id_day_conversation_id_pk" PRIMARY KEY("tenant_id","day","conversation_id")
);
--> statement-breakpoint
ALTER TABLE "analytics_conversation_days" ADD CONSTRAINT "analytics_conversation_days_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "analytics_conversation_days_rate_scan_index" ON "analytics_conversation_days" USING btree ("tenant_id","day","span_from","span_to","conversation_id","ai","answered","handoff","resolved_at","revoked_at","started_at","first_at","channel","agent");--> statement-breakpoint
CREATE INDEX "analytics_conversation_days_tenant_id_conversation_id_index" ON "analytics_conversation_days" USING btree ("tenant_id","conversation_id");