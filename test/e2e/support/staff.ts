// The tenant's side of an e2e test, over the app's public HTTP API and a real WebSocket (Node's own).
import { randomUUID } from "node:crypto";

export interface Frame {
  type: string;
  [key: string]: unknown;
}

export interface Staff {
  email: string;
  password: string;
  accessToken: string;
  tenantId: string;
  userId: string;
  /** Calls the API as this staff user; fails loudly unless the status is `status`. */
  call<T>(path: string, init: { method?: string; json?: unknown }, status: number): Promise<T>;
}

/** A random private address for CF-Connecting-IP, so per-IP auth rate limits never meet across tests. */
export const randomIp = () => `10.${[0, 0, 0].map(() => Math.floor(Math.random() * 250) + 1).join(".")}`;

async function request<T>(base: string, path: string, init: RequestInit, status: number): Promise<T> {
  const response = await fetch(`${base}${path}`, init);
  const text = await response.text();
  if (response.status !== status)
    throw new Error(`${init.method ?? "GET"} ${path}: expected ${status}, got ${response.status}: ${text}`);
  return (text ? JSON.parse(text) : null) as T;
}

/** Registers a fresh tenant and returns its admin as a staff client. */
export async function registerStaff(base: string): Promise<Staff> {
  const email = `e2e-${randomUUID().slice(0, 8)}@example.test`;
  const password = `pw-${randomUUID()}`;
  const session = await request<{ accessToken: string; user: { id: string; tenantId: string } }>(
    base,
    "/api/auth/register",
    {
      method: "POST",
      headers: { "content-type": "application/json", "CF-Connecting-IP": randomIp() },
      body: JSON.stringify({
        tenantName: `E2E ${email}`,
        name: "Staff",
        email,
        password,
      }),
    },
    201,
  );
  const call = <T>(path: string, init: { method?: string; json?: unknown }, status: number) =>
    request<T>(
      base,
      path,
      {
        method: init.method ?? (init.json === undefined ? "GET" : "POST"),
        headers: { authorization: `Bearer ${session.accessToken}`, "content-type": "application/json" },
        ...(init.json === undefined ? {} : { body: JSON.stringify(init.json) }),
      },
      status,
    );
  return {
    email,
    password,
    accessToken: session.accessToken,
    tenantId: session.user.tenantId,
    userId: session.user.id,
    call,
  };
}

/** A WebSocket client that records every frame and lets a test await the one it expects. */
export interface RoomClient {
  frames: Frame[];
  send(frame: unknown): void;
  next(match: (frame: Frame) => boolean, options?: { from?: number; timeoutMs?: number }): Promise<Frame>;
  close(): void;
}

/** Joins a conversation's room as staff (fresh ticket) and waits for `ready`. */
export async function joinRoom(
  base: string,
  staff: Staff,
  conversationId: string,
  after = 0,
): Promise<RoomClient> {
  const { url } = await staff.call<{ url: string }>(
    `/api/conversations/${conversationId}/ticket`,
    { method: "POST" },
    200,
  );
  const socket = new WebSocket(`${base.replace(/^http/, "ws")}${url}&after=${after}`);
  const frames: Frame[] = [];
  const waiters = new Set<() => void>();
  socket.addEventListener("message", (event) => {
    frames.push(JSON.parse(String(event.data)) as Frame);
    for (const wake of waiters) wake();
  });
  const next = (match: (frame: Frame) => boolean, options: { from?: number; timeoutMs?: number } = {}) =>
    new Promise<Frame>((resolve, reject) => {
      const wake = () => {
        const found = frames.slice(options.from ?? 0).find(match);
        if (!found) return;
        waiters.delete(wake);
        clearTimeout(timer);
        resolve(found);
      };
      const timer = setTimeout(() => {
        waiters.delete(wake);
        reject(new Error(`timed out waiting for a frame; last frames: ${JSON.stringify(frames.slice(-5))}`));
      }, options.timeoutMs ?? 5_000);
      waiters.add(wake);
      wake();
    });
  const client: RoomClient = {
    frames,
    send: (frame) => socket.send(JSON.stringify(frame)),
    next,
    close: () => socket.close(1000),
  };
  await next((frame) => frame.type === "ready", { timeoutMs: 10_000 });
  return client;
}
