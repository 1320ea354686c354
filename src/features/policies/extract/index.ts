// The policy extraction engine: positioned text in, typed fields with confidence and review issues out.
// Reading a PDF (./pdf-pages, unpdf) is imported on its own: the request Worker reaches this barrel.
export { type CheckedFields, NCB_SLABS, REVIEW_THRESHOLD, validatePolicy } from "./checks";
export { type ExtractOptions, extractPolicy } from "./extract";
export { INSURERS, insurerNamed } from "./insurers";
export { INSURER_LABELS, LEXICON } from "./lexicon";
export { POLICY_QUERIES, type QueryAnswer, queriesConfig, queryAnswers } from "./queries";
export { textractPages } from "./textract-pages";
export type * from "./types";
