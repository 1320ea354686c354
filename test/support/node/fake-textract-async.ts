import { randomUUID } from "node:crypto";
import type { FakeObjects } from "./fake-s3.ts";
import type { FakeResponse } from "./fake-services.ts";
import type { TextractCall } from "./fake-textract.ts";

// Textract's asynchronous API (StartDocumentAnalysis / StartDocumentTextDetection, then
// GetDocumentAnalysis / GetDocumentTextDetection): the document is read from S3 — here the fake S3's
// memory, so a wrong bucket or key fails as it would on AWS. A job answers IN_PROGRESS to its first
// Get and is finished from the second on; results come a few blocks per response, with NextToken.

/** What reading one page of a PDF gave: its blocks, or why the page could not be read. */
export interface ReadPage {
  blocks: Array<{ Page?: number }>;
  fixture: string | null;
  tag: string | null;
  /** The whole job fails with this message. */
  failure?: string;
  /** Textract skips the page and reports it in Warnings (the job ends PARTIAL_SUCCESS). */
  unreadable?: boolean;
}

/** A query as StartDocumentAnalysis takes it (`QueriesConfig.Queries[]`). */
export interface AsyncQuery {
  Text?: string;
  Alias?: string;
  Pages?: string[];
}

type ReadDocument = (pdf: Buffer, features: string[], queries: AsyncQuery[]) => Promise<ReadPage[] | string>;
type QueriesProblem = (queries: AsyncQuery[], max: number) => string | null;

interface Job {
  id: string;
  kind: "analysis" | "text";
  token: string | undefined;
  location: string;
  pages: ReadPage[];
  gets: number;
}

// Small on purpose: a test document's results span several responses.
const BLOCKS_PER_RESPONSE = 25;
const KIND = {
  StartDocumentAnalysis: "analysis",
  GetDocumentAnalysis: "analysis",
  StartDocumentTextDetection: "text",
  GetDocumentTextDetection: "text",
} as const;

export const ASYNC_OPERATIONS = Object.keys(KIND);

interface AsyncInput {
  DocumentLocation?: { S3Object?: { Bucket?: string; Name?: string; Version?: string } };
  FeatureTypes?: string[];
  QueriesConfig?: { Queries?: AsyncQuery[] };
  ClientRequestToken?: string;
  JobId?: string;
  MaxResults?: number;
  NextToken?: string;
}

/** Start and Get operations over jobs kept in memory; every call is recorded in `calls`. */
export function textractJobs(
  objects: FakeObjects,
  read: ReadDocument,
  calls: TextractCall[],
  queriesProblem: QueriesProblem,
) {
  const jobs = new Map<string, Job>();

  async function start(operation: keyof typeof KIND, input: AsyncInput): Promise<FakeResponse> {
    const features = input.FeatureTypes ?? [];
    if (operation === "StartDocumentAnalysis" && features.length === 0) {
      return awsError(400, "InvalidParameterException", "FeatureTypes is required");
    }
    // The asynchronous API takes up to 30 queries per page (15 synchronously).
    const queries = features.includes("QUERIES") ? (input.QueriesConfig?.Queries ?? []) : [];
    const badQueries = features.includes("QUERIES") ? queriesProblem(queries, 30) : null;
    if (badQueries) return awsError(400, "InvalidParameterException", badQueries);
    const { Bucket: bucket, Name: key } = input.DocumentLocation?.S3Object ?? {};
    if (!bucket || !key)
      return awsError(400, "InvalidParameterException", "DocumentLocation.S3Object is required");
    const token = input.ClientRequestToken;
    if (token !== undefined && !/^[a-zA-Z0-9-_]{1,64}$/.test(token)) {
      return awsError(400, "InvalidParameterException", "ClientRequestToken is not valid");
    }
    const location = `${bucket}/${key}`;
    // The same token within the idempotency window gives the same job (and must name the same document).
    const earlier = token ? [...jobs.values()].find((job) => job.token === token) : undefined;
    if (earlier) {
      if (earlier.location !== location || earlier.kind !== KIND[operation]) {
        return awsError(
          400,
          "IdempotentParameterMismatchException",
          "ClientRequestToken was used with other parameters",
        );
      }
      record(operation, features, earlier, queries);
      return { status: 200, json: { JobId: earlier.id } };
    }
    const object = objects.get(bucket)?.get(key);
    if (!object) {
      return awsError(
        400,
        "InvalidS3ObjectException",
        "Unable to get object metadata from S3. Check object key, region and/or access permissions.",
      );
    }
    if (!object.bytes.subarray(0, 5).toString("latin1").startsWith("%PDF-")) {
      return awsError(400, "UnsupportedDocumentException", "Request has unsupported document format");
    }
    const pages = await read(object.bytes, KIND[operation] === "analysis" ? features : [], queries);
    if (typeof pages === "string") return awsError(400, "UnsupportedDocumentException", pages);
    const job: Job = {
      id: randomUUID().replace(/-/g, ""),
      kind: KIND[operation],
      token,
      location,
      pages,
      gets: 0,
    };
    jobs.set(job.id, job);
    record(operation, features, job, queries);
    return { status: 200, json: { JobId: job.id } };
  }

  function get(operation: keyof typeof KIND, input: AsyncInput): FakeResponse {
    const job = input.JobId ? jobs.get(input.JobId) : undefined;
    if (!job || job.kind !== KIND[operation])
      return awsError(400, "InvalidJobIdException", "An invalid job identifier was passed.");
    const maxResults = input.MaxResults ?? 1000;
    if (!Number.isInteger(maxResults) || maxResults < 1 || maxResults > 1000) {
      return awsError(400, "InvalidParameterException", "MaxResults must be between 1 and 1000");
    }
    record(operation, [], job);
    job.gets += 1;
    const model = job.kind === "analysis" ? "AnalyzeDocumentModelVersion" : "DetectDocumentTextModelVersion";
    if (job.gets === 1) return { status: 200, json: { JobStatus: "IN_PROGRESS", [model]: "1.0" } };
    const failure = job.pages.find((page) => page.failure)?.failure;
    if (failure)
      return { status: 200, json: { JobStatus: "FAILED", StatusMessage: failure, [model]: "1.0" } };

    const blocks = job.pages.flatMap((page) => page.blocks);
    const offset = input.NextToken ? decodeToken(input.NextToken, job.id) : 0;
    if (offset === null) return awsError(400, "InvalidParameterException", "NextToken is not valid");
    const size = Math.min(maxResults, BLOCKS_PER_RESPONSE);
    const end = offset + size;
    const unreadable = job.pages.flatMap((page, index) => (page.unreadable ? [index + 1] : []));
    return {
      status: 200,
      json: {
        JobStatus: unreadable.length > 0 ? "PARTIAL_SUCCESS" : "SUCCEEDED",
        DocumentMetadata: { Pages: job.pages.length },
        Blocks: blocks.slice(offset, end),
        ...(end < blocks.length ? { NextToken: encodeToken(job.id, end) } : {}),
        ...(unreadable.length > 0 ? { Warnings: [{ ErrorCode: "UNREADABLE_PAGE", Pages: unreadable }] } : {}),
        [model]: "1.0",
      },
    };
  }

  function record(operation: string, features: string[], job: Job, queries: AsyncQuery[] = []) {
    const marked = job.pages.find((page) => page.fixture);
    calls.push({
      target: operation,
      features,
      fixture: marked?.fixture ?? null,
      tag: marked?.tag ?? null,
      ...(features.includes("QUERIES")
        ? { queries: queries.map((query) => ({ alias: query.Alias ?? null, pages: query.Pages ?? null })) }
        : {}),
    });
  }

  return { start, get };
}

const encodeToken = (jobId: string, offset: number) => Buffer.from(`${jobId}:${offset}`).toString("base64");

function decodeToken(token: string, jobId: string): number | null {
  const [id, offset] = Buffer.from(token, "base64").toString("utf8").split(":");
  const parsed = Number(offset);
  return id === jobId && Number.isInteger(parsed) && parsed > 0 ? parsed : null;
}

function awsError(status: number, type: string, message: string): FakeResponse {
  return { status, json: { __type: type, message } };
}
