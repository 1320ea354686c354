import { addDays, formatDate, formatMobile, formatMoney, formatPlate } from "./format";
import { labelFor } from "./insurers";
import type { Random } from "./random";
import type { PolicyCase } from "./truth";

export type Pair = [label: string, value: string];

export interface Sections {
  title: string;
  header: string[];
  details: Array<{ heading: string; pairs: Pair[] }>;
  premium: Pair[];
  members: Array<[string, string, string]> | null;
  footer: string[];
  /** Fields printed under wording the lexicon does not know. */
  unseen: string[];
}

const NOISE = [
  "Subject to IMT endorsements and the terms, conditions and exclusions of the policy wording.",
  "Important: in case of a claim, intimate us within 48 hours. The premium of Rs. 1,000 for add-ons is optional.",
  "Disclaimer: this schedule is valid only on realisation of premium. Stamp duty of Rs. 1 paid on 01/04/2024.",
  "Grievance redressal: write to our grievance cell; unresolved complaints may go to the Insurance Ombudsman.",
];

/** What a schedule prints for a case, in sections of label/value pairs, with distractors mixed in. */
export function sections(policy: PolicyCase, random: Random): Sections {
  const { truth, extras, profile } = policy;
  const unseen = new Set<string>();
  const label = (field: string) => labelFor(profile, field, random, unseen);
  const dateStyle = random.int(0, 3);
  const date = (iso: string) => formatDate(iso, dateStyle);
  const moneyStyle = random.int(0, 5);
  const money = (paise: number) => formatMoney(paise, random, moneyStyle);
  const motor = truth.productLine === "motor";
  const policyPairs: Pair[] = [[label("policyNumber"), truth.policyNumber ?? ""]];
  if (truth.issueDate) policyPairs.push([label("issueDate"), date(truth.issueDate)]);
  if (extras.tpEnd && truth.startDate && truth.expiryDate) {
    policyPairs.push(["OD Period", `${date(truth.startDate)} to ${date(truth.expiryDate)}`]);
    policyPairs.push(["TP Period", `${date(truth.startDate)} to ${date(extras.tpEnd)}`]);
  } else if (truth.startDate && truth.expiryDate) {
    if (random.chance(0.5)) {
      policyPairs.push([
        label("period"),
        `From ${date(truth.startDate)} 00:00 Hrs To Midnight of ${date(truth.expiryDate)}`,
      ]);
    } else {
      policyPairs.push(
        [label("startDate"), date(truth.startDate)],
        [label("expiryDate"), date(truth.expiryDate)],
      );
    }
  }
  if (truth.productType && random.chance(0.6)) {
    if (motor) policyPairs.push([label("productType"), `${truth.productType} Package Policy`]);
    else policyPairs.push([random.pick(["Policy Type", "Type of Policy"]), truth.productType]);
  }
  if (!motor && truth.planName) policyPairs.push([label("planName"), truth.planName]);
  if (!motor && truth.sumInsured) policyPairs.push([label("sumInsured"), money(truth.sumInsured)]);
  if (truth.previousPolicyNumber)
    policyPairs.push([label("previousPolicyNumber"), truth.previousPolicyNumber]);
  if (truth.previousInsurer) policyPairs.push([label("previousInsurer"), truth.previousInsurer]);
  if (truth.previousPolicyNumber && truth.startDate) {
    policyPairs.push(["Previous Policy Expiry Date", date(addDays(truth.startDate, -1))]);
  }
  policyPairs.push(["Intermediary Code", extras.intermediaryCode]);

  const insured: Pair[] = [[label("customerName"), truth.customerName ?? ""]];
  if (truth.mobile) insured.push([label("mobile"), formatMobile(truth.mobile, random)]);
  else if (extras.maskedMobile) insured.push([label("mobile"), extras.maskedMobile]);
  if (truth.email) insured.push([label("email"), truth.email]);
  insured.push(
    ["Nominee Name", extras.nominee],
    ["Nominee Relationship", random.pick(["Spouse", "Father", "Son"])],
  );
  insured.push(["Intermediary Contact No.", extras.intermediaryMobile]);

  const details = [
    { heading: "POLICY DETAILS", pairs: policyPairs },
    { heading: "INSURED DETAILS", pairs: random.shuffle(insured) },
  ];
  if (motor) details.push({ heading: "VEHICLE DETAILS", pairs: vehiclePairs(policy, random, label, money) });
  return {
    title: motor
      ? `${truth.productType} Package Policy - Certificate of Insurance cum Policy Schedule`
      : `${truth.planName} - ${truth.productType} Policy Schedule`,
    header: [
      profile.printed,
      `GSTIN: ${profile.gstin}   UIN: IRDAN${random.chars("0123456789", 3)}RP0001V01`,
    ],
    details,
    premium: premiumPairs(policy, random, label, money),
    members: truth.members
      ? truth.members.map((member) => [
          member.name,
          formatDate(member.dob ?? "", dateStyle),
          member.relation ?? "",
        ])
      : null,
    footer: [
      `For claims call our toll free number ${extras.helpline} or write to customercare@${profile.domain}`,
      random.pick(NOISE),
      random.pick(NOISE),
    ],
    unseen: [...unseen],
  };
}

function vehiclePairs(
  policy: PolicyCase,
  random: Random,
  label: (f: string) => string,
  money: (p: number) => string,
): Pair[] {
  const { truth, extras } = policy;
  const pairs: Pair[] = [];
  pairs.push([
    label("vehicleNumber"),
    truth.vehicleNumber ? formatPlate(truth.vehicleNumber, random) : (extras.registrationText ?? ""),
  ]);
  if (extras.combinedMakeModel) {
    pairs.push([label("makeModel"), `${truth.make} / ${truth.model}`]);
  } else {
    pairs.push([label("make"), truth.make ?? ""], [label("model"), truth.model ?? ""]);
  }
  if (truth.variant) pairs.push([label("variant"), truth.variant]);
  pairs.push([label("fuelType"), truth.fuelType ?? ""]);
  pairs.push([label("cc"), random.chance(0.5) ? `${truth.cc} CC` : String(truth.cc)]);
  pairs.push([label("manufacturingYear"), String(truth.manufacturingYear)]);
  if (truth.engineNumber) pairs.push([label("engineNumber"), truth.engineNumber]);
  pairs.push([label("chassisNumber"), truth.chassisNumber ?? ""]);
  pairs.push([label("idv"), money(truth.idv ?? 0)]);
  pairs.push([label("ncbPercent"), `${truth.ncbPercent}%`]);
  pairs.push(["RTO Location", random.pick(["PUNE", "BENGALURU", "NEW DELHI", "CHENNAI"])]);
  if (extras.financier) pairs.push(["Financier", extras.financier]);
  pairs.push(["Seating Capacity", truth.productType === "Two Wheeler" ? "2" : "5"]);
  return random.shuffle(pairs);
}

function premiumPairs(
  policy: PolicyCase,
  random: Random,
  label: (f: string) => string,
  money: (p: number) => string,
): Pair[] {
  const { truth, extras } = policy;
  const pairs: Pair[] = [];
  if (truth.productLine === "motor") {
    pairs.push(["Basic OD Premium", money(extras.basicOd)]);
    if (extras.ncbDiscount)
      pairs.push([`Less: NCB Discount (${truth.ncbPercent}%)`, `-${money(extras.ncbDiscount)}`]);
    pairs.push([label("netOd"), money(truth.netOd ?? 0)]);
    pairs.push(["Basic TP Premium", money(extras.basicTp)]);
    if (extras.paOwner) pairs.push(["PA Cover for Owner-Driver", money(extras.paOwner)]);
    pairs.push([label("tpPremium"), money(truth.tpPremium ?? 0)]);
    if (extras.addOn) pairs.push(["Total Add-on Premium (C)", money(extras.addOn)]);
  }
  pairs.push([label("netPremium"), money(truth.netPremium ?? 0)]);
  const gst = truth.gstAmount ?? 0;
  if (extras.splitGst && extras.gstRate > 0) {
    pairs.push(
      [`CGST @${extras.gstRate / 2}%`, money(gst / 2)],
      [`SGST @${extras.gstRate / 2}%`, money(gst / 2)],
    );
  } else if (extras.gstRate === 0) {
    pairs.push(["GST", random.pick(["0.00", "Exempt", "Nil"])]);
  } else {
    pairs.push([label("gstAmount"), money(gst)]);
  }
  pairs.push([label("totalPremium"), money(truth.totalPremium ?? 0)]);
  if (random.chance(0.3)) pairs.push(["Total Premium (in words)", "Rupees as above only"]);
  pairs.push(["Receipt No.", extras.receiptNo]);
  return pairs;
}
