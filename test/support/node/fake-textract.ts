import { randomUUID } from "node:crypto";
import { constants, inflateSync } from "node:zlib";
import { PDFDocument } from "pdf-lib";
import type { FakeObjects } from "./fake-s3.ts";
import type { FakeRequest, FakeResponse, FakeRoute } from "./fake-services.ts";
import { ASYNC_OPERATIONS, type ReadPage, textractJobs } from "./fake-textract-async.ts";

// AWS Textract's JSON 1.1 API (https://docs.aws.amazon.com/textract/latest/dg/API_Reference.html):
// POST / with `X-Amz-Target: Textract.DetectDocumentText | Textract.AnalyzeDocument`, SigV4-signed,
// `Document.Bytes` base64; the asynchronous Start*/Get* operations are in fake-textract-async.ts. It cannot really read pixels: a test "scan" carries its page's identity in
// the first pixel row of its image (`fixture:<name>:<tag>`), and the fixture says what the page shows.

interface Block {
  Id: string;
  BlockType: string;
  Text?: string;
  Confidence?: number;
  EntityTypes?: string[];
  RowIndex?: number;
  ColumnIndex?: number;
  Page?: number;
  Query?: { Text: string; Alias?: string; Pages?: string[] };
  Geometry: { BoundingBox: { Top: number; Left: number; Width: number; Height: number } };
  Relationships?: Array<{ Type: string; Ids: string[] }>;
}

/** One call as the fake saw it, for tests to inspect. */
export interface TextractCall {
  target: string;
  features: string[];
  fixture: string | null;
  tag: string | null;
  /** The queries asked (AnalyzeDocument with QUERIES): alias and pages as sent. */
  queries?: Array<{ alias: string | null; pages: string[] | null }>;
}

/** A query as AnalyzeDocument takes it (`QueriesConfig.Queries[]`). */
interface QueryInput {
  Text?: string;
  Alias?: string;
  Pages?: string[];
}

type Cell = string;
interface PageSpec {
  /** Free lines, top to bottom. */
  lines?: string[];
  /** Form fields: key words and value words on one visual line. */
  fields?: Array<[string, string]>;
  /** A table: rows of cells. */
  table?: Cell[][];
  /** Lines printed after the table. */
  footer?: string[];
  /** Answer with this error instead (an asynchronous job fails with its message). */
  error?: { status: number; type: string; message: string };
  /** The page cannot be read: a synchronous call fails, an asynchronous job skips it with a warning. */
  unreadable?: boolean;
  /** QUERIES answers by alias: the text found and Textract's confidence (0–100). */
  answers?: Record<string, [string, number]>;
}

const fixtures: Record<string, PageSpec> = {
  "policy-scan": {
    lines: ["ACME Mutual Insurance", "Policy Schedule"],
    fields: [
      ["Policy number:", "PX-48213"],
      ["Insured:", "Jane Doe"],
    ],
    table: [
      ["Coverage", "Limit"],
      ["Flood damage", "250,000 EUR"],
      ["Windstorm", "100,000 EUR"],
    ],
    footer: ["Claims must be reported within thirty days of the loss."],
  },
  "claims-scan": {
    lines: ["Claims Procedure", "Hailstone damage to greenhouses is assessed by a surveyor on site."],
  },
  // A scanned Indian motor schedule: the insurer and title as lines, two printed fields, and the
  // answers Textract finds for the policy queries (the registration read with low confidence).
  "motor-policy-scan": {
    lines: ["TATA AIG General Insurance Company Limited", "Private Car Package Policy - Policy Schedule"],
    fields: [
      ["Policy No.:", "6201/0012/3456/00/000"],
      ["Insured Name:", "Meera Nair"],
    ],
    answers: {
      POLICY_NUMBER: ["6201/0012/3456/00/000", 99],
      INSURED_NAME: ["Meera Nair", 98],
      START_DATE: ["12/03/2026", 97],
      EXPIRY_DATE: ["12/03/2026 to 11/03/2027", 96],
      ISSUE_DATE: ["10-Mar-2026", 97],
      NET_PREMIUM: ["Rs. 10,000.00", 95],
      GST: ["1,800.00", 95],
      TOTAL_PREMIUM: ["₹ 11,800/-", 98],
      REGISTRATION: ["MH 12 AB 1234", 41],
      NCB: ["25%", 93],
    },
  },
  // A two-page scanned motor schedule for the asynchronous API: the front page with the policy's
  // identity and period, the second with the premium (answers on the page they are printed on).
  "motor-scan-front": {
    lines: [
      "ICICI Lombard General Insurance Company Limited",
      "Private Car Package Policy - Policy Schedule",
    ],
    fields: [
      ["Policy No.:", "3001/MT/248613/00/000"],
      ["Insured Name:", "Arjun Rao"],
    ],
    answers: {
      POLICY_NUMBER: ["3001/MT/248613/00/000", 99],
      INSURED_NAME: ["Arjun Rao", 98],
      START_DATE: ["05/04/2026", 97],
      EXPIRY_DATE: ["05/04/2026 to 04/04/2027", 96],
      ISSUE_DATE: ["03-Apr-2026", 97],
      REGISTRATION: ["KA 05 MN 4321", 95],
    },
  },
  "motor-scan-premium": {
    lines: ["Schedule of Premium", "Premium details for the policy period"],
    answers: {
      NET_PREMIUM: ["Rs. 12,500.00", 96],
      GST: ["2,250.00", 95],
      TOTAL_PREMIUM: ["₹ 14,750/-", 98],
      IDV: ["4,80,000", 93],
      NCB: ["35%", 62],
    },
  },
  outage: { error: { status: 500, type: "InternalServerError", message: "Textract is having a bad day" } },
  "torn-scan": { unreadable: true },
};

/** Textract under `/textract` (the SDK posts to the endpoint's path) plus `GET /_test/textract/calls`. */
export function textractRoutes(s3: FakeObjects): FakeRoute[] {
  const calls: TextractCall[] = [];
  const jobs = textractJobs(s3, readDocument, calls, queriesProblem);
  const handle = (req: FakeRequest) => answer(req, calls, jobs);
  return [
    { method: "POST", path: "/textract", handle },
    { method: "POST", path: "/textract/", handle },
    {
      method: "GET",
      path: "/_test/textract/calls",
      handle: (req) => {
        const tag = req.url.searchParams.get("tag");
        return { status: 200, json: tag ? calls.filter((call) => call.tag === tag) : calls };
      },
    },
  ];
}

async function answer(
  req: FakeRequest,
  calls: TextractCall[],
  jobs: ReturnType<typeof textractJobs>,
): Promise<FakeResponse> {
  const target = String(req.headers["x-amz-target"] ?? "");
  const operation = target.replace(/^Textract\./, "");
  if (![...ASYNC_OPERATIONS, "DetectDocumentText", "AnalyzeDocument"].includes(operation)) {
    return awsError(400, "UnknownOperationException", `Unknown operation ${target}`);
  }
  if (!String(req.headers["content-type"] ?? "").startsWith("application/x-amz-json-1.1")) {
    return awsError(400, "SerializationException", "Expected application/x-amz-json-1.1");
  }
  if (
    !/^AWS4-HMAC-SHA256 Credential=\S+\/\d{8}\/[\w-]+\/textract\/aws4_request/.test(
      String(req.headers.authorization ?? ""),
    )
  ) {
    return awsError(
      403,
      "UnrecognizedClientException",
      "The security token included in the request is invalid.",
    );
  }
  let input: {
    Document?: { Bytes?: string };
    FeatureTypes?: string[];
    QueriesConfig?: { Queries?: QueryInput[] };
  };
  try {
    input = JSON.parse(req.body) as typeof input;
  } catch {
    return awsError(400, "SerializationException", "Body is not JSON");
  }
  if (operation.startsWith("Start")) return jobs.start(operation as "StartDocumentAnalysis", input);
  if (operation.startsWith("Get")) return jobs.get(operation as "GetDocumentAnalysis", input);
  const features = input.FeatureTypes ?? [];
  if (operation === "AnalyzeDocument" && features.length === 0) {
    return awsError(400, "InvalidParameterException", "FeatureTypes is required");
  }
  const queries = features.includes("QUERIES") ? (input.QueriesConfig?.Queries ?? []) : [];
  const badQueries = features.includes("QUERIES") ? queriesProblem(queries, 15) : null;
  if (badQueries) return awsError(400, "InvalidParameterException", badQueries);
  const bytes = Buffer.from(input.Document?.Bytes ?? "", "base64");
  if (bytes.length === 0) return awsError(400, "InvalidParameterException", "Document.Bytes is required");
  if (bytes.length > 10 * 1024 * 1024)
    return awsError(400, "DocumentTooLargeException", "Document is too large");
  const text = bytes.toString("latin1");
  if (!text.startsWith("%PDF-"))
    return awsError(400, "UnsupportedDocumentException", "Request has unsupported document format");
  if (countPages(bytes) !== 1) {
    return awsError(
      400,
      "UnsupportedDocumentException",
      "Synchronous operations accept single-page documents only",
    );
  }
  const marker = findMarker(bytes);
  calls.push({
    target: operation,
    features,
    fixture: marker?.fixture ?? null,
    tag: marker?.tag ?? null,
    ...(features.includes("QUERIES")
      ? { queries: queries.map((query) => ({ alias: query.Alias ?? null, pages: query.Pages ?? null })) }
      : {}),
  });
  const spec = marker ? fixtures[marker.fixture] : undefined;
  if (spec?.error) return awsError(spec.error.status, spec.error.type, spec.error.message);
  if (spec?.unreadable) return awsError(400, "BadDocumentException", "Unable to read the document");
  const blocks = spec ? pageBlocks(spec, operation === "AnalyzeDocument" ? features : []) : [pageBlock([])];
  blocks.push(...queryBlocks(spec, queries, 1));
  return {
    status: 200,
    json: {
      DocumentMetadata: { Pages: 1 },
      Blocks: blocks,
      DetectDocumentTextModelVersion: "1.0",
      AnalyzeDocumentModelVersion: "1.0",
    },
  };
}

/** Each page of a PDF read on its own, its blocks numbered with the page (the asynchronous API). */
async function readDocument(
  pdf: Buffer,
  features: string[],
  queries: QueryInput[],
): Promise<ReadPage[] | string> {
  let source: PDFDocument;
  try {
    source = await PDFDocument.load(pdf, { updateMetadata: false });
  } catch {
    return "Request has unsupported document format";
  }
  const pages: ReadPage[] = [];
  for (const index of source.getPageIndices()) {
    const single = await PDFDocument.create();
    const [copied] = await single.copyPages(source, [index]);
    if (copied) single.addPage(copied);
    const marker = findMarker(Buffer.from(await single.save()));
    const spec = marker ? fixtures[marker.fixture] : undefined;
    const blocks = spec ? pageBlocks(spec, features) : [pageBlock([])];
    blocks.push(...queryBlocks(spec, queries, index + 1));
    pages.push({
      blocks: spec?.unreadable ? [] : blocks.map((block) => ({ ...block, Page: index + 1 })),
      fixture: marker?.fixture ?? null,
      tag: marker?.tag ?? null,
      ...(spec?.error ? { failure: spec.error.message } : {}),
      ...(spec?.unreadable ? { unreadable: true } : {}),
    });
  }
  return pages;
}

function awsError(status: number, type: string, message: string): FakeResponse {
  return { status, json: { __type: type, message } };
}

/** Page objects, also those packed in compressed object streams (PDF 1.5+). */
function countPages(pdf: Buffer): number {
  const text = pdf.toString("latin1");
  const parts = [text];
  for (const match of text.matchAll(/stream\r?\n/g)) {
    const start = (match.index ?? 0) + match[0].length;
    const end = text.indexOf("endstream", start);
    if (end < 0) continue;
    try {
      parts.push(
        inflateSync(pdf.subarray(start, end), { finishFlush: constants.Z_SYNC_FLUSH }).toString("latin1"),
      );
    } catch {
      // Not deflated (or not a stream we can read): nothing to count in it.
    }
  }
  return parts.reduce((count, part) => count + (part.match(/\/Type\s*\/Page(?![s\w])/g) ?? []).length, 0);
}

/** Reads `fixture:<name>:<tag>` from the first pixel row of the page's image XObject. */
function findMarker(pdf: Buffer): { fixture: string; tag: string } | null {
  const text = pdf.toString("latin1");
  for (const match of text.matchAll(/\/Subtype\s*\/Image[\s\S]*?stream\r?\n/g)) {
    const start = (match.index ?? 0) + match[0].length;
    const end = text.indexOf("endstream", start);
    if (end < 0) continue;
    let pixels: Buffer;
    try {
      pixels = inflateSync(pdf.subarray(start, end), { finishFlush: constants.Z_SYNC_FLUSH });
    } catch {
      continue;
    }
    // pdf-lib stores PNG pixels as RGB: take one channel; a gray image would read the same way with step 1.
    for (const step of [3, 1]) {
      const channel = Buffer.from(pixels.filter((_, index) => index % step === 0).subarray(0, 256));
      const found = /fixture:([a-z-]+):([\w-]+)/.exec(channel.toString("latin1"));
      if (found?.[1] && found[2]) return { fixture: found[1], tag: found[2] };
    }
  }
  return null;
}

function pageBlocks(spec: PageSpec, features: string[]): Block[] {
  const blocks: Block[] = [];
  const children: string[] = [];
  let top = 0.05;
  // As wide as its text (about 1.1% of the page per character at a 10 pt font), as Textract measures.
  const word = (text: string, left: number): Block => {
    const block = box("WORD", left, top, { Text: text });
    block.Geometry.BoundingBox.Width = 0.011 * text.length;
    blocks.push(block);
    return block;
  };
  const line = (words: Block[]) => {
    const block = box("LINE", words[0]?.Geometry.BoundingBox.Left ?? 0.1, top, {
      Text: words.map((w) => w.Text).join(" "),
      Relationships: [{ Type: "CHILD", Ids: words.map((w) => w.Id) }],
    });
    blocks.push(block);
    children.push(block.Id);
    top += 0.04;
  };
  const words = (text: string, left: number) => {
    let at = left;
    return text.split(" ").map((t) => {
      const placed = word(t, at);
      at += placed.Geometry.BoundingBox.Width + 0.01;
      return placed;
    });
  };

  for (const text of spec.lines ?? []) line(words(text, 0.1));
  for (const [key, value] of spec.fields ?? []) {
    const keyWords = words(key, 0.1);
    const valueWords = words(value, 0.5);
    const valueBlock = box("KEY_VALUE_SET", 0.5, top, {
      EntityTypes: ["VALUE"],
      Relationships: [{ Type: "CHILD", Ids: valueWords.map((w) => w.Id) }],
    });
    const keyBlock = box("KEY_VALUE_SET", 0.1, top, {
      EntityTypes: ["KEY"],
      Relationships: [
        { Type: "VALUE", Ids: [valueBlock.Id] },
        { Type: "CHILD", Ids: keyWords.map((w) => w.Id) },
      ],
    });
    if (features.includes("FORMS")) blocks.push(keyBlock, valueBlock);
    line([...keyWords, ...valueWords]);
  }
  if (spec.table) {
    const tableTop = top;
    const cells: Block[] = [];
    spec.table.forEach((row, rowIndex) => {
      const rowWords: Block[] = [];
      row.forEach((cellText, columnIndex) => {
        const cellWords = words(cellText, 0.1 + columnIndex * 0.4);
        rowWords.push(...cellWords);
        cells.push(
          box("CELL", 0.1 + columnIndex * 0.4, top, {
            RowIndex: rowIndex + 1,
            ColumnIndex: columnIndex + 1,
            Relationships: [{ Type: "CHILD", Ids: cellWords.map((w) => w.Id) }],
          }),
        );
      });
      line(rowWords);
    });
    if (features.includes("TABLES")) {
      blocks.push(
        box("TABLE", 0.1, tableTop, { Relationships: [{ Type: "CHILD", Ids: cells.map((c) => c.Id) }] }),
        ...cells,
      );
    }
  }
  for (const text of spec.footer ?? []) line(words(text, 0.1));
  // Textract lists the PAGE first, then the rest; shuffle-free, but not in reading order for tables and forms.
  return [pageBlock(children), ...blocks.reverse()];
}

function pageBlock(children: string[]): Block {
  return box("PAGE", 0, 0, { Relationships: [{ Type: "CHILD", Ids: children }] });
}

function box(type: string, left: number, top: number, extra: Partial<Block>): Block {
  return {
    Id: randomUUID(),
    BlockType: type,
    Confidence: 99.1,
    Page: 1,
    Geometry: { BoundingBox: { Top: top, Left: left, Width: 0.3, Height: 0.03 } },
    ...extra,
  };
}

/** Why AnalyzeDocument refuses these queries, or null: one to `max` queries, each with text, Pages
 * either ["*"] alone or page numbers and ranges ("2", "1-3", "4-*"). */
function queriesProblem(queries: QueryInput[], max: number): string | null {
  if (queries.length === 0) return "QueriesConfig is required with the QUERIES feature";
  if (queries.length > max) return `At most ${max} queries per page`;
  for (const query of queries) {
    if (!query.Text) return "Query.Text is required";
    const pages = query.Pages;
    if (pages === undefined) continue;
    if (pages.length === 0) return "Query.Pages must not be empty";
    if (pages.includes("*") && pages.length > 1) return 'Query.Pages "*" must be the only element';
    if (!pages.every((page) => /^(\*|\d+(-(\d+|\*))?)$/.test(page)))
      return "Query.Pages holds an invalid page";
  }
  return null;
}

/** Whether a query's Pages reach `page`; Textract asks page 1 only when Pages is not given. */
function queryCovers(pages: string[] | undefined, page: number): boolean {
  return (pages ?? ["1"]).some((range) => {
    if (range === "*") return true;
    const [from, to] = range.split("-");
    const start = Number(from);
    if (to === undefined) return page === start;
    return page >= start && (to === "*" || page <= Number(to));
  });
}

/** QUERY blocks for the queries that reach this page, each linked by an ANSWER relationship to a
 * QUERY_RESULT when the page's fixture answers its alias (no answer: no relationship), as Textract does. */
function queryBlocks(spec: PageSpec | undefined, queries: QueryInput[], page: number): Block[] {
  const blocks: Block[] = [];
  queries.forEach((query, index) => {
    if (!queryCovers(query.Pages, page)) return;
    const found = query.Alias ? spec?.answers?.[query.Alias] : undefined;
    const result = found
      ? box("QUERY_RESULT", 0.5, 0.6 + index * 0.02, { Text: found[0], Confidence: found[1], Page: page })
      : undefined;
    const { Geometry: _unplaced, ...queryBlock } = box("QUERY", 0, 0, {
      Page: page,
      Query: {
        Text: String(query.Text),
        ...(query.Alias ? { Alias: query.Alias } : {}),
        Pages: query.Pages ?? ["1"],
      },
      ...(result ? { Relationships: [{ Type: "ANSWER", Ids: [result.Id] }] } : {}),
    });
    blocks.push(queryBlock as Block);
    if (result) blocks.push(result);
  });
  return blocks;
}
