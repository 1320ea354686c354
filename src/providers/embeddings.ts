import { z } from "zod";
import type { Config } from "../env";
import { AppError } from "../lib/errors";
import { OutboundError, outboundFetch } from "./outbound";

/** Turns texts into unit-length vectors (same order as the input). */
export interface Embeddings {
  readonly model: string;
  embed(texts: string[]): Promise<number[][]>;
}

/** A provider failure; `retryable` is false for answers that will not change on a retry. */
export class EmbeddingsError extends Error {
  constructor(
    message: string,
    readonly retryable: boolean,
  ) {
    super(message);
    this.name = "EmbeddingsError";
  }
}

const EmbeddingsResponse = z.object({
  data: z.array(z.object({ index: z.number().int().min(0), embedding: z.array(z.number()) })),
});

// OpenAI accepts up to 2048 inputs per call; smaller batches keep one request well under its limits.
const BATCH_SIZE = 64;
const TIMEOUT_MS = 30_000;
// 64 vectors of 3,072 floats as JSON text is about 4 MB.
const MAX_RESPONSE_BYTES = 16 * 1024 * 1024;

/** The configured OpenAI-compatible embeddings provider, or null when none is configured. */
export function createEmbeddings(config: Config): Embeddings | null {
  if (!config.EMBEDDINGS_API_URL) return null;
  return openAiEmbeddings({
    baseUrl: config.EMBEDDINGS_API_URL,
    apiKey: config.EMBEDDINGS_API_KEY,
    model: config.EMBEDDINGS_MODEL,
    dimensions: config.EMBEDDINGS_DIMENSIONS,
    allowPrivate: config.ALLOW_PRIVATE_OUTBOUND,
  });
}

/** `POST {baseUrl}/embeddings` as OpenAI defines it (works with any compatible server). */
export function openAiEmbeddings(opts: {
  baseUrl: string;
  apiKey?: string;
  model: string;
  dimensions?: number;
  /** ALLOW_PRIVATE_OUTBOUND: the URL goes through the outbound rules like every configured URL. */
  allowPrivate: boolean;
}): Embeddings {
  const url = `${opts.baseUrl.replace(/\/+$/, "")}/embeddings`;
  const embedBatch = async (input: string[]) => {
    let response: Response;
    let body: string;
    try {
      response = await outboundFetch(
        url,
        {
          method: "POST",
          headers: {
            "Content-Type": "application/json",
            ...(opts.apiKey ? { Authorization: `Bearer ${opts.apiKey}` } : {}),
          },
          body: JSON.stringify({
            model: opts.model,
            input,
            encoding_format: "float",
            ...(opts.dimensions ? { dimensions: opts.dimensions } : {}),
          }),
        },
        {
          allowPrivate: opts.allowPrivate,
          timeoutMs: TIMEOUT_MS,
          maxBytes: MAX_RESPONSE_BYTES,
          service: "The embeddings provider",
        },
      );
      body = await response.text();
    } catch (error) {
      // A refused URL or redirect will be refused again; a timeout or an outage may pass.
      const retryable =
        error instanceof OutboundError
          ? error.kind === "timeout" || error.kind === "network"
          : !(error instanceof AppError);
      const reason = error instanceof Error ? error.message : String(error);
      throw new EmbeddingsError(`embeddings provider call failed: ${reason}`, retryable);
    }
    if (!response.ok) {
      const detail = body.slice(0, 300);
      const retryable = response.status === 429 || response.status >= 500;
      throw new EmbeddingsError(`embeddings provider answered ${response.status}: ${detail}`, retryable);
    }
    const parsed = EmbeddingsResponse.safeParse(parseJson(body));
    if (!parsed.success || parsed.data.data.length !== input.length) {
      throw new EmbeddingsError("embeddings provider sent an unexpected response", true);
    }
    return [...parsed.data.data].sort((a, b) => a.index - b.index).map((item) => normalize(item.embedding));
  };
  return {
    model: opts.model,
    async embed(texts) {
      const vectors: number[][] = [];
      for (let start = 0; start < texts.length; start += BATCH_SIZE) {
        vectors.push(...(await embedBatch(texts.slice(start, start + BATCH_SIZE))));
      }
      return vectors;
    },
  };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

/** Unit length, so cosine similarity is a plain dot product in SQL. */
export function normalize(vector: number[]): number[] {
  const length = Math.sqrt(vector.reduce((sum, value) => sum + value * value, 0));
  return length === 0 ? vector : vector.map((value) => value / length);
}
