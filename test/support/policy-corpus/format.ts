// How schedules print values: the corpus varies these the way insurers do.
import type { Random } from "./random";

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
const LONG_MONTHS = [
  "January",
  "February",
  "March",
  "April",
  "May",
  "June",
  "July",
  "August",
  "September",
  "October",
  "November",
  "December",
];

/** Indian digit grouping: 12,34,567. */
export function indianGroup(rupees: number): string {
  const digits = String(rupees);
  if (digits.length <= 3) return digits;
  const head = digits.slice(0, -3).replace(/\B(?=(\d{2})+(?!\d))/g, ",");
  return `${head},${digits.slice(-3)}`;
}

/** An amount in paise as a schedule prints it: "₹ 12,34,567.00", "Rs. 12,345/-", "INR 980.50", "12,345.00". */
export function formatMoney(paise: number, random: Random, style = random.int(0, 5), ascii = false): string {
  const rupees = Math.floor(paise / 100);
  const decimals = String(paise % 100).padStart(2, "0");
  switch (style) {
    case 0:
      return `${ascii ? "Rs." : "₹"} ${indianGroup(rupees)}.${decimals}`;
    case 1:
      return paise % 100 === 0 ? `Rs. ${indianGroup(rupees)}/-` : `Rs. ${indianGroup(rupees)}.${decimals}`;
    case 2:
      return `INR ${rupees}.${decimals}`;
    case 3:
      return `${rupees.toLocaleString("en-US")}.${decimals}`;
    default:
      return `${indianGroup(rupees)}.${decimals}`;
  }
}

/** An ISO date as a schedule prints it: 12/03/2025, 12-Mar-2025, 12 March 2025, 12.03.2025. */
export function formatDate(iso: string, style: number): string {
  const [year, month, day] = iso.split("-");
  const m = Number(month) - 1;
  switch (style % 4) {
    case 0:
      return `${day}/${month}/${year}`;
    case 1:
      return `${day}-${MONTHS[m]}-${year}`;
    case 2:
      return `${day} ${LONG_MONTHS[m]} ${year}`;
    default:
      return `${day}.${month}.${year}`;
  }
}

/** A plate with the separators people type: "MH 12 AB 1234", "MH-12-AB-1234", "MH12AB1234". */
export function formatPlate(plate: string, random: Random): string {
  const parts =
    /^(\d{2})(BH)(\d{4})([A-Z]{1,2})$/.exec(plate) ?? /^([A-Z]{2})(\d{2})([A-Z]{1,2})(\d{4})$/.exec(plate);
  if (!parts) return plate;
  return parts.slice(1).join(random.pick([" ", "-", "", " "]));
}

/** A mobile as printed: "+91 98765 43210", "098765 43210", "9876543210", "+91-9876543210". */
export function formatMobile(mobile: string, random: Random): string {
  return random.pick([
    `+91 ${mobile.slice(0, 5)} ${mobile.slice(5)}`,
    `0${mobile}`,
    mobile,
    `+91-${mobile}`,
    `${mobile.slice(0, 5)}-${mobile.slice(5)}`,
  ]);
}

/** Adds days to an ISO date. */
export function addDays(iso: string, days: number): string {
  return new Date(Date.parse(iso) + days * 86_400_000).toISOString().slice(0, 10);
}
