CREATE TABLE "channel_messages" (
	"channel_id" uuid NOT NULL,
	"direction" text NOT NULL,
	"platform_id" text NOT NULL,
	"tenant_id" uuid NOT NULL,
	"conversation_id" uuid NOT NULL,
	"message_id" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "channel_messages_channel_id_direction_platform_id_pk" PRIMARY KEY("channel_id","direction","platform_id")
);
--> statement-breakpoint
CREATE TABLE "channels" (
	"id" uuid PRIMARY KEY NOT NULL,
	"tenant_id" uuid NOT NULL,
	"type" text NOT NULL,
	"name" text NOT NULL,
	"agent_id" uuid,
	"config_sealed" text NOT NULL,
	"webhook_token_sealed" text NOT NULL,
	"status" text DEFAULT 'active' NOT NULL,
	"last_verified_inbound_at" timestamp with time zone,
	"last_error_code" text,
	"last_error_at" timestamp with time zone,
	"dead_letters" integer DEFAULT 0 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "conversations" ADD COLUMN "channel_id" uuid;--> statement-breakpoint
ALTER TABLE "conversations" ADD COLUMN "channel_contact_ref" text;--> statement-breakpoint
ALTER TABLE "channel_messages" ADD CONSTRAINT "channel_messages_channel_id_channels_id_fk" FOREIGN KEY ("channel_id") REFERENCES "public"."channels"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "channels" ADD CONSTRAINT "channels_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "channels" ADD CONSTRAINT "channels_agent_id_agents_id_fk" FOREIGN KEY ("agent_id") REFERENCES "public"."agents"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "channel_messages_conversation_id_index" ON "channel_messages" USING btree ("conversation_id");--> statement-breakpoint
CREATE INDEX "channels_tenant_id_index" ON "channels" USING btree ("tenant_id");--> statement-breakpoint
CREATE UNIQUE INDEX "conversations_open_channel_contact_key" ON "conversations" USING btree ("channel_id","channel_contact_ref") WHERE "conversations"."channel_id" is not null and "conversations"."status" not in ('resolved', 'expired');