type Level = "debug" | "info" | "warn" | "error";

/** Writes one structured JSON line; the only place in src that touches the console. */
export function log(level: Level, message: string, fields: Record<string, unknown> = {}): void {
  const line = JSON.stringify({ level, message, time: new Date().toISOString(), ...fields });
  if (level === "error") console.error(line);
  else if (level === "warn") console.warn(line);
  else console.log(line);
}

/** The loggable shape of an unknown thrown value (message and stack, never request data). */
export function describeError(error: unknown): Record<string, unknown> {
  if (!(error instanceof Error)) return { error: String(error) };
  // drizzle wraps driver errors ("Failed query: …"): the cause says what actually went wrong.
  const cause = error.cause instanceof Error ? { cause: error.cause.message } : {};
  return { error: error.message, name: error.name, stack: error.stack, ...cause };
}
