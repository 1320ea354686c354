// Embedded PGlite (`npm run dev`'s database) has one backend for every connection. Its socket server
// interleaved connections message by message, so parallel parameterised queries got each other's
// statements and portals. The gate (scripts/lib/pglite-gate.ts) hands the backend to one connection
// at a time, from its first message until it is idle outside a transaction.
import { connect as netConnect } from "node:net";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { messageReader } from "../../scripts/lib/pglite-gate.ts";
import { type RunningPostgres, startPostgres } from "../../scripts/lib/postgres.ts";

let database: RunningPostgres;
const clients: pg.Client[] = [];

beforeAll(async () => {
  database = await startPostgres({ preferEmbedded: true });
});

afterAll(async () => {
  await Promise.all(clients.map((client) => client.end().catch(() => {})));
  await database?.stop();
});

async function connected(): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: database.url });
  clients.push(client);
  await client.connect();
  return client;
}

const message = (type: string, body: Buffer | number[]) => {
  const header = Buffer.alloc(5);
  header.write(type, 0, "latin1");
  header.writeInt32BE(body.length + 4, 1);
  return Buffer.concat([header, Buffer.from(body)]);
};
const cstrings = (...texts: string[]) => [...Buffer.from(texts.map((text) => `${text}\0`).join(""), "utf8")];
/** Bind of the unnamed statement to the unnamed portal with one text parameter. */
const bind = (value: string) => {
  const length = Buffer.alloc(4);
  length.writeInt32BE(Buffer.byteLength(value), 0);
  return message("B", [...cstrings("", ""), 0, 0, 0, 1, ...length, ...Buffer.from(value), 0, 0]);
};

interface RawConnection {
  send(...messages: Buffer[]): void;
  /** The backend's messages up to and including the next one of `type`. */
  until(type: string): Promise<Buffer[]>;
  close(): void;
}

/** A Postgres connection at the protocol level, so the test decides what reaches the backend when. */
async function rawConnection(): Promise<RawConnection> {
  const url = new URL(database.url);
  const socket = netConnect({ host: url.hostname, port: Number(url.port) });
  const received: Buffer[] = [];
  let wake = () => {};
  const read = messageReader(() => false);
  socket.on("data", (chunk: Buffer) =>
    read(chunk, (whole) => {
      received.push(Buffer.from(whole));
      wake();
    }),
  );
  const until = async (type: string) => {
    for (;;) {
      const index = received.findIndex((each) => each[0] === type.charCodeAt(0));
      if (index >= 0) return received.splice(0, index + 1);
      await new Promise<void>((resolve) => {
        wake = resolve;
      });
    }
  };
  const body = Buffer.from(cstrings("user", "postgres", "database", "postgres", ""));
  const startup = Buffer.alloc(8);
  startup.writeInt32BE(body.length + 8, 0);
  startup.writeInt32BE(196608, 4);
  socket.write(Buffer.concat([startup, body]));
  await until("Z");
  return {
    send: (...messages) => socket.write(Buffer.concat(messages)),
    until,
    close: () => socket.end(message("X", Buffer.alloc(0))),
  };
}

describe("the gate in front of embedded PGlite", () => {
  it("cuts the protocol stream into whole messages however it arrives", () => {
    const body = Buffer.from("user\0postgres\0database\0postgres\0\0", "latin1");
    const startup = Buffer.alloc(8);
    startup.writeInt32BE(body.length + 8, 0);
    startup.writeInt32BE(196608, 4);
    // A query whose text holds the bytes of a Terminate message.
    const tricky = message("Q", Buffer.from("select 'X\0\0\0\u0004'\0", "latin1"));
    const parts = [
      Buffer.concat([startup, body]),
      tricky,
      message("S", Buffer.alloc(0)),
      message("X", Buffer.alloc(0)),
    ];
    const stream = Buffer.concat(parts);
    for (const size of [1, 2, 3, 7, 64, stream.length]) {
      let first = true;
      const read = messageReader(() => first);
      const seen: string[] = [];
      for (let offset = 0; offset < stream.length; offset += size) {
        read(stream.subarray(offset, offset + size), (whole) => {
          first = false;
          seen.push(whole.toString("hex"));
        });
      }
      expect(seen, `chunks of ${size}`).toEqual(parts.map((part) => part.toString("hex")));
    }
    expect(() => messageReader(() => false)(Buffer.from([0x51, 0, 0, 0, 1]), () => {})).toThrow(/length 1/);
  });

  it("never lets another connection's Parse in between a connection's Parse and its Bind", async () => {
    const [first, second] = await Promise.all([rawConnection(), rawConnection()]);
    first.send(
      message("P", cstrings("", "select $1::int as n").concat([0, 0])),
      message("H", Buffer.alloc(0)),
    );
    await first.until("1");
    // The other connection replaces the unnamed statement of the one shared backend, unless it waits.
    second.send(message("P", cstrings("", "select 1 as n").concat([0, 0])), message("S", Buffer.alloc(0)));
    first.send(bind("41"), message("E", Buffer.from([0, 0, 0, 0, 0])), message("S", Buffer.alloc(0)));
    const answers = [await first.until("Z"), await second.until("Z")];
    // Message types, without ParameterStatus ('S'), which PGlite also sends after a Sync.
    const kinds = answers.map((messages) =>
      messages
        .map((each) => String.fromCharCode(each[0] ?? 0))
        .filter((type) => type !== "S")
        .join(""),
    );
    expect(kinds).toEqual(["2DCZ", "1Z"]);
    first.close();
    second.close();
  });

  it("keeps other connections out of a transaction until it commits", async () => {
    const [writer, reader] = await Promise.all([connected(), connected()]);
    await writer.query("create table if not exists gate_tx (n int)");
    await writer.query("begin");
    await writer.query("insert into gate_tx values ($1)", [1]);
    let readerDone = false;
    const read = reader.query("select count(*)::int as c from gate_tx").then(({ rows }) => {
      readerDone = true;
      return rows[0]?.c;
    });
    // The reader's query waits for the writer's turn to end, whatever the writer still does meanwhile.
    await writer.query("insert into gate_tx values ($1)", [2]);
    expect(readerDone).toBe(false);
    await writer.query("commit");
    expect(await read).toBe(2);
  });

  it("rolls back the transaction of a connection that went away, and serves the next one", async () => {
    const [quitter, next] = await Promise.all([connected(), connected()]);
    await quitter.query("create table if not exists gate_quit (n int)");
    await quitter.query("begin");
    await quitter.query("insert into gate_quit values (1)");
    const waiting = next.query("select count(*)::int as c from gate_quit");
    // Gone without COMMIT, ROLLBACK or Terminate, as a cancelled Worker request leaves it.
    quitter.on("error", () => {});
    (quitter as unknown as { connection: { stream: { destroy(): void } } }).connection.stream.destroy();
    expect((await waiting).rows).toEqual([{ c: 0 }]);
    expect((await next.query("select 1 as one")).rows).toEqual([{ one: 1 }]);
  });
});
