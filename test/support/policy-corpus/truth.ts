import type { FieldName, Member, PolicyValues } from "../../../src/features/policies/extract/types";
import { addDays } from "./format";
import { type InsurerProfile, PROFILES } from "./insurers";
import type { Random } from "./random";

/** What a document really says: every field's value, or null when the document does not state it. */
export type Truth = { [K in FieldName]: PolicyValues[K] | null };

/** Printed figures and distractors that are not record fields but appear on the schedule. */
export interface Extras {
  basicOd: number;
  ncbDiscount: number;
  basicTp: number;
  paOwner: number;
  addOn: number;
  splitGst: boolean;
  gstRate: number;
  tpEnd: string | null;
  /** The registration as printed when it is not a plate ("NEW"). */
  registrationText: string | null;
  maskedMobile: string | null;
  nominee: string;
  financier: string | null;
  intermediaryCode: string;
  intermediaryMobile: string;
  receiptNo: string;
  helpline: string;
  combinedMakeModel: boolean;
}

export interface PolicyCase {
  truth: Truth;
  extras: Extras;
  profile: InsurerProfile;
}

const FIRST = [
  "Rajesh",
  "Priya",
  "Amit",
  "Sunita",
  "Vikram",
  "Anjali",
  "Suresh",
  "Kavita",
  "Arjun",
  "Meera",
  "Rohit",
  "Deepa",
];
const LAST = [
  "Kumar",
  "Sharma",
  "Patel",
  "Iyer",
  "Reddy",
  "Nair",
  "Gupta",
  "Singh",
  "Menon",
  "Desai",
  "Joshi",
  "Rao",
];
const VEHICLES: Array<[string, string, string[], string, number]> = [
  ["MARUTI SUZUKI", "SWIFT", ["VXI", "ZXI PLUS"], "Petrol", 1197],
  ["HYUNDAI", "CRETA", ["SX 1.5", "E 1.5 CRDI"], "Diesel", 1493],
  ["TATA MOTORS", "NEXON", ["XZ PLUS", "EV MAX"], "Petrol", 1199],
  ["MAHINDRA", "XUV700", ["AX7", "MX"], "Diesel", 2184],
  ["HONDA", "CITY", ["V CVT", "ZX"], "Petrol", 1498],
  ["TOYOTA", "INNOVA CRYSTA", ["2.4 GX"], "Diesel", 2393],
  ["KIA", "SELTOS", ["HTK PLUS"], "Petrol+CNG", 1497],
];
const BIKES: Array<[string, string, string[], string, number]> = [
  ["HERO MOTOCORP", "SPLENDOR PLUS", ["DRUM"], "Petrol", 97],
  ["ROYAL ENFIELD", "CLASSIC 350", ["SIGNALS"], "Petrol", 349],
  ["TVS", "APACHE RTR 160", ["4V"], "Petrol", 160],
];
const STATES = ["MH", "KA", "DL", "TN", "GJ", "UP", "KL", "TS", "HR", "RJ"];
const PLANS = [
  "Family Health Optima",
  "Comprehensive Health Insurance",
  "ReAssure 2.0",
  "Health Companion",
  "Young Star",
];
const RELATIONS = ["Spouse", "Son", "Daughter", "Father", "Mother"];
const NCB = [0, 20, 25, 35, 45, 50];

const name = (random: Random) => `${random.pick(FIRST)} ${random.pick(LAST)}`;
const upper = "ABCDEFGHJKLMNPRSTUVWXYZ";

/** A random, internally consistent policy and what its schedule prints around it. */
export function randomCase(random: Random): PolicyCase {
  const health = random.chance(0.3);
  const profile = random.pick(
    PROFILES.filter((p) => p.line === "both" || p.line === (health ? "health" : "motor")),
  );
  const start = addDays("2025-01-01", random.int(0, 600));
  const customer = name(random);
  const mobile = `${random.pick(["9", "8", "7", "6"])}${random.chars("0123456789", 9)}`;
  const emailKnown = random.chance(0.7);
  const masked = random.chance(0.1);
  const truth: Truth = {
    productLine: health ? "health" : "motor",
    policyNumber: profile.policyNumber(random),
    insurer: profile.name,
    productType: null,
    issueDate: random.chance(0.9) ? addDays(start, -random.int(0, 10)) : null,
    startDate: start,
    expiryDate: addDays(start, 364),
    netOd: null,
    tpPremium: null,
    netPremium: null,
    gstAmount: null,
    totalPremium: null,
    customerName: customer,
    mobile: masked || random.chance(0.05) ? null : mobile,
    email: emailKnown ? `${customer.toLowerCase().replace(" ", ".")}${random.int(1, 99)}@gmail.com` : null,
    vehicleNumber: null,
    make: null,
    model: null,
    variant: null,
    fuelType: null,
    cc: null,
    manufacturingYear: null,
    engineNumber: null,
    chassisNumber: null,
    idv: null,
    ncbPercent: null,
    previousPolicyNumber: null,
    previousInsurer: null,
    planName: null,
    sumInsured: null,
    members: null,
  };
  const extras: Extras = {
    basicOd: 0,
    ncbDiscount: 0,
    basicTp: 0,
    paOwner: 0,
    addOn: 0,
    splitGst: random.chance(0.4),
    gstRate: 18,
    tpEnd: null,
    registrationText: null,
    maskedMobile: masked ? `${mobile.slice(0, 2)}XXXXXX${mobile.slice(8)}` : null,
    nominee: name(random),
    financier: random.chance(0.4)
      ? random.pick(["HDFC Bank Ltd", "ICICI Bank", "State Bank of India"])
      : null,
    intermediaryCode: `BRK${random.chars("0123456789", 7)}`,
    intermediaryMobile: `9${random.chars("0123456789", 9)}`,
    receiptNo: `RCPT${random.chars("0123456789", 10)}`,
    helpline: random.pick(["1800 266 7780", "1800-209-1111", "1800 102 4488"]),
    combinedMakeModel: random.chance(0.25),
  };
  if (random.chance(0.5)) {
    truth.previousInsurer = random.pick(
      PROFILES.filter((p) => p.name !== profile.name && p.line !== "health"),
    ).name;
    truth.previousPolicyNumber = `${random.chars(upper, 2)}${random.chars("0123456789", 10)}`;
  }
  if (health) healthPart(random, truth, extras, start);
  else motorPart(random, truth, extras, start);
  return { truth, extras, profile };
}

function motorPart(random: Random, truth: Truth, extras: Extras, start: string): void {
  const bike = random.chance(0.25);
  const [make, model, variants, fuel, cc] = random.pick(bike ? BIKES : VEHICLES);
  truth.productType = bike ? "Two Wheeler" : "Private Car";
  Object.assign(truth, { make, model, fuelType: fuel, cc });
  truth.variant = random.chance(0.85) ? random.pick(variants) : null;
  truth.manufacturingYear = Number(start.slice(0, 4)) - random.int(0, 8);
  truth.engineNumber = random.chance(0.95)
    ? `${random.chars(upper, 2)}${random.chars("0123456789ABCDEF", 8)}`
    : null;
  truth.chassisNumber = `MA${random.chars("0123456789", 1)}${random.chars(`${upper}0123456789`, 14)}`;
  const state = random.pick(STATES);
  if (random.chance(0.05)) extras.registrationText = random.pick(["NEW", "Applied For"]);
  else if (random.chance(0.1))
    truth.vehicleNumber = `${random.int(21, 25)}BH${random.chars("0123456789", 4)}${random.chars(upper, 2)}`;
  else
    truth.vehicleNumber = `${state}${String(random.int(1, 50)).padStart(2, "0")}${random.chars(upper, random.int(1, 2))}${random.chars("0123456789", 4)}`;
  truth.idv = random.int(bike ? 30 : 250, bike ? 180 : 2500) * 100_000;
  truth.ncbPercent = truth.previousInsurer ? random.pick(NCB) : 0;
  extras.basicOd = Math.round(truth.idv * (bike ? 0.018 : 0.028));
  extras.ncbDiscount = Math.round((extras.basicOd * (truth.ncbPercent ?? 0)) / 100);
  truth.netOd = extras.basicOd - extras.ncbDiscount;
  extras.basicTp = bike ? 71_400 : random.pick([209_400, 341_600]);
  extras.paOwner = random.chance(0.8) ? 32_500 : 0;
  truth.tpPremium = extras.basicTp + extras.paOwner;
  extras.addOn = random.chance(0.3) ? random.int(1000, 6000) * 100 : 0;
  if (random.chance(0.2)) extras.tpEnd = addDays(start, 3 * 365 - 1); // bundled: TP runs three years
  finishPremium(random, truth, extras, truth.netOd + truth.tpPremium + extras.addOn);
}

function healthPart(random: Random, truth: Truth, extras: Extras, start: string): void {
  const floater = random.chance(0.6);
  truth.productType = floater ? "Family Floater" : "Individual";
  truth.planName = random.pick(PLANS);
  truth.sumInsured = random.pick([3, 5, 10, 15, 25, 50, 100]) * 100_000 * 100;
  const self: Member = {
    name: truth.customerName ?? "",
    dob: addDays("1970-01-01", random.int(0, 9000)),
    relation: "Self",
  };
  const others = floater ? random.int(1, 4) : 0;
  truth.members = [
    self,
    ...Array.from({ length: others }, () => ({
      name: `${random.pick(FIRST)} ${(truth.customerName ?? "").split(" ")[1]}`,
      dob: addDays("1950-01-01", random.int(0, 25000)),
      relation: random.pick(RELATIONS),
    })),
  ];
  // Individual health cover is GST-exempt from 22 September 2025.
  extras.gstRate = start >= "2025-09-22" ? 0 : 18;
  finishPremium(random, truth, extras, random.int(8000, 60000) * 100);
}

function finishPremium(random: Random, truth: Truth, extras: Extras, net: number): void {
  truth.netPremium = net;
  const gst = extras.splitGst
    ? 2 * Math.round((net * extras.gstRate) / 200)
    : Math.round((net * extras.gstRate) / 100);
  truth.gstAmount = gst;
  const total = net + gst;
  truth.totalPremium = random.chance(0.3) ? Math.round(total / 100) * 100 : total;
}
