import type { Block, FeatureType, TextractClientConfig } from "@aws-sdk/client-textract";
import type { Config } from "../env";
import { textFromBlocks } from "./textract-blocks";

/** Reads the text of one scanned page (a single-page PDF). */
export interface Ocr {
  readonly name: "textract";
  readPage(singlePagePdf: Uint8Array): Promise<string>;
}

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
]);
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

/** Synchronous Textract per page: AnalyzeDocument when features are asked for, else DetectDocumentText. */
export function textractOcr(clientConfig: TextractClientConfig, features: FeatureType[]): Ocr {
  // The SDK is loaded when a scanned page first needs it, not by every isolate that builds the adapter.
  const sdk = () => import("@aws-sdk/client-textract");
  let client: InstanceType<Awaited<ReturnType<typeof sdk>>["TextractClient"]> | undefined;
  return {
    name: "textract",
    async readPage(singlePagePdf) {
      const { AnalyzeDocumentCommand, DetectDocumentTextCommand, TextractClient } = await sdk();
      client ??= new TextractClient(clientConfig);
      let blocks: Block[];
      try {
        const document = { Bytes: singlePagePdf };
        const output =
          features.length > 0
            ? await client.send(new AnalyzeDocumentCommand({ Document: document, FeatureTypes: features }))
            : await client.send(new DetectDocumentTextCommand({ Document: document }));
        blocks = output.Blocks ?? [];
      } catch (error) {
        const name = error instanceof Error ? error.name : "Error";
        const message = error instanceof Error ? error.message : String(error);
        throw new OcrError(`Textract: ${name}: ${message}`, !DOCUMENT_ERRORS.has(name));
      }
      return textFromBlocks(blocks);
    },
  };
}
