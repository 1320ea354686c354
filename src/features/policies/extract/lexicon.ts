import { DISTRACTOR_LABELS } from "./distractors";
import type { FieldName, ProductLine } from "./types";

/** What a label can announce: a record field, a part of one, or a distractor to recognise and skip. */
export type LabelKey =
  | Exclude<FieldName, "productLine" | "insurer" | "members" | "startDate" | "expiryDate">
  | "startDate"
  | "expiryDate"
  | "period"
  | "odPeriod"
  | "tpPeriod"
  | "cgst"
  | "sgst"
  | "makeModel"
  | "insurerName"
  | "memberName"
  | "memberDob"
  | "memberRelation"
  | "distractor";

export interface LabelEntry {
  key: LabelKey;
  labels: string[];
  /** How strongly the label names the field (1 = unambiguous). */
  weight?: number;
  /** Only on schedules of this line; both when absent. */
  line?: ProductLine;
}

/** The label lexicon: the wording insurers use for each field. The longest label that starts a cell wins,
 * so "Previous Policy No." is a distractor even though it contains "Policy No.". */
export const LEXICON: LabelEntry[] = [
  {
    key: "policyNumber",
    labels: [
      "policy no",
      "policy number",
      "certificate no",
      "policy certificate no",
      "certificate no policy no",
      "certificate cum policy no",
      "policy schedule no",
      "cover note no",
    ],
  },
  { key: "previousPolicyNumber", labels: ["previous policy no", "prev policy no", "expiring policy no"] },
  {
    key: "previousInsurer",
    labels: [
      "previous insurer",
      "previous insurer name",
      "prev insurer",
      "expiring insurer",
      "previous insurance company",
    ],
  },
  { key: "insurerName", labels: ["insurer", "insurer name", "insurance company", "name of insurer"] },
  { key: "productType", labels: ["product", "product name", "policy type", "type of policy"], line: "motor" },
  {
    key: "productType",
    labels: ["vehicle type", "type of vehicle", "class of vehicle", "vehicle class"],
    line: "motor",
  },
  {
    key: "productType",
    labels: ["policy type", "type of policy", "cover type", "policy cover type"],
    line: "health",
  },
  {
    key: "planName",
    labels: ["plan name", "product name", "plan", "product", "policy plan"],
    line: "health",
  },
  {
    key: "issueDate",
    labels: ["date of issue", "issue date", "policy issue date", "policy issued on", "issued on"],
  },
  {
    key: "startDate",
    labels: [
      "policy start date",
      "start date",
      "risk start date",
      "valid from",
      "period from",
      "commencement date",
      "effective from",
    ],
  },
  {
    key: "expiryDate",
    labels: [
      "policy end date",
      "end date",
      "expiry date",
      "policy expiry date",
      "valid till",
      "valid upto",
      "valid up to",
      "period to",
    ],
  },
  { key: "expiryDate", labels: ["od expiry date", "od end date", "od policy end date"], weight: 1.05 },
  { key: "period", labels: ["period of insurance", "policy period", "period of cover", "insurance period"] },
  {
    key: "odPeriod",
    labels: [
      "od period",
      "own damage period",
      "od cover period",
      "od policy period",
      "period of insurance od",
    ],
  },
  {
    key: "tpPeriod",
    labels: [
      "tp period",
      "third party period",
      "liability period",
      "tp cover period",
      "tp policy period",
      "period of insurance tp",
    ],
  },
  {
    key: "netOd",
    labels: [
      "net own damage premium",
      "net od premium",
      "total own damage premium",
      "total own damage premium a",
      "total od premium",
      "od premium a",
      "total a",
      "net own damage premium a",
    ],
  },
  {
    key: "tpPremium",
    labels: [
      "total liability premium",
      "total liability premium b",
      "net liability premium",
      "liability premium b",
      "total tp premium",
      "net tp premium",
      "third party premium",
      "total third party premium",
      "total b",
    ],
  },
  {
    key: "netPremium",
    labels: [
      "net premium",
      "net premium a b",
      "total package premium",
      "total package premium a b",
      "premium before tax",
      "taxable value",
      "taxable premium",
      "total premium before tax",
    ],
  },
  {
    key: "gstAmount",
    labels: [
      "gst",
      "igst",
      "cgst sgst",
      "cgst and sgst",
      "total tax payable",
      "total gst",
      "goods and services tax",
      "gst amount",
    ],
  },
  { key: "cgst", labels: ["cgst", "central gst"] },
  { key: "sgst", labels: ["sgst", "utgst", "state gst"] },
  {
    key: "totalPremium",
    labels: [
      "total premium",
      "total premium payable",
      "final premium",
      "gross premium",
      "total amount payable",
      "premium payable",
      "total payable",
      "premium amount incl gst",
    ],
  },
  {
    key: "customerName",
    labels: [
      "insured name",
      "name of insured",
      "name of the insured",
      "insured",
      "proposer name",
      "proposer",
      "policy holder",
      "policy holder name",
      "policyholder name",
      "customer name",
      "name of proposer",
    ],
  },
  {
    key: "mobile",
    labels: ["mobile no", "mobile", "contact no", "phone no", "mobile number", "insured mobile", "tel no"],
  },
  { key: "email", labels: ["email", "email id", "email address", "insured email"] },
  {
    key: "vehicleNumber",
    labels: [
      "registration no",
      "reg no",
      "vehicle no",
      "vehicle reg no",
      "vehicle registration no",
      "registration mark",
    ],
    line: "motor",
  },
  { key: "make", labels: ["make", "vehicle make", "manufacturer"], line: "motor" },
  { key: "model", labels: ["model", "vehicle model"], line: "motor" },
  { key: "makeModel", labels: ["make model", "make and model", "make model variant"], line: "motor" },
  { key: "variant", labels: ["variant", "sub model", "model variant"], line: "motor" },
  { key: "fuelType", labels: ["fuel type", "fuel"], line: "motor" },
  {
    key: "cc",
    labels: ["cubic capacity", "cc", "engine capacity", "cubic capacity watts", "cc kw"],
    line: "motor",
  },
  {
    key: "manufacturingYear",
    labels: ["year of manufacture", "manufacturing year", "mfg year", "year of manufacturing", "yom"],
    line: "motor",
  },
  { key: "engineNumber", labels: ["engine no", "motor no"], line: "motor" },
  { key: "chassisNumber", labels: ["chassis no", "vin", "chassis vin no"], line: "motor" },
  {
    key: "idv",
    labels: ["idv", "insured declared value", "total idv", "insured s declared value", "idv of vehicle"],
    line: "motor",
  },
  { key: "idv", labels: ["vehicle idv"], weight: 0.9, line: "motor" },
  {
    key: "ncbPercent",
    labels: ["no claim bonus", "ncb", "ncb percent", "no claim bonus percent"],
    line: "motor",
  },
  {
    key: "sumInsured",
    labels: ["sum insured", "basic sum insured", "cover amount", "total sum insured"],
    line: "health",
  },
  {
    key: "memberName",
    labels: ["name", "member name", "name of insured person", "insured person name", "name of member"],
    line: "health",
  },
  { key: "memberDob", labels: ["date of birth", "dob", "birth date"], line: "health" },
  {
    key: "memberRelation",
    labels: ["relation", "relationship", "relationship with proposer", "relation with proposer"],
    line: "health",
  },
  { key: "distractor", labels: DISTRACTOR_LABELS },
];

/** Extra labels used only for one insurer's schedules, keyed by canonical name: data, not code. */
export const INSURER_LABELS: Record<string, LabelEntry[]> = {
  "ICICI Lombard General Insurance": [{ key: "netOd", labels: ["total own damage premium a"] }],
  "Royal Sundaram General Insurance": [{ key: "netPremium", labels: ["net premium a b"] }],
  "HDFC ERGO General Insurance": [{ key: "netPremium", labels: ["total package premium a b"] }],
  "Reliance General Insurance": [{ key: "netOd", labels: ["total own damage premium"] }],
  "Go Digit General Insurance": [
    { key: "netOd", labels: ["own damage premium total"] },
    { key: "tpPremium", labels: ["third party premium total"] },
  ],
};
