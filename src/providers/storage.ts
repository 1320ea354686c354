import type { Config } from "../env";
import { ensureXmlDom } from "./xml-dom";

/** An object in an S3 bucket, as AWS services address it. */
export interface S3Location {
  bucket: string;
  key: string;
}

export interface StoredObject {
  body: ReadableStream<Uint8Array>;
  size: number;
  contentType: string | undefined;
}

/** Object storage for original files: the R2 binding, or any S3 API (AWS S3, R2's S3 endpoint). */
export interface Storage {
  readonly name: "r2" | "s3";
  put(key: string, bytes: Uint8Array, contentType: string): Promise<void>;
  get(key: string): Promise<StoredObject | null>;
  /** Reads the whole object (for extraction); null when it is gone. */
  bytes(key: string): Promise<Uint8Array | null>;
  delete(keys: string[]): Promise<void>;
  /** The first `limit` (at most 1000) keys under `prefix`, and whether more follow. */
  list(prefix: string, limit: number): Promise<{ keys: string[]; truncated: boolean }>;
  /** Where AWS services (Textract) can read the object themselves: set for a bucket on AWS S3 only. */
  awsLocation?(key: string): S3Location;
}

/** The storage adapter the configuration selects. */
export function createStorage(config: Config, bucket: R2Bucket): Storage {
  return config.STORAGE_PROVIDER === "s3" ? s3Storage(config) : r2Storage(bucket);
}

/** Storage on a Workers R2 binding (works locally under wrangler dev and in tests). */
export function r2Storage(bucket: R2Bucket): Storage {
  return {
    name: "r2",
    async put(key, bytes, contentType) {
      await bucket.put(key, bytes, { httpMetadata: { contentType } });
    },
    async get(key) {
      const object = await bucket.get(key);
      if (!object) return null;
      return { body: object.body, size: object.size, contentType: object.httpMetadata?.contentType };
    },
    async bytes(key) {
      const object = await bucket.get(key);
      return object ? new Uint8Array(await object.arrayBuffer()) : null;
    },
    async delete(keys) {
      if (keys.length > 0) await bucket.delete(keys);
    },
    async list(prefix, limit) {
      const listed = await bucket.list({ prefix, limit: Math.min(limit, 1000) });
      return { keys: listed.objects.map((object) => object.key), truncated: listed.truncated };
    },
  };
}

/** Storage through the S3 API with `@aws-sdk/client-s3`. */
export function s3Storage(config: Config): Storage {
  const { S3_BUCKET: bucket, S3_ACCESS_KEY_ID: accessKeyId, S3_SECRET_ACCESS_KEY: secretAccessKey } = config;
  if (!bucket || !accessKeyId || !secretAccessKey) throw new Error("S3 storage is not configured");
  ensureXmlDom();
  // An S3 API elsewhere (R2's endpoint) serves the adapter, but AWS services cannot read from it.
  const onAws =
    !config.S3_ENDPOINT || !/\.r2\.cloudflarestorage\.com$/i.test(new URL(config.S3_ENDPOINT).hostname);
  // Loaded on first use so deployments on the R2 binding never pay for the SDK's startup.
  const sdk = import("@aws-sdk/client-s3").then((s3) => ({
    s3,
    client: new s3.S3Client({
      region: config.S3_REGION,
      credentials: { accessKeyId, secretAccessKey },
      ...(config.S3_ENDPOINT ? { endpoint: config.S3_ENDPOINT, forcePathStyle: true } : {}),
    }),
  }));
  const get = async (key: string) => {
    const { s3, client } = await sdk;
    try {
      return await client.send(new s3.GetObjectCommand({ Bucket: bucket, Key: key }));
    } catch (error) {
      if (error instanceof Error && error.name === "NoSuchKey") return null;
      throw error;
    }
  };
  return {
    name: "s3",
    ...(onAws ? { awsLocation: (key: string) => ({ bucket, key }) } : {}),
    async put(key, bytes, contentType) {
      const { s3, client } = await sdk;
      await client.send(
        new s3.PutObjectCommand({ Bucket: bucket, Key: key, Body: bytes, ContentType: contentType }),
      );
    },
    async get(key) {
      const object = await get(key);
      if (!object?.Body) return null;
      return {
        body: object.Body.transformToWebStream() as ReadableStream<Uint8Array>,
        size: object.ContentLength ?? 0,
        contentType: object.ContentType,
      };
    },
    async bytes(key) {
      const object = await get(key);
      return object?.Body ? await object.Body.transformToByteArray() : null;
    },
    async delete(keys) {
      if (keys.length === 0) return;
      const { s3, client } = await sdk;
      // One request takes at most 1000 keys, and answers 200 even when some keys could not be deleted.
      for (let start = 0; start < keys.length; start += 1000) {
        const objects = keys.slice(start, start + 1000).map((Key) => ({ Key }));
        const { Errors: errors = [] } = await client.send(
          new s3.DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: objects, Quiet: true } }),
        );
        const [first] = errors;
        if (first) {
          throw new Error(
            `S3 did not delete ${errors.length} object(s); ${first.Key}: ${first.Code}: ${first.Message}`,
          );
        }
      }
    },
    async list(prefix, limit) {
      const { s3, client } = await sdk;
      const listed = await client.send(
        new s3.ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, MaxKeys: Math.min(limit, 1000) }),
      );
      const keys = (listed.Contents ?? []).flatMap((object) => (object.Key ? [object.Key] : []));
      return { keys, truncated: listed.IsTruncated === true };
    },
  };
}
