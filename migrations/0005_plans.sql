CREATE TABLE "agent_actions" (
	"id" uuid PRIMARY KEY NOT NULL,
	"tenant_id" uuid NOT NULL,
	"agent_id" uuid NOT NULL,
	"name" text NOT NULL,
	"description" text DEFAULT '' NOT NULL,
	"base_url" text NOT NULL,
	"token_encrypted" text,
	"timeout_seconds" integer DEFAULT 10 NOT NULL,
	"operations" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "chat_plan_steps" (
	"id" uuid PRIMARY KEY NOT NULL,
	"plan_id" uuid NOT NULL,
	"tenant_id" uuid NOT NULL,
	"index" integer NOT NULL,
	"action_id" uuid NOT NULL,
	"operation" text NOT NULL,
	"method" text NOT NULL,
	"path" text NOT NULL,
	"arguments" jsonb NOT NULL,
	"why" text DEFAULT '' NOT NULL,
	"risk" text NOT NULL,
	"on_failure" text NOT NULL,
	"auto_run" boolean NOT NULL,
	"status" text NOT NULL,
	"request" jsonb,
	"response" jsonb,
	"error" text,
	"started_at" timestamp with time zone,
	"finished_at" timestamp with time zone,
	"duration_ms" integer
);
--> statement-breakpoint
CREATE TABLE "chat_plans" (
	"id" uuid PRIMARY KEY NOT NULL,
	"tenant_id" uuid NOT NULL,
	"conversation_id" uuid NOT NULL,
	"agent_id" uuid,
	"session_id" text,
	"status" text NOT NULL,
	"request" text NOT NULL,
	"summary" text DEFAULT '' NOT NULL,
	"requested_by" jsonb NOT NULL,
	"decided_by" jsonb,
	"decided_at" timestamp with time zone,
	"rejection_reason" text,
	"edits" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"result" text,
	"expires_at" timestamp with time zone NOT NULL,
	"started_at" timestamp with time zone,
	"finished_at" timestamp with time zone,
	"version" integer NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "chat_sessions" (
	"tenant_id" uuid NOT NULL,
	"id" text NOT NULL,
	"conversation_id" uuid NOT NULL,
	"agent_id" uuid,
	"user_id" text NOT NULL,
	"customer_user_id" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "chat_sessions_tenant_id_id_pk" PRIMARY KEY("tenant_id","id")
);
--> statement-breakpoint
CREATE TABLE "message_feedback" (
	"id" uuid PRIMARY KEY NOT NULL,
	"tenant_id" uuid NOT NULL,
	"message_id" uuid NOT NULL,
	"conversation_id" uuid NOT NULL,
	"rater_kind" text NOT NULL,
	"rater_id" text NOT NULL,
	"rating" text NOT NULL,
	"reasons" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"comment" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "plan_settings" (
	"tenant_id" uuid PRIMARY KEY NOT NULL,
	"auto_run" text DEFAULT 'none' NOT NULL,
	"approval_ttl_seconds" integer DEFAULT 900 NOT NULL,
	"default_agent_id" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "agent_actions" ADD CONSTRAINT "agent_actions_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "agent_actions" ADD CONSTRAINT "agent_actions_agent_id_agents_id_fk" FOREIGN KEY ("agent_id") REFERENCES "public"."agents"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "chat_plan_steps" ADD CONSTRAINT "chat_plan_steps_plan_id_chat_plans_id_fk" FOREIGN KEY ("plan_id") REFERENCES "public"."chat_plans"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "chat_plans" ADD CONSTRAINT "chat_plans_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "chat_plans" ADD CONSTRAINT "chat_plans_conversation_id_conversations_id_fk" FOREIGN KEY ("conversation_id") REFERENCES "public"."conversations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "chat_sessions" ADD CONSTRAINT "chat_sessions_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "chat_sessions" ADD CONSTRAINT "chat_sessions_conversation_id_conversations_id_fk" FOREIGN KEY ("conversation_id") REFERENCES "public"."conversations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "chat_sessions" ADD CONSTRAINT "chat_sessions_agent_id_agents_id_fk" FOREIGN KEY ("agent_id") REFERENCES "public"."agents"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "message_feedback" ADD CONSTRAINT "message_feedback_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "message_feedback" ADD CONSTRAINT "message_feedback_message_id_messages_id_fk" FOREIGN KEY ("message_id") REFERENCES "public"."messages"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "plan_settings" ADD CONSTRAINT "plan_settings_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "plan_settings" ADD CONSTRAINT "plan_settings_default_agent_id_agents_id_fk" FOREIGN KEY ("default_agent_id") REFERENCES "public"."agents"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "agent_actions_tenant_id_index" ON "agent_actions" USING btree ("tenant_id");--> statement-breakpoint
CREATE UNIQUE INDEX "agent_actions_agent_name_key" ON "agent_actions" USING btree ("agent_id","name");--> statement-breakpoint
CREATE UNIQUE INDEX "chat_plan_steps_plan_index_key" ON "chat_plan_steps" USING btree ("plan_id","index");--> statement-breakpoint
CREATE INDEX "chat_plan_steps_tenant_id_index" ON "chat_plan_steps" USING btree ("tenant_id");--> statement-breakpoint
CREATE INDEX "chat_plans_tenant_id_conversation_id_created_at_index" ON "chat_plans" USING btree ("tenant_id","conversation_id","created_at");--> statement-breakpoint
CREATE INDEX "chat_plans_tenant_id_session_id_index" ON "chat_plans" USING btree ("tenant_id","session_id");--> statement-breakpoint
CREATE UNIQUE INDEX "message_feedback_rater_key" ON "message_feedback" USING btree ("message_id","rater_kind","rater_id");--> statement-breakpoint
CREATE INDEX "message_feedback_tenant_id_rating_index" ON "message_feedback" USING btree ("tenant_id","rating");