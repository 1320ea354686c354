import type { Random } from "./random";

/** How one insurer's schedule looks: its printed name, contact details and label wording. */
export interface InsurerProfile {
  name: string;
  printed: string;
  domain: string;
  gstin: string;
  line: "motor" | "health" | "both";
  policyNumber: (random: Random) => string;
  /** Label wording per field, as this insurer prints it (fields not listed use the common wording). */
  labels: Partial<Record<string, string[]>>;
}

const digits = (random: Random, n: number) => random.chars("0123456789", n);

export const PROFILES: InsurerProfile[] = [
  {
    name: "TATA AIG General Insurance",
    printed: "TATA AIG General Insurance Company Limited",
    domain: "tataaig.com",
    gstin: "27AABCT3518Q1ZW",
    line: "both",
    policyNumber: (r) => `${digits(r, 10)}${r.pick(["", "00"])}`,
    labels: {
      policyNumber: ["Policy No.", "Certificate No. & Policy No."],
      totalPremium: ["Total Premium Payable"],
    },
  },
  {
    name: "ICICI Lombard General Insurance",
    printed: "ICICI Lombard General Insurance Company Ltd.",
    domain: "icicilombard.com",
    gstin: "27AAACI7904G1ZN",
    line: "both",
    policyNumber: (r) => `3001/${digits(r, 9)}/${digits(r, 5)}/000`,
    labels: { netOd: ["Total Own Damage Premium(A)"], tpPremium: ["Total Liability Premium(B)"] },
  },
  {
    name: "HDFC ERGO General Insurance",
    printed: "HDFC ERGO General Insurance Company Limited",
    domain: "hdfcergo.com",
    gstin: "27AABCL5045N1Z8",
    line: "both",
    policyNumber: (r) => `${digits(r, 4)}${digits(r, 4)}${digits(r, 4)}${digits(r, 4)}000`,
    labels: { netPremium: ["Total Package Premium (a+b)"], vehicleNumber: ["Vehicle Registration No."] },
  },
  {
    name: "Go Digit General Insurance",
    printed: "Go Digit General Insurance Ltd.",
    domain: "godigit.com",
    gstin: "29AACCO4128Q1ZS",
    line: "both",
    policyNumber: (r) => `D${digits(r, 9)}`,
    labels: {
      netOd: ["Own Damage Premium Total"],
      tpPremium: ["Third Party Premium Total"],
      totalPremium: ["Final Premium"],
    },
  },
  {
    name: "Bajaj Allianz General Insurance",
    printed: "Bajaj Allianz General Insurance Co. Ltd.",
    domain: "bajajallianz.co.in",
    gstin: "27AABCB5730G1ZX",
    line: "both",
    policyNumber: (r) => `OG-${digits(r, 2)}-${digits(r, 4)}-${digits(r, 4)}-${digits(r, 8)}`,
    labels: { vehicleNumber: ["Regn. No."], idv: ["Insured Declared Value"] },
  },
  {
    name: "Royal Sundaram General Insurance",
    printed: "Royal Sundaram General Insurance Co. Limited",
    domain: "royalsundaram.in",
    gstin: "33AABCR7106G1ZJ",
    line: "both",
    policyNumber: (r) => `VPC${digits(r, 7)}${r.chars("ABCDEFGH", 3)}`,
    labels: { netPremium: ["NET PREMIUM (A + B)"], customerName: ["Name of the Insured"] },
  },
  {
    name: "Star Health and Allied Insurance",
    printed: "Star Health and Allied Insurance Co. Ltd.",
    domain: "starhealth.in",
    gstin: "33AAJCS4543F1ZR",
    line: "health",
    policyNumber: (r) => `P/${digits(r, 6)}/01/${r.int(2025, 2026)}/${digits(r, 6)}`,
    labels: { customerName: ["Proposer Name"], sumInsured: ["Sum Insured"] },
  },
  {
    name: "Niva Bupa Health Insurance",
    printed: "Niva Bupa Health Insurance Company Limited",
    domain: "nivabupa.com",
    gstin: "07AAFCM8513J1ZO",
    line: "health",
    policyNumber: (r) => `${digits(r, 8)}${r.pick(["", "01"])}`,
    labels: {
      customerName: ["Policy Holder Name"],
      sumInsured: ["Basic Sum Insured"],
      planName: ["Plan Name"],
    },
  },
];

/** The wording insurers share, per field; a profile's own wording is used when it has one. */
export const COMMON_LABELS: Record<string, string[]> = {
  policyNumber: ["Policy No.", "Policy Number", "Policy/Certificate No."],
  issueDate: ["Date of Issue", "Issue Date", "Policy Issued On"],
  startDate: ["Policy Start Date", "Valid From", "Risk Start Date"],
  expiryDate: ["Policy End Date", "Expiry Date", "Valid Till"],
  period: ["Period of Insurance", "Policy Period"],
  productType: ["Product", "Policy Type", "Product Name"],
  customerName: ["Insured Name", "Name of Insured", "Proposer Name", "Policy Holder"],
  mobile: ["Mobile No.", "Mobile Number", "Contact No."],
  email: ["Email ID", "E-mail", "Email Address"],
  vehicleNumber: ["Registration No.", "Vehicle No.", "Regn. No.", "Vehicle Reg. No."],
  make: ["Make", "Vehicle Make", "Manufacturer"],
  model: ["Model", "Vehicle Model"],
  makeModel: ["Make / Model", "Make & Model"],
  variant: ["Variant", "Sub Model"],
  fuelType: ["Fuel Type", "Fuel"],
  cc: ["Cubic Capacity", "CC", "Engine Capacity"],
  manufacturingYear: ["Year of Manufacture", "Mfg. Year", "Manufacturing Year"],
  engineNumber: ["Engine No.", "Engine Number"],
  chassisNumber: ["Chassis No.", "Chassis Number"],
  idv: ["IDV", "Total IDV", "Insured Declared Value", "IDV (Rs.)"],
  ncbPercent: ["No Claim Bonus", "NCB %", "NCB"],
  netOd: ["Net Own Damage Premium", "Total Own Damage Premium (A)", "Total OD Premium"],
  tpPremium: ["Total Liability Premium (B)", "Net Liability Premium", "Total TP Premium"],
  netPremium: ["Net Premium", "Premium before Tax", "Taxable Value"],
  gstAmount: ["GST @18%", "IGST @ 18%", "GST (18%)", "Total Tax Payable"],
  totalPremium: ["Total Premium", "Total Premium Payable", "Gross Premium", "Total Amount Payable"],
  previousPolicyNumber: ["Previous Policy No.", "Prev. Policy No.", "Expiring Policy No."],
  previousInsurer: ["Previous Insurer", "Prev. Insurer", "Expiring Insurer"],
  planName: ["Plan Name", "Product Name", "Plan"],
  sumInsured: ["Sum Insured", "Basic Sum Insured", "Cover Amount"],
};

/** Wording the lexicon does not know: the extractor should miss these fields, not guess them. */
const UNSEEN: Record<string, string[]> = {
  policyNumber: ["Policy Ref."],
  customerName: ["Client"],
  make: ["Brand"],
  chassisNumber: ["Frame No."],
  mobile: ["Cell"],
  idv: ["Sum Insured (Vehicle)"],
  totalPremium: ["Amount Collected"],
};

/** The label this insurer prints for a field (now and then one the lexicon has never seen). */
export function labelFor(
  profile: InsurerProfile,
  field: string,
  random: Random,
  unseenFields?: Set<string>,
): string {
  const unseen = UNSEEN[field];
  if (unseen && random.chance(0.02)) {
    unseenFields?.add(field);
    return random.pick(unseen);
  }
  const own = profile.labels[field];
  return random.pick(own && random.chance(0.8) ? own : (COMMON_LABELS[field] ?? [field]));
}
