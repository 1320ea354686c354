import type { ActionOperation, OperationParameter, RiskLevel } from "../../db/schema";
import { AppError } from "../../lib/errors";

type Json = Record<string, unknown>;

const METHODS = ["get", "post", "put", "patch", "delete"] as const;
const MAX_REF_DEPTH = 8;

const isObject = (value: unknown): value is Json =>
  typeof value === "object" && value !== null && !Array.isArray(value);

/** Inlines local `$ref`s (`#/components/...`) so each operation's schema stands alone. */
function resolveRefs(value: unknown, doc: Json, depth = 0): unknown {
  if (Array.isArray(value)) return value.map((item) => resolveRefs(item, doc, depth));
  if (!isObject(value)) return value;
  const ref = value.$ref;
  if (typeof ref === "string") {
    if (depth >= MAX_REF_DEPTH) return {};
    if (!ref.startsWith("#/"))
      throw new AppError("validation_failed", `Only local $refs are supported (${ref})`);
    let target: unknown = doc;
    for (const key of ref.slice(2).split("/")) {
      target = isObject(target) ? target[key.replaceAll("~1", "/").replaceAll("~0", "~")] : undefined;
    }
    if (target === undefined) throw new AppError("validation_failed", `Unresolved $ref ${ref}`);
    return resolveRefs(target, doc, depth + 1);
  }
  return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, resolveRefs(item, doc, depth)]));
}

/** Default risk: reads are GETs, deletes always need approval, other methods write (`x-risk` overrides). */
function riskOf(method: string, operation: Json): RiskLevel {
  const declared = operation["x-risk"];
  if (declared === "read" || declared === "write" || declared === "approval_required") return declared;
  if (method === "get") return "read";
  return method === "delete" ? "approval_required" : "write";
}

function operationName(method: string, path: string, operation: Json): string {
  const raw =
    typeof operation.operationId === "string"
      ? operation.operationId
      : `${method}_${path.replace(/[{}]/g, "")}`;
  const name = raw
    .replace(/[^A-Za-z0-9_-]+/g, "_")
    .replace(/^[^A-Za-z]+/, "")
    .slice(0, 64);
  return name || `${method}_operation`;
}

function parametersOf(pathItem: Json, operation: Json, doc: Json): OperationParameter[] {
  const all = [
    ...(Array.isArray(pathItem.parameters) ? pathItem.parameters : []),
    ...(Array.isArray(operation.parameters) ? operation.parameters : []),
  ]
    .map((p) => resolveRefs(p, doc))
    .filter(isObject);
  const byKey = new Map<string, OperationParameter>();
  for (const p of all) {
    // Header and cookie parameters are not supported: authentication is the action's business.
    if ((p.in !== "path" && p.in !== "query") || typeof p.name !== "string") continue;
    byKey.set(`${p.in}:${p.name}`, {
      name: p.name,
      in: p.in,
      required: p.in === "path" || p.required === true,
      ...(typeof p.description === "string" ? { description: p.description.slice(0, 500) } : {}),
      schema: isObject(p.schema) ? p.schema : { type: "string" },
    });
  }
  return [...byKey.values()];
}

function bodyOf(operation: Json, doc: Json): Json | null {
  const requestBody = resolveRefs(operation.requestBody, doc);
  if (!isObject(requestBody) || !isObject(requestBody.content)) return null;
  const json = Object.entries(requestBody.content).find(([type]) => type.includes("json"))?.[1];
  return isObject(json) && isObject(json.schema) ? json.schema : null;
}

/** The first absolute server URL of the document, if any. */
function serverUrl(doc: Json): string | undefined {
  const servers = Array.isArray(doc.servers) ? doc.servers.filter(isObject) : [];
  return servers
    .map((s) => s.url)
    .find((url): url is string => typeof url === "string" && /^https?:\/\//.test(url));
}

/** Turns an OpenAPI 3.x document into an action's operations (JSON; `$ref`s inlined). */
export function importOpenApi(doc: Json): {
  title: string;
  baseUrl: string | undefined;
  operations: ActionOperation[];
} {
  if (typeof doc.openapi !== "string" || !doc.openapi.startsWith("3.")) {
    throw new AppError("validation_failed", "document must be an OpenAPI 3.x document (JSON)");
  }
  if (!isObject(doc.paths)) throw new AppError("validation_failed", "document has no paths");
  const operations: ActionOperation[] = [];
  for (const [path, rawItem] of Object.entries(doc.paths)) {
    const pathItem = resolveRefs(rawItem, doc);
    if (!isObject(pathItem)) continue;
    for (const method of METHODS) {
      const operation = pathItem[method];
      if (!isObject(operation)) continue;
      const description = [operation.summary, operation.description]
        .filter((s) => typeof s === "string")
        .join(" — ");
      operations.push({
        name: operationName(method, path, operation),
        description: description.slice(0, 1000),
        method: method.toUpperCase() as ActionOperation["method"],
        path,
        parameters: parametersOf(pathItem, operation, doc),
        body: bodyOf(operation, doc),
        risk: riskOf(method, operation),
        onFailure: operation["x-on-failure"] === "continue" ? "continue" : "stop",
      });
    }
  }
  if (operations.length === 0) throw new AppError("validation_failed", "document has no operations");
  const info = isObject(doc.info) ? doc.info : {};
  return {
    title: typeof info.title === "string" ? info.title.slice(0, 120) : "Imported API",
    baseUrl: serverUrl(doc),
    operations,
  };
}
