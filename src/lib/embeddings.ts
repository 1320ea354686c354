import { z } from "zod";
import type { Config } from "../env";

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

/** The configured OpenAI-compatible embeddings provider, or null when none is configured. */
export function createEmbeddings(config: Config): Embeddings | null {
  if (!config.EMBEDDINGS_API_URL) return null;
  return openAiEmbeddings({
    baseUrl: config.EMBEDDINGS_API_URL,
    apiKey: config.EMBEDDINGS_API_KEY,
    model: config.EMBEDDINGS_MODEL,
    dimensions: config.EMBEDDINGS_DIMENSIONS,
  });
}

/** `POST {baseUrl}/embeddings` as OpenAI defines it (works with any compatible server). */
export function openAiEmbeddings(opts: {
  baseUrl: string;
  apiKey?: string;
  model: string;
  dimensions?: number;
}): Embeddings {
  const url = `${opts.baseUrl.replace(/\/+$/, "")}/embeddings`;
  const embedBatch = async (input: string[]) => {
    let response: Response;
    try {
      response = await fetch(url, {
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
        signal: AbortSignal.timeout(TIMEOUT_MS),
      });
    } catch (error) {
      throw new EmbeddingsError(`embeddings provider unreachable: ${String(error)}`, true);
    }
    if (!response.ok) {
      const detail = (await response.text()).slice(0, 300);
      const retryable = response.status === 429 || response.status >= 500;
      throw new EmbeddingsError(`embeddings provider answered ${response.status}: ${detail}`, retryable);
    }
    const parsed = EmbeddingsResponse.safeParse(await response.json());
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

/** Unit length, so cosine similarity is a plain dot product in SQL. */
export function normalize(vector: number[]): number[] {
  const length = Math.sqrt(vector.reduce((sum, value) => sum + value * value, 0));
  return length === 0 ? vector : vector.map((value) => value / length);
}
