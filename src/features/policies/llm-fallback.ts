import { z } from "zod";
import type { Database } from "../../db/client";
import type { Config } from "../../env";
import { describeError, log } from "../../lib/logger";
import { text } from "../../lib/text";
import { streamChat } from "../../providers/ai-chat";
import { loadAgentContext, usesModel } from "../ai/answer";
import { monthlyBudget, recordUsage } from "../ai/usage";
import type { TextPage } from "./extract";
import { parseDate } from "./extract/parse-date";
import { parseAmount } from "./extract/parse-money";
import { parseEmail, parseMobile, parseNcb, parsePolicyNumber } from "./extract/parse-text";
import { parseCc, parseIdentifier, parsePlate, parseYear } from "./extract/parse-vehicle";
import type { Parser } from "./extract/parsed";
import type { StoredFields } from "./policy-fields";

/** How sure a model answer is taken to be: below the review threshold, so a human always looks. */
export const LLM_CONFIDENCE = 0.7;
// The model sees at most this much of the document.
const MAX_PROMPT_CHARS = 24_000;

const asPrinted: Parser<string> = (raw) => (raw.trim() ? { value: raw.trim(), score: 1 } : null);
const plate: Parser<string> = (raw) => {
  const parsed = parsePlate(raw);
  return parsed?.value.kind === "plate" ? { value: parsed.value.plate, score: parsed.score } : null;
};

/** The fields a model may be asked for, each with the parser its printed answer must pass. */
const ASKABLE: Record<string, Parser<unknown>> = {
  policyNumber: parsePolicyNumber,
  customerName: asPrinted,
  productType: asPrinted,
  issueDate: parseDate,
  startDate: parseDate,
  expiryDate: parseDate,
  netPremium: parseAmount,
  gstAmount: parseAmount,
  totalPremium: parseAmount,
  mobile: parseMobile,
  email: parseEmail,
  vehicleNumber: plate,
  make: asPrinted,
  model: asPrinted,
  cc: parseCc,
  manufacturingYear: parseYear,
  engineNumber: parseIdentifier,
  chassisNumber: parseIdentifier,
  idv: parseAmount,
  ncbPercent: parseNcb,
  planName: asPrinted,
  sumInsured: parseAmount,
};

const squash = (value: string) => value.toLowerCase().replace(/[\s,.\-/]+/g, "");

/** Each page's text in reading order (rows top to bottom, left to right). */
function pageTexts(pages: TextPage[]): Array<{ page: number; text: string }> {
  return pages.map((page) => {
    const items = [...page.items].sort((a, b) => (Math.abs(a.y - b.y) < 2 ? a.x - b.x : a.y - b.y));
    let text = "";
    let lastY: number | null = null;
    for (const item of items) {
      if (lastY !== null) text += Math.abs(item.y - lastY) < 2 ? " " : "\n";
      text += item.str;
      lastY = item.y;
    }
    return { page: page.page, text };
  });
}

export interface LlmDeps {
  db: Database;
  config: Config;
}

/** Asks the tenant's model (when one is configured) for the fields the rules did not find or found
 * unsure, as JSON-schema structured output over the page text. An answer is kept only when it is
 * printed in the document (compared without spaces and punctuation) and its parser reads it; it never
 * replaces a value the rules found with at least LLM_CONFIDENCE, and is marked source `llm`. The
 * call's tokens are recorded as AI usage. Without a provider, with the month's token budget spent, or
 * when the model fails, the fields are returned unchanged. */
export async function fillFromModel(
  deps: LlmDeps,
  tenantId: string,
  pages: TextPage[],
  fields: StoredFields,
): Promise<{ fields: StoredFields; asked: number; kept: number; refused: number }> {
  // Missing, or found less sure than a model answer counts; a surer rule value is never replaced.
  const wanted = Object.keys(ASKABLE).filter((name) => (fields[name]?.confidence ?? 0) < LLM_CONFIDENCE);
  const unchanged = { fields, asked: 0, kept: 0, refused: 0 };
  if (wanted.length === 0) return unchanged;
  const ctx = await loadAgentContext(deps, tenantId);
  if (!usesModel(ctx) || !ctx.model) return unchanged;
  const texts = pageTexts(pages).filter((page) => page.text.trim());
  if (texts.length === 0) return unchanged;
  // A spent monthly token budget stops these calls as it stops replies.
  const { used, budget } = await monthlyBudget(deps.db, tenantId);
  if (budget !== null && used >= budget) return unchanged;
  const document = texts
    .map((page) => `--- page ${page.page} ---\n${page.text}`)
    .join("\n")
    .slice(0, MAX_PROMPT_CHARS);
  const schema = {
    type: "object",
    additionalProperties: false,
    required: wanted,
    properties: Object.fromEntries(wanted.map((name) => [name, { type: ["string", "null"] }])),
  };
  let result: Awaited<ReturnType<typeof streamChat>>;
  const started = Date.now();
  try {
    result = await streamChat(
      {
        model: ctx.model,
        apiKey: ctx.apiKey ?? "none",
        allowPrivate: deps.config.ALLOW_PRIVATE_OUTBOUND,
        timeoutMs: deps.config.AI_TIMEOUT_SECONDS * 1000,
      },
      [
        {
          role: "system",
          content:
            "You read Indian insurance policy schedules. For each requested field, copy its value exactly as printed in the document, or null when it is not printed. Never guess, compute or complete a value.",
        },
        { role: "user", content: `Fields: ${wanted.join(", ")}\n\nDocument:\n${document}` },
      ],
      { jsonSchema: { name: "policy_fields", schema } },
    );
  } catch (error) {
    log("warn", "policy llm fallback failed", { tenantId, ...describeError(error) });
    return unchanged;
  }
  // Tokens spent count whatever the answer is worth.
  await recordUsage(deps.db, {
    tenantId,
    agentId: null,
    model: ctx.model.model,
    ...result.usage,
    latencyMs: Date.now() - started,
  });
  const parsed = z.record(text(), text().nullable()).safeParse(safeJson(result.text));
  if (!parsed.success) {
    log("warn", "policy llm fallback answered no JSON object", { tenantId });
    return { ...unchanged, asked: wanted.length };
  }
  const next: StoredFields = { ...fields };
  let kept = 0;
  let refused = 0;
  for (const name of wanted) {
    const printed = parsed.data[name];
    if (printed === null || printed === undefined || !printed.trim()) continue;
    const where = texts.find((page) => squash(page.text).includes(squash(printed)));
    const reading = where ? ASKABLE[name]?.(printed) : null;
    if (!where || !reading) {
      refused++;
      continue;
    }
    next[name] = { value: reading.value, confidence: LLM_CONFIDENCE, source: "llm", page: where.page };
    kept++;
  }
  log("info", "policy llm fallback", { tenantId, asked: wanted.length, kept, refused });
  return { fields: next, asked: wanted.length, kept, refused };
}

function safeJson(raw: string): unknown {
  try {
    return JSON.parse(raw) as unknown;
  } catch {
    return null;
  }
}
