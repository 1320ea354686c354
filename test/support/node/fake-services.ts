import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { downstreamRoutes } from "./fake-downstream.ts";
import { metaRoutes } from "./fake-meta.ts";
import { openAiRoutes } from "./fake-openai.ts";
import { openAiEmbeddingsRoutes } from "./fake-openai-embeddings.ts";
import { resendRoutes } from "./fake-resend.ts";
import { fakeS3 } from "./fake-s3.ts";
import { telegramRoutes } from "./fake-telegram.ts";
import { textractRoutes } from "./fake-textract.ts";
import { webhookRoutes } from "./fake-webhooks.ts";

/** One request as a fake route sees it: the body is read up front. */
export interface FakeRequest {
  method: string;
  url: URL;
  headers: IncomingMessage["headers"];
  body: string;
  /** The body as sent (binary uploads). */
  bytes: Buffer;
}

export interface FakeResponse {
  status: number;
  json?: unknown;
  /** A non-JSON body (XML, binary); sent instead of `json`, with `headers`. */
  body?: string | Buffer;
  headers?: Record<string, string>;
  /** Writes the response itself (server-sent events, delays); `status`/`json` are then unused. */
  raw?: (res: ServerResponse) => Promise<void>;
}

export interface FakeRoute {
  method: "GET" | "HEAD" | "POST" | "PUT" | "PATCH" | "DELETE";
  /** Exact path, e.g. `/resend/emails` (`/_test/…` for inspection); one ending in `/*` matches below it. */
  path: string;
  handle(req: FakeRequest): FakeResponse | Promise<FakeResponse>;
}

export interface FakeServices {
  url: string;
  close(): Promise<void>;
}

const MAX_BODY_BYTES = 5 * 1024 * 1024;

/**
 * Local stand-ins for paid external APIs, each speaking its real HTTP protocol under its own prefix.
 * Add a service by writing a module that returns FakeRoute[] and listing it here.
 */
export async function startFakeServices(port = 0): Promise<FakeServices> {
  // Textract's asynchronous API reads the documents it is given from this S3.
  const s3 = fakeS3();
  const routes: FakeRoute[] = [
    ...openAiRoutes(),
    ...resendRoutes(),
    ...openAiEmbeddingsRoutes(),
    ...s3.routes,
    ...textractRoutes(s3.objects),
    ...downstreamRoutes(),
    ...metaRoutes(),
    ...telegramRoutes(),
    ...webhookRoutes(),
  ];
  const server = createServer((req, res) => {
    void serve(routes, req, res).catch((error: unknown) => {
      console.error("[fake-services]", error);
      if (!res.headersSent) send(res, { status: 500, json: { message: "fake service crashed" } });
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => resolve());
  });
  const address = server.address();
  if (address === null || typeof address === "string") throw new Error("fake services have no TCP address");
  return {
    url: `http://127.0.0.1:${address.port}`,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

async function serve(routes: FakeRoute[], req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? "/", "http://fake-services");
  // A path ending in `/*` matches everything below it (a fake API with path parameters).
  const onPath = routes.filter(
    (route) =>
      route.path === url.pathname ||
      (route.path.endsWith("/*") && url.pathname.startsWith(route.path.slice(0, -1))),
  );
  const route = onPath.find((candidate) => candidate.method === req.method);
  if (!route) {
    const status = onPath.length > 0 ? 405 : 404;
    send(res, {
      status,
      json: { statusCode: status, name: "not_found", message: `${req.method} ${url.pathname}` },
    });
    return;
  }
  const bytes = await readBody(req);
  if (bytes === undefined) {
    send(res, {
      status: 413,
      json: { statusCode: 413, name: "payload_too_large", message: "Body too large" },
    });
    return;
  }
  const response = await route.handle({
    method: req.method ?? "GET",
    url,
    headers: req.headers,
    body: bytes.toString("utf8"),
    bytes,
  });
  if (response.raw) await response.raw(res);
  else send(res, response);
}

async function readBody(req: IncomingMessage): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size > MAX_BODY_BYTES) return undefined;
    chunks.push(buffer);
  }
  return Buffer.concat(chunks);
}

function send(res: ServerResponse, response: FakeResponse): void {
  if (response.body !== undefined) {
    res.writeHead(response.status, response.headers).end(response.body);
    return;
  }
  res
    .writeHead(response.status, { "content-type": "application/json", ...response.headers })
    .end(JSON.stringify(response.json));
}
