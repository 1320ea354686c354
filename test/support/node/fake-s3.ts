import { createHash, createHmac, randomUUID } from "node:crypto";
import { crc32 } from "node:zlib";
import type { FakeRequest, FakeResponse, FakeRoute } from "./fake-services.ts";

// The subset of the S3 REST API (https://docs.aws.amazon.com/AmazonS3/latest/API/) that the storage
// adapter and Textract use, path-style under `/s3`: PUT/GET/HEAD `/s3/<bucket>/<key>` and
// `POST /s3/<bucket>?delete`, `GET /s3/<bucket>?list-type=2` (first page only). Requests are SigV4-signed; the fake checks the signature with the one
// key pair it knows and answers errors as S3 does, in XML. Objects live in memory.

export const FAKE_S3_BUCKET = "switchboard-test";
// Secrets of the access keys the fake knows; only the first may use the bucket.
const ACCESS_KEYS = new Map([
  ["AKIATESTS3", "test-s3-secret"],
  ["AKIATESTNOACCESS", "test-s3-no-access"],
]);
const ALLOWED_KEY = "AKIATESTS3";

export interface FakeObject {
  bytes: Buffer;
  contentType: string | undefined;
  etag: string;
  crc32: string | undefined;
  lastModified: Date;
}

/** bucket → key → object; shared with the fake Textract, which reads documents from here. */
export type FakeObjects = Map<string, Map<string, FakeObject>>;

/** S3 routes plus `GET /_test/s3/objects?prefix=` (what is stored, with sizes and SHA-256). */
export function fakeS3(): { routes: FakeRoute[]; objects: FakeObjects } {
  const objects: FakeObjects = new Map([[FAKE_S3_BUCKET, new Map()]]);
  const handle = (req: FakeRequest) => answer(req, objects);
  const methods = ["GET", "HEAD", "PUT", "POST", "DELETE"] as const;
  return {
    objects,
    routes: [
      ...methods.map((method) => ({ method, path: "/s3/*", handle })),
      {
        method: "GET",
        path: "/_test/s3/objects",
        handle: (req) => {
          const prefix = req.url.searchParams.get("prefix") ?? "";
          const listed = [...(objects.get(FAKE_S3_BUCKET) ?? new Map<string, FakeObject>())]
            .filter(([key]) => key.startsWith(prefix))
            .map(([key, object]) => ({
              key,
              size: object.bytes.length,
              contentType: object.contentType,
              sha256: createHash("sha256").update(object.bytes).digest("hex"),
            }));
          return { status: 200, json: listed };
        },
      },
    ],
  };
}

function answer(req: FakeRequest, objects: FakeObjects): FakeResponse {
  const [, , bucketName = "", ...keyParts] = req.url.pathname.split("/");
  const key = keyParts.map((part) => decodeURIComponent(part)).join("/");
  const resource = `/${bucketName}${key ? `/${key}` : ""}`;
  const denied = authorize(req);
  if (denied) return s3Error(403, denied.code, denied.message, resource);
  const bucket = objects.get(bucketName);
  if (!bucket) return s3Error(404, "NoSuchBucket", "The specified bucket does not exist", resource);

  if (req.method === "POST" && req.url.searchParams.has("delete")) return deleteObjects(req, bucket);
  if (req.method === "GET" && !key && req.url.searchParams.get("list-type") === "2")
    return listObjects(req, bucketName, bucket);
  if (!key) return s3Error(405, "MethodNotAllowed", "This fake serves objects only", resource);
  if (req.method === "PUT") {
    if (req.url.searchParams.has("partNumber") || req.headers["x-amz-copy-source"]) {
      return s3Error(501, "NotImplemented", "Multipart upload and copy are not implemented", resource);
    }
    const body = decodeBody(req);
    if (typeof body === "string") return s3Error(400, "InvalidRequest", body, resource);
    const sum = crc32(body).toString(16).padStart(8, "0");
    const expected = header(req, "x-amz-checksum-crc32");
    const computed = Buffer.from(sum, "hex").toString("base64");
    if (expected && expected !== computed) {
      return s3Error(
        400,
        "BadDigest",
        "The CRC32 you specified did not match the calculated checksum.",
        resource,
      );
    }
    const etag = `"${createHash("md5").update(body).digest("hex")}"`;
    bucket.set(key, {
      bytes: body,
      contentType: header(req, "content-type"),
      etag,
      crc32: computed,
      lastModified: new Date(),
    });
    return { status: 200, body: "", headers: { etag, "x-amz-checksum-crc32": computed } };
  }
  if (req.method === "GET" || req.method === "HEAD") {
    const object = bucket.get(key);
    if (!object) {
      // HEAD answers carry no body: the SDK names the error after the status (NotFound).
      return req.method === "HEAD"
        ? { status: 404, body: "" }
        : s3Error(404, "NoSuchKey", "The specified key does not exist.", resource, `<Key>${xml(key)}</Key>`);
    }
    const headers: Record<string, string> = {
      etag: object.etag,
      "last-modified": object.lastModified.toUTCString(),
      "content-length": String(object.bytes.length),
      "content-type": object.contentType ?? "binary/octet-stream",
      "accept-ranges": "bytes",
    };
    if (object.crc32 && header(req, "x-amz-checksum-mode") === "ENABLED") {
      headers["x-amz-checksum-crc32"] = object.crc32;
      headers["x-amz-checksum-type"] = "FULL_OBJECT";
    }
    return { status: 200, headers, body: req.method === "HEAD" ? "" : object.bytes };
  }
  if (req.method === "DELETE") {
    bucket.delete(key);
    return { status: 204, body: "" };
  }
  return s3Error(
    405,
    "MethodNotAllowed",
    "The specified method is not allowed against this resource.",
    resource,
  );
}

function deleteObjects(req: FakeRequest, bucket: Map<string, FakeObject>): FakeResponse {
  // S3 refuses a multi-object delete without an integrity header.
  const md5 = header(req, "content-md5");
  const crc = header(req, "x-amz-checksum-crc32");
  if (!md5 && !crc) {
    return s3Error(400, "InvalidRequest", "Missing required header for this request: Content-MD5", "/");
  }
  if (md5 && md5 !== createHash("md5").update(req.bytes).digest("base64")) {
    return s3Error(400, "BadDigest", "The Content-MD5 you specified did not match what we received.", "/");
  }
  if (crc && crc !== Buffer.from(crc32(req.bytes).toString(16).padStart(8, "0"), "hex").toString("base64")) {
    return s3Error(400, "BadDigest", "The CRC32 you specified did not match the calculated checksum.", "/");
  }
  if (!/^\s*(<\?xml[^>]*\?>\s*)?<Delete[\s>]/.test(req.body)) {
    return s3Error(400, "MalformedXML", "The XML you provided was not well-formed", "/");
  }
  const keys = [...req.body.matchAll(/<Object>\s*<Key>([^<]*)<\/Key>/g)].map((match) =>
    unxml(match[1] ?? ""),
  );
  if (keys.length === 0 || keys.length > 1000) {
    return s3Error(400, "MalformedXML", "The XML you provided was not well-formed", "/");
  }
  const quiet = /<Quiet>\s*true\s*<\/Quiet>/.test(req.body);
  // As if a bucket policy denied deleting under `protected/`: S3 reports such keys one by one.
  const denied = keys.filter((key) => key.includes("/protected/"));
  for (const key of keys) if (!denied.includes(key)) bucket.delete(key);
  const deleted = quiet
    ? ""
    : keys
        .filter((key) => !denied.includes(key))
        .map((key) => `<Deleted><Key>${xml(key)}</Key></Deleted>`)
        .join("");
  const errors = denied
    .map(
      (key) =>
        `<Error><Key>${xml(key)}</Key><Code>AccessDenied</Code><Message>Access Denied</Message></Error>`,
    )
    .join("");
  return {
    status: 200,
    headers: { "content-type": "application/xml" },
    body: `<?xml version="1.0" encoding="UTF-8"?>\n<DeleteResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">${deleted}${errors}</DeleteResult>`,
  };
}

/** ListObjectsV2: keys in order under `prefix`, at most `max-keys`; no continuation (callers delete what they list). */
function listObjects(req: FakeRequest, name: string, bucket: Map<string, FakeObject>): FakeResponse {
  const prefix = req.url.searchParams.get("prefix") ?? "";
  const max = Math.min(1000, Number(req.url.searchParams.get("max-keys") ?? 1000));
  const matching = [...bucket.keys()].filter((key) => key.startsWith(prefix)).sort();
  const page = matching.slice(0, max);
  const contents = page
    .map((key) => {
      const object = bucket.get(key);
      return `<Contents><Key>${xml(key)}</Key><LastModified>${object?.lastModified.toISOString()}</LastModified><ETag>${xml(object?.etag ?? "")}</ETag><Size>${object?.bytes.length ?? 0}</Size><StorageClass>STANDARD</StorageClass></Contents>`;
    })
    .join("");
  return {
    status: 200,
    headers: { "content-type": "application/xml" },
    body: `<?xml version="1.0" encoding="UTF-8"?>\n<ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Name>${xml(name)}</Name><Prefix>${xml(prefix)}</Prefix><KeyCount>${page.length}</KeyCount><MaxKeys>${max}</MaxKeys><IsTruncated>${matching.length > page.length}</IsTruncated>${contents}</ListBucketResult>`,
  };
}

/** The body, with the `aws-chunked` framing taken off when the SDK streamed it with a trailing checksum. */
function decodeBody(req: FakeRequest): Buffer | string {
  const encoding = header(req, "content-encoding") ?? "";
  if (!encoding.split(",").some((part) => part.trim() === "aws-chunked")) return req.bytes;
  const parts: Buffer[] = [];
  let offset = 0;
  for (;;) {
    const lineEnd = req.bytes.indexOf("\r\n", offset);
    if (lineEnd < 0) return "Malformed aws-chunked body";
    const size = Number.parseInt(
      req.bytes.subarray(offset, lineEnd).toString("latin1").split(";")[0] ?? "",
      16,
    );
    if (!Number.isFinite(size)) return "Malformed aws-chunked body";
    if (size === 0) break;
    parts.push(req.bytes.subarray(lineEnd + 2, lineEnd + 2 + size));
    offset = lineEnd + 2 + size + 2;
  }
  return Buffer.concat(parts);
}

/** Checks the SigV4 Authorization header: our access key, and a signature made with its secret. */
function authorize(req: FakeRequest): { code: string; message: string } | null {
  const authorization = header(req, "authorization") ?? "";
  const parsed =
    /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([\w-]+)\/s3\/aws4_request, ?SignedHeaders=([\w;-]+), ?Signature=([0-9a-f]{64})$/.exec(
      authorization,
    );
  if (!parsed) return { code: "AccessDenied", message: "Access Denied" };
  const [, accessKey, date = "", region = "", signedHeaders = "", signature] = parsed;
  const secret = ACCESS_KEYS.get(accessKey ?? "");
  if (!secret) {
    return {
      code: "InvalidAccessKeyId",
      message: "The AWS Access Key Id you provided does not exist in our records.",
    };
  }
  const amzDate = header(req, "x-amz-date") ?? "";
  const payloadHash = header(req, "x-amz-content-sha256") ?? "";
  if (
    /^[0-9a-f]{64}$/.test(payloadHash) &&
    payloadHash !== createHash("sha256").update(req.bytes).digest("hex")
  ) {
    return {
      code: "XAmzContentSHA256Mismatch",
      message: "The provided 'x-amz-content-sha256' header does not match what was computed.",
    };
  }
  const query = [...req.url.searchParams]
    .map(([name, value]) => [encode(name), encode(value)])
    .sort(([a = "", b = ""], [c = "", d = ""]) => (a === c ? (b < d ? -1 : 1) : a < c ? -1 : 1))
    .map(([name, value]) => `${name}=${value}`)
    .join("&");
  const canonicalHeaders = signedHeaders
    .split(";")
    .map((name) => `${name}:${(header(req, name) ?? "").trim().replace(/\s+/g, " ")}\n`)
    .join("");
  const canonicalRequest = [
    req.method,
    req.url.pathname,
    query,
    canonicalHeaders,
    signedHeaders,
    payloadHash,
  ].join("\n");
  const scope = `${date}/${region}/s3/aws4_request`;
  const toSign = [
    "AWS4-HMAC-SHA256",
    amzDate,
    scope,
    createHash("sha256").update(canonicalRequest).digest("hex"),
  ].join("\n");
  let key: Buffer = createHmac("sha256", `AWS4${secret}`).update(date).digest();
  for (const part of [region, "s3", "aws4_request"]) key = createHmac("sha256", key).update(part).digest();
  if (createHmac("sha256", key).update(toSign).digest("hex") !== signature) {
    return {
      code: "SignatureDoesNotMatch",
      message: "The request signature we calculated does not match the signature you provided.",
    };
  }
  return accessKey === ALLOWED_KEY ? null : { code: "AccessDenied", message: "Access Denied" };
}

function s3Error(status: number, code: string, message: string, resource: string, extra = ""): FakeResponse {
  return {
    status,
    headers: { "content-type": "application/xml" },
    body: `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${xml(message)}</Message>${extra}<Resource>${xml(resource)}</Resource><RequestId>${randomUUID()}</RequestId></Error>`,
  };
}

function header(req: FakeRequest, name: string): string | undefined {
  const value = req.headers[name.toLowerCase()];
  return Array.isArray(value) ? value.join(",") : value;
}

const encode = (value: string) =>
  encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

const xml = (text: string) =>
  text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

const unxml = (text: string) =>
  text
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&#(\d+);/g, (_, code: string) => String.fromCharCode(Number(code)))
    .replace(/&amp;/g, "&");
