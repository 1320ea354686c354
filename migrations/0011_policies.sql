CREATE TABLE "policies" (
	"id" uuid PRIMARY KEY NOT NULL,
	"tenant_id" uuid NOT NULL,
	"upload_id" uuid,
	"status" text NOT NULL,
	"source" text NOT NULL,
	"fields" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"issues" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"new_vehicle" boolean DEFAULT false NOT NULL,
	"product_line" text,
	"policy_number" text,
	"insurer" text,
	"product_type" text,
	"issue_date" date,
	"start_date" date,
	"expiry_date" date,
	"net_od" bigint,
	"tp_premium" bigint,
	"net_premium" bigint,
	"gst_amount" bigint,
	"total_premium" bigint,
	"customer_name" text,
	"mobile" text,
	"email" text,
	"vehicle_number" text,
	"make" text,
	"model" text,
	"variant" text,
	"fuel_type" text,
	"cc" integer,
	"manufacturing_year" integer,
	"engine_number" text,
	"chassis_number" text,
	"idv" bigint,
	"ncb_percent" integer,
	"previous_policy_number" text,
	"previous_insurer" text,
	"plan_name" text,
	"sum_insured" bigint,
	"members" jsonb,
	"executive" text,
	"ops_executive" text,
	"caller_name" text,
	"branch" text,
	"rollover" text,
	"remark" text,
	"brokerage" bigint,
	"cashback" bigint,
	"customer_paid" bigint,
	"customer_cheque_no" text,
	"our_cheque_no" text,
	"reviewed_by" uuid,
	"reviewed_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "policy_changes" (
	"id" uuid PRIMARY KEY NOT NULL,
	"tenant_id" uuid NOT NULL,
	"policy_id" uuid NOT NULL,
	"actor_kind" text NOT NULL,
	"actor_id" uuid,
	"field" text NOT NULL,
	"old_value" jsonb,
	"new_value" jsonb,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "policy_uploads" (
	"id" uuid PRIMARY KEY NOT NULL,
	"tenant_id" uuid NOT NULL,
	"filename" text NOT NULL,
	"size_bytes" bigint NOT NULL,
	"storage_key" text NOT NULL,
	"extras" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"status" text DEFAULT 'uploaded' NOT NULL,
	"generation" integer DEFAULT 1 NOT NULL,
	"pages_total" integer,
	"pages_done" integer DEFAULT 0 NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"reason" text,
	"uploaded_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "policies" ADD CONSTRAINT "policies_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "policies" ADD CONSTRAINT "policies_upload_id_policy_uploads_id_fk" FOREIGN KEY ("upload_id") REFERENCES "public"."policy_uploads"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "policies" ADD CONSTRAINT "policies_reviewed_by_users_id_fk" FOREIGN KEY ("reviewed_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "policy_changes" ADD CONSTRAINT "policy_changes_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "policy_changes" ADD CONSTRAINT "policy_changes_policy_id_policies_id_fk" FOREIGN KEY ("policy_id") REFERENCES "public"."policies"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "policy_uploads" ADD CONSTRAINT "policy_uploads_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "policy_uploads" ADD CONSTRAINT "policy_uploads_uploaded_by_users_id_fk" FOREIGN KEY ("uploaded_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "policies_tenant_id_created_at_index" ON "policies" USING btree ("tenant_id","created_at");--> statement-breakpoint
CREATE INDEX "policies_tenant_id_status_index" ON "policies" USING btree ("tenant_id","status");--> statement-breakpoint
CREATE INDEX "policies_tenant_id_insurer_policy_number_index" ON "policies" USING btree ("tenant_id","insurer","policy_number");--> statement-breakpoint
CREATE INDEX "policies_tenant_id_issue_date_index" ON "policies" USING btree ("tenant_id","issue_date");--> statement-breakpoint
CREATE UNIQUE INDEX "policies_upload_key" ON "policies" USING btree ("upload_id");--> statement-breakpoint
CREATE UNIQUE INDEX "policies_saved_number_key" ON "policies" USING btree ("tenant_id","insurer","policy_number") WHERE status = 'saved';--> statement-breakpoint
CREATE INDEX "policy_changes_policy_id_created_at_index" ON "policy_changes" USING btree ("policy_id","created_at");--> statement-breakpoint
CREATE INDEX "policy_uploads_tenant_id_created_at_index" ON "policy_uploads" USING btree ("tenant_id","created_at");