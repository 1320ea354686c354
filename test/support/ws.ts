import { exports } from "cloudflare:workers";

export interface Frame {
  type: string;
  [key: string]: unknown;
}

/** A test WebSocket client: records every frame and lets a test await the one it expects. */
export interface WsClient {
  frames: Frame[];
  send(frame: unknown): void;
  sendRaw(data: string): void;
  /** Resolves with the first frame (counting from `from`) that matches, or rejects after `timeoutMs`. */
  next(match: (frame: Frame) => boolean, options?: { from?: number; timeoutMs?: number }): Promise<Frame>;
  /** Resolves once `count` frames match. */
  collect(match: (frame: Frame) => boolean, count: number, timeoutMs?: number): Promise<Frame[]>;
  close(): void;
  closed: Promise<{ code: number }>;
}

/** Opens a WebSocket through the Worker's fetch handler; returns the refusal response when not upgraded. */
export async function openSocket(path: string): Promise<WsClient | Response> {
  const response = await exports.default.fetch(
    new Request(`http://switchboard.test${path}`, { headers: { Upgrade: "websocket" } }),
  );
  const socket = response.webSocket;
  if (!socket) return response;
  socket.accept();
  const frames: Frame[] = [];
  const waiters = new Set<() => void>();
  let resolveClosed: (value: { code: number }) => void = () => {};
  const closed = new Promise<{ code: number }>((resolve) => {
    resolveClosed = resolve;
  });
  socket.addEventListener("message", (event) => {
    frames.push(JSON.parse(String(event.data)) as Frame);
    for (const wake of waiters) wake();
  });
  socket.addEventListener("close", (event) => {
    resolveClosed({ code: event.code });
    for (const wake of waiters) wake();
  });

  const waitFor = <T>(check: () => T | undefined, timeoutMs: number, what: string) =>
    new Promise<T>((resolve, reject) => {
      const wake = () => {
        const found = check();
        if (found === undefined) return;
        waiters.delete(wake);
        clearTimeout(timer);
        resolve(found);
      };
      const timer = setTimeout(() => {
        waiters.delete(wake);
        reject(new Error(`timed out waiting for ${what}; frames: ${JSON.stringify(frames.slice(-10))}`));
      }, timeoutMs);
      waiters.add(wake);
      wake();
    });

  return {
    frames,
    send: (frame) => socket.send(JSON.stringify(frame)),
    sendRaw: (data) => socket.send(data),
    next: (match, options = {}) =>
      waitFor(
        () => frames.slice(options.from ?? 0).find(match),
        options.timeoutMs ?? 5000,
        "a matching frame",
      ),
    collect: (match, count, timeoutMs = 5000) =>
      waitFor(
        () => {
          const found = frames.filter(match);
          return found.length >= count ? found : undefined;
        },
        timeoutMs,
        `${count} matching frames`,
      ),
    close: () => socket.close(1000, "done"),
    closed,
  };
}

/** Opens a socket that must be accepted. */
export async function mustOpen(path: string): Promise<WsClient> {
  const client = await openSocket(path);
  if (client instanceof Response) throw new Error(`upgrade refused: ${client.status} ${await client.text()}`);
  return client;
}

export const isType = (type: string) => (frame: Frame) => frame.type === type;

/** Matches a `message` frame from a sender of this kind. */
export const messageFrom = (kind: string) => (frame: Frame) =>
  frame.type === "message" && (frame.sender as { kind: string }).kind === kind;
