import type { Role } from "../db/schema";

const ADMINS: readonly Role[] = ["PLATFORM_ADMIN", "TENANT_ADMIN"];
const EVERYONE: readonly Role[] = ["PLATFORM_ADMIN", "TENANT_ADMIN", "TENANT_USER"];

/** Which roles hold each permission. Routes declare the permission they need. */
export const permissions = {
  "platform:manage": ["PLATFORM_ADMIN"],
  "tenant:read": EVERYONE,
  "tenant:manage": ADMINS,
  "users:read": ADMINS,
  "users:manage": ADMINS,
  "api-keys:manage": ADMINS,
  "metrics:read": EVERYONE,
  "profile:read": EVERYONE,
  "conversations:read": EVERYONE,
  "conversations:write": EVERYONE,
  "conversations:delete": ADMINS,
  /** See what a room has not copied to Postgres yet, and the rows Postgres refused (dead letters). */
  "conversations:outbox": ADMINS,
  "widget-keys:manage": ADMINS,
  "contacts:read": EVERYONE,
  "contacts:write": EVERYONE,
  /** Erasing a contact removes all their conversations (a data-protection request). */
  "contacts:delete": ADMINS,
  "labels:read": EVERYONE,
  "labels:manage": ADMINS,
  "canned-responses:read": EVERYONE,
  "canned-responses:manage": EVERYONE,
  /** Messaging channels (WhatsApp, Messenger, Instagram, Telegram): connect, test, rotate, delete. */
  "channels:manage": ADMINS,
  "agents:read": EVERYONE,
  "agents:manage": ADMINS,
  "ai:chat": EVERYONE,
  "documents:read": EVERYONE,
  "documents:write": EVERYONE,
  "knowledge:manage": ADMINS,
  "actions:manage": ADMINS,
  "plans:read": EVERYONE,
  /** Approve or reject plans proposed by agents (REST, WebSocket, /chat/completion). */
  "plans:approve": ADMINS,
  /** Policy records: ops (TENANT_USER) upload, review and edit them; deleting one is for admins. */
  "policies:read": EVERYONE,
  "policies:write": EVERYONE,
  "policies:delete": ADMINS,
  /** The founder's dashboard (metrics, leaderboard) and its settings. */
  "dashboard:read": ADMINS,
  "dashboard:manage": ADMINS,
  /** Support analytics (the metric catalog and the /api/analytics reports). */
  "analytics:read": EVERYONE,
  /** Analytics dashboards and their widgets: everyone reads, admins manage. */
  "dashboards:read": EVERYONE,
  "dashboards:manage": ADMINS,
  /** Outbound webhooks: endpoints, their delivery logs and redelivery. */
  "webhooks:manage": ADMINS,
  /** Teams: everyone sees them (to assign to one); admins shape them. */
  "teams:read": EVERYONE,
  "teams:manage": ADMINS,
} as const satisfies Record<string, readonly Role[]>;

export type Permission = keyof typeof permissions;

export function hasPermission(role: Role, permission: Permission): boolean {
  return (permissions[permission] as readonly Role[]).includes(role);
}

/** Whether `actor` may hand out `role` (nobody below platform admin can mint platform admins). */
export function canGrant(actor: Role, role: Role): boolean {
  return actor === "PLATFORM_ADMIN" || role !== "PLATFORM_ADMIN";
}
