/** One positioned run of text on a page: what pdf.js gives per text item. Units are the page's own
 * (PDF points for the text layer); `y` is the top of the item, growing downward. */
export interface TextItem {
  str: string;
  x: number;
  y: number;
  width: number;
  height: number;
  /** OCR's confidence in the word (0–1); absent for a text layer, which is exact. */
  confidence?: number;
}

/** A page of positioned text: the extractor's input, from the text layer or from OCR. */
export interface TextPage {
  page: number;
  width: number;
  height: number;
  items: TextItem[];
}

export type FieldSource = "text" | "ocr";

/** A value found in the document, with how sure we are and where it came from. */
export interface FieldValue<T> {
  value: T;
  /** 0–1: label match × association × parser, adjusted by cross-field checks. */
  confidence: number;
  source: FieldSource;
  page: number;
}

/** A field not found is null, never defaulted. */
export type Field<T> = FieldValue<T> | null;

export type ProductLine = "motor" | "health";

export interface Member {
  name: string;
  /** ISO date, or null when the member table prints no date of birth. */
  dob: string | null;
  relation: string | null;
}

/** The typed values of a policy record. Dates are ISO (yyyy-mm-dd), money is integer paise. */
export interface PolicyValues {
  productLine: ProductLine;
  policyNumber: string;
  insurer: string;
  productType: string;
  issueDate: string;
  startDate: string;
  expiryDate: string;
  netOd: number;
  tpPremium: number;
  netPremium: number;
  gstAmount: number;
  totalPremium: number;
  customerName: string;
  mobile: string;
  email: string;
  vehicleNumber: string;
  make: string;
  model: string;
  variant: string;
  fuelType: string;
  cc: number;
  manufacturingYear: number;
  engineNumber: string;
  chassisNumber: string;
  idv: number;
  ncbPercent: number;
  previousPolicyNumber: string;
  previousInsurer: string;
  planName: string;
  sumInsured: number;
  members: Member[];
}

export type FieldName = keyof PolicyValues;

export type PolicyFields = { [K in FieldName]: Field<PolicyValues[K]> };

export type IssueCode =
  | "missing_required"
  | "low_confidence"
  | "registration_format"
  | "ncb_slab"
  | "premium_mismatch"
  | "expiry_not_after_start"
  | "implausible_cc"
  | "implausible_year"
  | "no_members";

/** A reason the record needs a human look. */
export interface ValidationIssue {
  field: FieldName;
  code: IssueCode;
  message: string;
}

export interface PolicyExtraction {
  fields: PolicyFields;
  /** The registration is printed as "NEW" / "applied for": vehicleNumber is null on purpose. */
  newVehicle: boolean;
  issues: ValidationIssue[];
  needsReview: boolean;
}
