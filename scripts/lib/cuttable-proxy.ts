import { connect, createServer, type Socket } from "node:net";

/**
 * A TCP proxy in front of the app that can fail like a real network: `mute()` silently drops everything
 * the server sends, `cut()` resets every connection and refuses new ones until `restore()`.
 */
export interface CuttableProxy {
  url: string;
  mute(): void;
  cut(): void;
  restore(): void;
  /** Resolves once `count` connections were refused since the last cut. */
  refused(count: number): Promise<void>;
  close(): Promise<void>;
}

export async function startCuttableProxy(target: string): Promise<CuttableProxy> {
  const { hostname, port } = new URL(target);
  const pairs = new Set<[Socket, Socket]>();
  let state: "open" | "muted" | "cut" = "open";
  let refusals = 0;
  const waiters = new Set<() => void>();

  const server = createServer((client) => {
    if (state === "cut") {
      refusals++;
      for (const wake of waiters) wake();
      client.resetAndDestroy();
      return;
    }
    const upstream = connect(Number(port), hostname);
    const pair: [Socket, Socket] = [client, upstream];
    pairs.add(pair);
    client.on("data", (chunk) => upstream.write(chunk));
    upstream.on("data", (chunk) => {
      if (state === "open") client.write(chunk);
    });
    const end = () => {
      pairs.delete(pair);
      client.destroy();
      upstream.destroy();
    };
    for (const socket of pair) {
      socket.on("close", end);
      socket.on("error", end);
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  if (address === null || typeof address === "string") throw new Error("proxy has no TCP address");

  return {
    url: `http://127.0.0.1:${address.port}`,
    mute: () => {
      state = "muted";
    },
    cut: () => {
      state = "cut";
      refusals = 0;
      for (const [client, upstream] of pairs) {
        client.resetAndDestroy();
        upstream.destroy();
      }
      pairs.clear();
    },
    restore: () => {
      state = "open";
    },
    refused: (count) =>
      new Promise<void>((resolve) => {
        const wake = () => {
          if (refusals < count) return;
          waiters.delete(wake);
          resolve();
        };
        waiters.add(wake);
        wake();
      }),
    close: async () => {
      for (const [client, upstream] of pairs) {
        client.destroy();
        upstream.destroy();
      }
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
