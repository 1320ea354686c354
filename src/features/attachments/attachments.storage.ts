import type { Storage } from "../../providers/storage";
import { tenantStoragePrefix } from "../tenants/tenant-deletion.jobs";

/** Where a conversation's files live: under the tenant's prefix, so tenant deletion removes them too. */
export const conversationFilesPrefix = (storagePrefix: string, tenantId: string, conversationId: string) =>
  `${tenantStoragePrefix(storagePrefix, tenantId)}attachments/${conversationId}/`;

/** Removes a conversation's stored files (its rows go with the conversation row). */
export async function deleteConversationFiles(
  storage: Storage,
  storagePrefix: string,
  tenantId: string,
  conversationId: string,
) {
  const prefix = conversationFilesPrefix(storagePrefix, tenantId, conversationId);
  for (;;) {
    const { keys, truncated } = await storage.list(prefix, 1000);
    await storage.delete(keys);
    if (!truncated || keys.length === 0) return;
  }
}
