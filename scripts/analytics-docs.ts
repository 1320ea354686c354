// Rewrites the metric table in docs/analytics.md from the catalog (test/node/analytics/docs.test.ts checks it).
import { readFileSync, writeFileSync } from "node:fs";
import { CATALOG_BEGIN, CATALOG_END, catalogMarkdown } from "../src/features/analytics/catalog-docs.ts";

const path = new URL("../docs/analytics.md", import.meta.url);
const doc = readFileSync(path, "utf8");
const start = doc.indexOf(CATALOG_BEGIN);
const end = doc.indexOf(CATALOG_END);
if (start < 0 || end < 0) throw new Error("docs/analytics.md has no catalog markers");
writeFileSync(path, doc.slice(0, start) + catalogMarkdown() + doc.slice(end + CATALOG_END.length));
console.log("[analytics-docs] docs/analytics.md updated");
