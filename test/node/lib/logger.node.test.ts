import { afterEach, describe, expect, it, vi } from "vitest";
import { describeError, log, MAX_LOG_LINE } from "../../../src/lib/logger";

const secret = "the visitor's message: my password is hunter2";

/** A driver error as drizzle wraps it: the wrapper's message repeats the query and its parameters. */
function wrappedQueryError(): Error {
  const cause = Object.assign(new Error('invalid byte sequence for encoding "UTF8": 0x00'), {
    code: "22021",
  });
  return new Error(`Failed query: insert into "messages" values ($1)\nparams: ${secret}`, { cause });
}

describe("logger", () => {
  afterEach(() => vi.restoreAllMocks());

  it("describes a wrapped query error by its cause's code and message, not the query's values", () => {
    const described = describeError(wrappedQueryError());
    expect(described).toMatchObject({
      code: "22021",
      error: 'invalid byte sequence for encoding "UTF8": 0x00',
    });
    expect(JSON.stringify(described)).not.toContain(secret);
  });

  it("never writes a line longer than 2 KB, keeping its ids", () => {
    const lines: string[] = [];
    vi.spyOn(console, "warn").mockImplementation((line: unknown) => void lines.push(String(line)));
    log("warn", "big", {
      conversationId: "c-1",
      blob: "x".repeat(70_000),
      nested: { text: "y".repeat(5000) },
    });
    log(
      "warn",
      "many",
      Object.fromEntries(Array.from({ length: 200 }, (_, i) => [`field${i}`, "z".repeat(100)])),
    );
    expect(lines).toHaveLength(2);
    for (const line of lines) {
      expect(line.length).toBeLessThanOrEqual(MAX_LOG_LINE);
      expect(line.startsWith('{"level":"warn"')).toBe(true);
    }
    expect(JSON.parse(lines[0] ?? "{}")).toMatchObject({
      message: "big",
      conversationId: "c-1",
      truncated: true,
    });
    expect(JSON.parse(lines[1] ?? "{}")).toMatchObject({ message: "many", truncated: true });
  });
});
