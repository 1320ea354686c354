// PGlite has ONE Postgres backend for all the connections its socket server accepts, and that server
// queues single messages: two connections' Parse/Bind/Execute/Sync sequences interleave on the shared
// unnamed statement and portal ("bind message supplies 1 parameters", "portal does not exist", rows
// of another query). This TCP front gives the backend to one connection at a time, from its first
// message until the backend is idle again outside a transaction (ReadyForQuery 'I' for every Sync or
// Query sent), so startup, an extended-protocol sequence or a BEGIN…COMMIT never mixes with another's.
import { connect, createServer, type Socket } from "node:net";

export interface PgliteGate {
  /** `127.0.0.1:PORT`, to use in place of the socket server's address. */
  address: string;
  close(): Promise<void>;
}

const SSL_REQUEST = 80877103;
const GSSENC_REQUEST = 80877104;
const CANCEL_REQUEST = 80877102;
const ROLLBACK = query("ROLLBACK");
const SYNC = Buffer.from([0x53, 0, 0, 0, 4]);

/** Starts the gate on a free loopback port in front of PGlite's socket server at `upstream` (`host:port`). */
export async function startPgliteGate(upstream: string): Promise<PgliteGate> {
  const turns = new Turns();
  const sockets = new Set<Socket>();
  const separator = upstream.lastIndexOf(":");
  const target = { host: upstream.slice(0, separator), port: Number(upstream.slice(separator + 1)) };
  const server = createServer((client) => {
    const backend = connect(target);
    for (const socket of [client, backend]) {
      sockets.add(socket);
      socket.once("close", () => sockets.delete(socket));
    }
    gate(client, backend, turns);
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const address = server.address();
  if (address === null || typeof address === "string") throw new Error("pglite gate has no TCP address");
  return {
    address: `127.0.0.1:${address.port}`,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** A first-come, first-served turn at the backend. */
class Turns {
  private holder: object | undefined;
  private readonly waiting: Array<{ who: object; go: () => void }> = [];

  take(who: object, go: () => void): void {
    if (this.holder === undefined) {
      this.holder = who;
      go();
    } else {
      this.waiting.push({ who, go });
    }
  }

  /** Ends `who`'s turn, or its wait for one. */
  give(who: object): void {
    if (this.holder !== who) {
      const index = this.waiting.findIndex((entry) => entry.who === who);
      if (index >= 0) this.waiting.splice(index, 1);
      return;
    }
    const next = this.waiting.shift();
    this.holder = next?.who;
    next?.go();
  }
}

function gate(client: Socket, backend: Socket, turns: Turns): void {
  const me = {};
  let startup = true;
  let holding = false;
  let waiting = false;
  let clientGone = false;
  /** Complete client messages waiting for our turn, and how many ReadyForQuery each one asks for. */
  let held: Array<{ message: Buffer; owes: number; last?: boolean }> = [];
  let owed = 0;
  let idle = true;
  /** An extended-query sequence (Parse, Bind, Execute…) was sent and its Sync not yet. */
  let open = false;

  client.setNoDelay(true);
  backend.setNoDelay(true);

  const release = () => {
    holding = false;
    waiting = false;
    turns.give(me);
  };

  const send = () => {
    for (const { message, owes, last } of held) {
      owed += owes;
      backend.write(message);
      if (last) backend.end();
    }
    held = [];
    settle();
  };

  const enqueue = (message: Buffer, owes: number, last = false) => {
    held.push({ message, owes, last });
    if (holding) return send();
    if (waiting) return;
    waiting = true;
    turns.take(me, () => {
      holding = true;
      waiting = false;
      send();
    });
  };

  // Gives the turn back once the backend owes us nothing and is idle outside a transaction. For a client
  // that went away mid-sequence or mid-transaction, the gate syncs and rolls back first: the next
  // connection must find the backend clean.
  const settle = () => {
    if (!holding || owed > 0 || held.length > 0) return;
    if (clientGone && (open || !idle)) {
      owed += 1;
      backend.write(open ? SYNC : ROLLBACK);
      open = false;
      return;
    }
    if (open || !idle) return;
    release();
    if (clientGone) backend.end();
  };

  // Not Postgres: drop the connection rather than guess where messages start.
  const guarded = (read: (chunk: Buffer) => void) => (chunk: Buffer) => {
    try {
      read(chunk);
    } catch {
      client.destroy();
      backend.destroy();
    }
  };

  const fromClient = messageReader(() => startup);
  client.on(
    "data",
    guarded((chunk) =>
      fromClient(chunk, (message) => {
        if (startup) {
          const code = message.readInt32BE(4);
          // PGlite speaks neither TLS nor GSS, and has no backend process a CancelRequest could signal.
          if (code === SSL_REQUEST || code === GSSENC_REQUEST) return void client.write("N");
          if (code === CANCEL_REQUEST) return void client.end();
          startup = false;
          return enqueue(message, 1);
        }
        const type = String.fromCharCode(message[0] ?? 0);
        if ("PBDECH".includes(type)) open = true;
        if (type === "S") open = false;
        // PGlite's socket server keeps a connection open after Terminate; closing it lets the driver's end() return.
        if (type === "X") return enqueue(message, 0, true);
        enqueue(message, type === "Q" || type === "S" || type === "F" ? 1 : 0);
      }),
    ),
  );

  const fromBackend = messageReader(() => false);
  backend.on(
    "data",
    guarded((chunk) => {
      if (!clientGone) client.write(chunk);
      fromBackend(chunk, (message) => {
        // ReadyForQuery: 'Z', length 5, status 'I' (idle), 'T' (in a transaction) or 'E' (in a failed one).
        if (message[0] !== 0x5a) return;
        owed -= 1;
        idle = message[5] === 0x49;
        settle();
      });
    }),
  );

  client.on("close", () => {
    clientGone = true;
    held = [];
    if (holding) settle();
    else {
      if (waiting) release();
      backend.destroy();
    }
  });
  client.on("error", () => client.destroy());
  backend.on("close", () => {
    client.destroy();
    // PGlite's socket server rolls back a transaction left open by a closed connection.
    if (holding || waiting) release();
  });
  backend.on("error", () => backend.destroy());
}

/**
 * Cuts a Postgres protocol stream into whole messages however it arrives in chunks. `untyped` says
 * whether the next message is a startup-phase one (length first, no type byte).
 */
export function messageReader(
  untyped: () => boolean,
): (chunk: Buffer, onMessage: (message: Buffer) => void) => void {
  let buffer: Buffer = Buffer.alloc(0);
  return (chunk, onMessage) => {
    buffer = buffer.length > 0 ? Buffer.concat([buffer, chunk]) : chunk;
    for (;;) {
      const lengthAt = untyped() ? 0 : 1;
      if (buffer.length < lengthAt + 4) return;
      const length = buffer.readInt32BE(lengthAt);
      if (length < 4) throw new Error(`not a Postgres protocol stream (message length ${length})`);
      const size = lengthAt + length;
      if (buffer.length < size) return;
      const message = buffer.subarray(0, size);
      buffer = buffer.subarray(size);
      onMessage(message);
    }
  };
}

function query(sql: string): Buffer {
  const text = Buffer.from(`${sql}\0`, "utf8");
  const header = Buffer.alloc(5);
  header.write("Q", 0, "latin1");
  header.writeInt32BE(text.length + 4, 1);
  return Buffer.concat([header, text]);
}
