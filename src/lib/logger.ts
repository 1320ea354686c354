type Level = "debug" | "info" | "warn" | "error";

/** No log line is longer than this (a line must never carry a batch of messages or a document). */
export const MAX_LOG_LINE = 2048;
const MAX_FIELD = 300;

/** Writes one structured JSON line; the only place in src that touches the console. */
export function log(level: Level, message: string, fields: Record<string, unknown> = {}): void {
  const line = boundedLine({ level, message, time: new Date().toISOString(), ...fields });
  if (level === "error") console.error(line);
  else if (level === "warn") console.warn(line);
  else console.log(line);
}

/** The JSON line, with long strings cut and, if still too long, only its scalar fields kept. */
function boundedLine(entry: Record<string, unknown>): string {
  const line = JSON.stringify(entry);
  if (line.length <= MAX_LOG_LINE) return line;
  // Level first, as every line starts (log filters match on it).
  const cut: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(entry)) {
    if (typeof value === "string")
      cut[key] = value.length > MAX_FIELD ? `${value.slice(0, MAX_FIELD)}…` : value;
    else if (typeof value === "number" || typeof value === "boolean" || value === null) cut[key] = value;
  }
  cut.truncated = true;
  const shorter = JSON.stringify(cut);
  if (shorter.length <= MAX_LOG_LINE) return shorter;
  const { level, message, time, requestId, tenantId, conversationId } = cut;
  return JSON.stringify({ level, message, time, requestId, tenantId, conversationId, truncated: true });
}

/**
 * The loggable shape of an unknown thrown value: its name, code and a short message, never request
 * data. A wrapped driver error ("Failed query: …" with every parameter) is described by its cause:
 * the wrapper's message and stack would repeat the query's values (message text, for one).
 */
export function describeError(error: unknown): Record<string, unknown> {
  if (!(error instanceof Error))
    return { error: typeof error === "string" ? error.slice(0, MAX_FIELD) : typeof error };
  const inner = error.cause instanceof Error ? error.cause : error;
  const code = (inner as { code?: unknown }).code;
  return {
    error: inner.message.slice(0, MAX_FIELD),
    name: inner.name,
    ...(typeof code === "string" || typeof code === "number" ? { code } : {}),
    // Frames only: the first line of a stack repeats the message.
    stack: inner.stack?.split("\n").slice(1, 8).join("\n"),
  };
}
