import type { Block, FeatureType, TextractClientConfig } from "@aws-sdk/client-textract";
import type { Config } from "../env";
import type { S3Location } from "./storage";
import { textFromBlocks } from "./textract-blocks";

/** Reads the text of one scanned page (a single-page PDF), or of a whole document kept in AWS S3. */
export interface Ocr {
  readonly name: "textract";
  readPage(singlePagePdf: Uint8Array): Promise<string>;
  /** AnalyzeDocument with QUERIES (and the configured FORMS/TABLES) on one page: Textract's blocks,
   * answers in QUERY → QUERY_RESULT. At most 15 queries (the synchronous per-page limit). */
  analyzePage(singlePagePdf: Uint8Array, queries: OcrQuery[]): Promise<Block[]>;
  /**
   * Starts reading a document in S3 (Textract's asynchronous API). `requestToken` makes it
   * idempotent: the same token gives the same job. With `queries` (at most 30, the asynchronous
   * per-page limit) the job is a StartDocumentAnalysis with QUERIES.
   */
  startDocument(location: S3Location, requestToken: string, queries?: OcrQuery[]): Promise<OcrJob>;
  /** The job's result: still running, or the text of every page (by page number). */
  documentResult(job: OcrJob): Promise<OcrJobResult>;
  /** The job's result as Textract's blocks (every page, NextToken pages followed), or still running. */
  documentBlocks(job: OcrJob): Promise<{ status: "running" } | { status: "done"; blocks: Block[] }>;
}

/** A Textract query; `Pages` must be ["*"] or ranges to reach past page 1 (Textract's default). */
export interface OcrQuery {
  Text: string;
  Alias: string;
  Pages: string[];
}

/** A started asynchronous job; `api` says which Get operation reads its result. */
export interface OcrJob {
  jobId: string;
  api: "analysis" | "text";
}

export type OcrJobResult = { status: "running" } | { status: "done"; pages: Map<number, string> };

/** An OCR failure; `retryable` is false when the document itself is the problem. */
export class OcrError extends Error {
  constructor(
    message: string,
    readonly retryable: boolean,
  ) {
    super(message);
    this.name = "OcrError";
  }
}

// Textract answers these for the document itself: retrying cannot help.
const DOCUMENT_ERRORS = new Set([
  "BadDocumentException",
  "UnsupportedDocumentException",
  "DocumentTooLargeException",
  "InvalidParameterException",
  // Asynchronous API: the object cannot be read (bucket, key, region or permissions), the job is gone.
  "InvalidS3ObjectException",
  "InvalidJobIdException",
  "IdempotentParameterMismatchException",
]);
// Blocks per Get call: the API's maximum, so a long document takes as few calls as possible.
const MAX_RESULTS = 1000;
const FEATURES = new Set<string>(["TABLES", "FORMS", "SIGNATURES", "LAYOUT"]);

/** The configured OCR provider, or null when pages without text cannot be read. */
export function createOcr(config: Config): Ocr | null {
  if (config.OCR_PROVIDER !== "textract") return null;
  const { TEXTRACT_REGION: region, TEXTRACT_ACCESS_KEY_ID: accessKeyId } = config;
  const secretAccessKey = config.TEXTRACT_SECRET_ACCESS_KEY;
  if (!region || !accessKeyId || !secretAccessKey) throw new Error("Textract is not configured");
  const clientConfig: TextractClientConfig = {
    region,
    credentials: { accessKeyId, secretAccessKey },
    maxAttempts: config.TEXTRACT_MAX_ATTEMPTS,
    ...(config.TEXTRACT_ENDPOINT ? { endpoint: config.TEXTRACT_ENDPOINT } : {}),
  };
  const features = config.TEXTRACT_FEATURES.split(",")
    .map((feature) => feature.trim().toUpperCase())
    .filter((feature): feature is FeatureType => FEATURES.has(feature));
  return textractOcr(clientConfig, features);
}

/**
 * Textract. Per page (synchronous): AnalyzeDocument when features are asked for, else
 * DetectDocumentText. Whole documents in S3 (asynchronous): StartDocumentAnalysis or
 * StartDocumentTextDetection, read back with the matching Get operation.
 */
export function textractOcr(clientConfig: TextractClientConfig, features: FeatureType[]): Ocr {
  // The SDK is loaded when a scanned page first needs it, not by every isolate that builds the adapter.
  const load = async () => {
    const sdk = await import("@aws-sdk/client-textract");
    client ??= new sdk.TextractClient(clientConfig);
    return { sdk, client };
  };
  let client: InstanceType<typeof import("@aws-sdk/client-textract").TextractClient> | undefined;
  return {
    name: "textract",
    async readPage(singlePagePdf) {
      const { sdk, client } = await load();
      const document = { Bytes: singlePagePdf };
      const output = await textract(() =>
        features.length > 0
          ? client.send(new sdk.AnalyzeDocumentCommand({ Document: document, FeatureTypes: features }))
          : client.send(new sdk.DetectDocumentTextCommand({ Document: document })),
      );
      return textFromBlocks(output.Blocks ?? []);
    },
    async analyzePage(singlePagePdf, queries) {
      const { sdk, client } = await load();
      const output = await textract(() =>
        client.send(
          new sdk.AnalyzeDocumentCommand({
            Document: { Bytes: singlePagePdf },
            FeatureTypes: ["QUERIES", ...features],
            QueriesConfig: { Queries: queries },
          }),
        ),
      );
      return output.Blocks ?? [];
    },
    async startDocument({ bucket, key }, requestToken, queries = []) {
      const { sdk, client } = await load();
      const input = {
        DocumentLocation: { S3Object: { Bucket: bucket, Name: key } },
        ClientRequestToken: requestToken,
      };
      const asked: FeatureType[] = queries.length > 0 ? ["QUERIES", ...features] : features;
      const api = asked.length > 0 ? "analysis" : "text";
      const { JobId: jobId } = await textract(() =>
        api === "analysis"
          ? client.send(
              new sdk.StartDocumentAnalysisCommand({
                ...input,
                FeatureTypes: asked,
                ...(queries.length > 0 ? { QueriesConfig: { Queries: queries } } : {}),
              }),
            )
          : client.send(new sdk.StartDocumentTextDetectionCommand(input)),
      );
      if (!jobId) throw new OcrError("Textract started no job (no JobId in its answer)", true);
      return { jobId, api };
    },
    async documentResult(job) {
      const result = await this.documentBlocks(job);
      if (result.status === "running") return result;
      const byPage = new Map<number, Block[]>();
      for (const block of result.blocks) {
        const page = block.Page ?? 1;
        const blocks = byPage.get(page);
        if (blocks) blocks.push(block);
        else byPage.set(page, [block]);
      }
      return {
        status: "done",
        pages: new Map([...byPage].map(([page, blocks]) => [page, textFromBlocks(blocks)])),
      };
    },
    async documentBlocks({ jobId, api }) {
      const { sdk, client } = await load();
      const blocks: Block[] = [];
      const warnings: string[] = [];
      let nextToken: string | undefined;
      do {
        const input = { JobId: jobId, MaxResults: MAX_RESULTS, NextToken: nextToken };
        const output = await textract(() =>
          api === "analysis"
            ? client.send(new sdk.GetDocumentAnalysisCommand(input))
            : client.send(new sdk.GetDocumentTextDetectionCommand(input)),
        );
        const status = output.JobStatus;
        if (status === "IN_PROGRESS") return { status: "running" };
        if (status === "FAILED") {
          throw new OcrError(
            `Textract job ${jobId} failed: ${output.StatusMessage ?? "no reason given"}`,
            false,
          );
        }
        if (status !== "SUCCEEDED" && status !== "PARTIAL_SUCCESS") {
          throw new OcrError(`Textract job ${jobId} answered an unknown status: ${status}`, true);
        }
        for (const warning of output.Warnings ?? []) {
          warnings.push(`${warning.ErrorCode ?? "warning"} on page(s) ${(warning.Pages ?? []).join(", ")}`);
        }
        blocks.push(...(output.Blocks ?? []));
        nextToken = output.NextToken;
      } while (nextToken);
      // Some pages were not read: the document would be incomplete without saying so.
      if (warnings.length > 0) {
        throw new OcrError(
          `Textract job ${jobId} read the document only partly: ${warnings.join("; ")}`,
          false,
        );
      }
      return { status: "done", blocks };
    },
  };
}

/** Runs a Textract call, turning its failures into OcrErrors that say whether a retry can help. */
async function textract<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    const name = error instanceof Error ? error.name : "Error";
    const message = error instanceof Error ? error.message : String(error);
    throw new OcrError(`Textract: ${name}: ${message}`, !DOCUMENT_ERRORS.has(name));
  }
}
