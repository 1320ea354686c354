CREATE TABLE "dashboard_settings" (
	"tenant_id" uuid PRIMARY KEY NOT NULL,
	"brokerage_percent" double precision DEFAULT 15 NOT NULL,
	"rep_daily_cost" bigint DEFAULT 200000 NOT NULL,
	"expected_conversion" double precision DEFAULT 25 NOT NULL,
	"premium_growth" double precision DEFAULT 10 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "dashboard_settings" ADD CONSTRAINT "dashboard_settings_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;