import { AppError } from "./errors";
import { errors } from "./responses";

/** The OpenAPI responses of a WebSocket route: refusals come before the upgrade, as JSON. */
export const upgradeResponses = {
  101: { description: "Switching protocols: frames as in docs/realtime.md" },
  ...errors(400, 401, 403, 404, 426),
};

/** A plain HTTP request to a WebSocket route is a 426. */
export function requireUpgrade(header: string | undefined): void {
  if (header?.toLowerCase() !== "websocket") {
    throw new AppError("upgrade_required", "Expected a WebSocket upgrade (Upgrade: websocket)");
  }
}
