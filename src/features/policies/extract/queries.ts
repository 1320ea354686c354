import type { Block } from "@aws-sdk/client-textract";
import type { LabelKey } from "./lexicon";

/** One Textract query per field worth asking, at most 15 (the synchronous per-page limit). */
export const POLICY_QUERIES: Array<{ alias: string; text: string; key: LabelKey }> = [
  { alias: "POLICY_NUMBER", text: "What is the policy number?", key: "policyNumber" },
  { alias: "INSURED_NAME", text: "What is the name of the insured?", key: "customerName" },
  { alias: "START_DATE", text: "When does the policy period start?", key: "startDate" },
  { alias: "EXPIRY_DATE", text: "When does the own damage policy period end?", key: "expiryDate" },
  { alias: "ISSUE_DATE", text: "What is the date of issue?", key: "issueDate" },
  { alias: "NET_PREMIUM", text: "What is the net premium before tax?", key: "netPremium" },
  { alias: "GST", text: "What is the GST amount?", key: "gstAmount" },
  { alias: "TOTAL_PREMIUM", text: "What is the total premium payable?", key: "totalPremium" },
  { alias: "REGISTRATION", text: "What is the vehicle registration number?", key: "vehicleNumber" },
  { alias: "IDV", text: "What is the insured declared value (IDV)?", key: "idv" },
  { alias: "NCB", text: "What is the no claim bonus percentage?", key: "ncbPercent" },
  { alias: "ENGINE_NUMBER", text: "What is the engine number?", key: "engineNumber" },
  { alias: "CHASSIS_NUMBER", text: "What is the chassis number?", key: "chassisNumber" },
  { alias: "MOBILE", text: "What is the insured's mobile number?", key: "mobile" },
  { alias: "SUM_INSURED", text: "What is the sum insured?", key: "sumInsured" },
];

/** The `QueriesConfig` for AnalyzeDocument / StartDocumentAnalysis. Pages must be ["*"]: Textract asks
 * page 1 only by default. */
export function queriesConfig(): { Queries: Array<{ Text: string; Alias: string; Pages: string[] }> } {
  return { Queries: POLICY_QUERIES.map((query) => ({ Text: query.text, Alias: query.alias, Pages: ["*"] })) };
}

/** A Textract answer to one of the policy queries. */
export interface QueryAnswer {
  key: LabelKey;
  text: string;
  /** 0–1 (Textract reports 0–100). */
  confidence: number;
  page: number;
}

/** The answers in QUERY → QUERY_RESULT blocks (linked by ANSWER relationships); a query with no answer
 * has none. Aliases that are not ours are ignored. */
export function queryAnswers(blocks: Block[]): QueryAnswer[] {
  const byId = new Map(blocks.flatMap((block) => (block.Id ? [[block.Id, block] as const] : [])));
  const answers: QueryAnswer[] = [];
  for (const block of blocks) {
    if (block.BlockType !== "QUERY") continue;
    const query = POLICY_QUERIES.find((known) => known.alias === block.Query?.Alias);
    if (!query) continue;
    const ids = (block.Relationships ?? []).filter((r) => r.Type === "ANSWER").flatMap((r) => r.Ids ?? []);
    for (const id of ids) {
      const result = byId.get(id);
      if (result?.BlockType !== "QUERY_RESULT" || !result.Text) continue;
      answers.push({
        key: query.key,
        text: result.Text,
        confidence: (result.Confidence ?? 0) / 100,
        page: result.Page ?? 1,
      });
    }
  }
  return answers;
}
