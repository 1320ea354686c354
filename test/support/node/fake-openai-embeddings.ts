import type { FakeRequest, FakeResponse, FakeRoute } from "./fake-services.ts";

// OpenAI's `POST /v1/embeddings` (https://platform.openai.com/docs/api-reference/embeddings/create).
// Vectors are deterministic bags of concepts: words are stemmed crudely and mapped through a small
// synonym table before hashing, so "automobile" and "car" land together — enough semantics for tests
// to tell vector ranking apart from word matching.

const DEFAULT_DIMENSIONS = 64;
const MODELS = new Set(["text-embedding-3-small", "text-embedding-3-large", "text-embedding-ada-002"]);

const SYNONYMS: Record<string, string[]> = {
  vehicle: ["car", "automobile", "vehicle", "auto", "motor", "motorcar"],
  home: ["home", "house", "dwelling", "residence", "household"],
  flood: ["flood", "inundation", "deluge", "overflow"],
  money: ["refund", "reimbursement", "payout", "compensation", "money"],
  pet: ["dog", "puppy", "canine", "pet", "cat", "kitten"],
  theft: ["theft", "burglary", "stolen", "robbery", "steal"],
};
const CONCEPT = new Map(
  Object.entries(SYNONYMS).flatMap(([concept, words]) => words.map((w) => [w, concept])),
);
const STOP = new Set([
  "the",
  "a",
  "an",
  "of",
  "and",
  "or",
  "to",
  "in",
  "is",
  "are",
  "for",
  "on",
  "with",
  "by",
  "be",
  "it",
  "this",
  "that",
  "my",
  "our",
  "your",
  "what",
  "how",
  "does",
  "do",
]);

/** One input text the fake embedded, for tests that count provider calls. */
interface EmbeddedInput {
  text: string;
}

/** The embeddings endpoint under `/openai/v1` plus `GET /_test/embeddings/inputs?contains=`. */
export function openAiEmbeddingsRoutes(): FakeRoute[] {
  const inputs: EmbeddedInput[] = [];
  return [
    { method: "POST", path: "/openai/v1/embeddings", handle: (req) => embed(req, inputs) },
    {
      method: "GET",
      path: "/_test/embeddings/inputs",
      handle: (req) => {
        const needle = req.url.searchParams.get("contains") ?? "";
        return { status: 200, json: inputs.filter((input) => input.text.includes(needle)) };
      },
    },
  ];
}

function embed(req: FakeRequest, inputs: EmbeddedInput[]): FakeResponse {
  if (!/^Bearer \S+$/.test(String(req.headers.authorization ?? ""))) {
    return openAiError(401, "invalid_request_error", "You didn't provide an API key.");
  }
  let body: { model?: unknown; input?: unknown; dimensions?: unknown; encoding_format?: unknown };
  try {
    body = JSON.parse(req.body) as typeof body;
  } catch {
    return openAiError(400, "invalid_request_error", "We could not parse the JSON body of your request.");
  }
  if (typeof body.model !== "string" || !MODELS.has(body.model)) {
    return openAiError(404, "invalid_request_error", `The model \`${String(body.model)}\` does not exist`);
  }
  const texts = typeof body.input === "string" ? [body.input] : body.input;
  if (
    !Array.isArray(texts) ||
    texts.length === 0 ||
    texts.length > 2048 ||
    !texts.every((t) => typeof t === "string" && t !== "")
  ) {
    return openAiError(
      400,
      "invalid_request_error",
      "'input' must be a non-empty string or array of non-empty strings",
    );
  }
  const dimensions = typeof body.dimensions === "number" ? body.dimensions : DEFAULT_DIMENSIONS;
  const base64 = body.encoding_format === "base64";
  const data = texts.map((text: string, index: number) => {
    inputs.push({ text });
    const vector = vectorFor(text, dimensions);
    return {
      object: "embedding",
      index,
      embedding: base64 ? Buffer.from(new Float32Array(vector).buffer).toString("base64") : vector,
    };
  });
  const tokens = texts.reduce((sum: number, text: string) => sum + Math.ceil(text.length / 4), 0);
  return {
    status: 200,
    json: { object: "list", data, model: body.model, usage: { prompt_tokens: tokens, total_tokens: tokens } },
  };
}

function vectorFor(text: string, dimensions: number): number[] {
  const vector = new Array<number>(dimensions).fill(0);
  for (const raw of text.toLowerCase().match(/[a-z0-9]+/g) ?? []) {
    if (STOP.has(raw)) continue;
    const word = raw.replace(/(ing|ed|es|s)$/, "") || raw;
    const concept = CONCEPT.get(raw) ?? CONCEPT.get(word) ?? word;
    const hash = fnv1a(concept);
    // Concepts from the synonym table weigh more: they carry the meaning tests rely on.
    const weight = CONCEPT.has(raw) || CONCEPT.has(word) ? 3 : 1;
    vector[hash % dimensions] = (vector[hash % dimensions] ?? 0) + ((hash >>> 16) & 1 ? weight : -weight);
  }
  const length = Math.sqrt(vector.reduce((sum, value) => sum + value * value, 0)) || 1;
  return vector.map((value) => value / length);
}

function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash;
}

function openAiError(status: number, type: string, message: string): FakeResponse {
  return { status, json: { error: { message, type, param: null, code: null } } };
}
