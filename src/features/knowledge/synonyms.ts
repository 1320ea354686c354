// Query expansion for lexical search: customers ask in everyday words what support documents say in
// their own ("send back" / "return", "guarantee" / "warranty"). English stemming does not bridge these,
// and Postgres thesaurus dictionaries need files on the server (not possible on Neon). Each group is
// one term: a passage containing any member covers it.
const GROUPS: string[][] = [
  ["return", "send back", "bring back"],
  ["refund", "money back", "reimburse", "repay"],
  ["warranty", "guarantee", "guaranteed"],
  ["damaged", "broken", "bent", "cracked", "scratched", "dented", "defective", "faulty"],
  ["defect", "fault", "flaw"],
  ["delivery", "shipping", "shipment", "dispatch", "ship", "send", "sent"],
  ["parcel", "package"],
  ["packaging", "box", "carton"],
  ["tyre", "tire"],
  ["workshop", "repair shop", "service centre", "service center"],
  ["service", "tune-up", "tune up", "maintenance"],
  ["inspection", "check-up", "checkup"],
  ["cancel", "cancellation", "call off"],
  ["change", "modify", "amend", "edit"],
  ["cost", "price", "fee", "charge", "pay"],
  ["free", "no charge", "without charge"],
  ["gift card", "voucher", "gift certificate"],
  ["discount", "reduction", "coupon", "promo code"],
  ["bank transfer", "wire transfer"],
  ["Visa", "Mastercard", "credit card", "debit card"],
  ["next working day", "tomorrow", "overnight"],
  ["customs", "import duty", "import duties", "tax"],
  ["lost", "missing", "never arrived", "not arrived"],
  ["opening hours", "open", "hours"],
  ["expire", "expiry", "valid", "validity"],
  ["invoice", "receipt", "bill"],
  ["bicycle", "bike", "cycle"],
  ["store", "shop"],
  ["battery", "accu", "accumulator"],
];

const INDEX = new Map<string, string[]>();
for (const group of GROUPS) for (const member of group) INDEX.set(member.toLowerCase(), group);
const LONGEST = Math.max(...GROUPS.flat().map((member) => member.split(" ").length));

/** The question's words, each with its synonyms: one group per term (phrases such as "send back" first). */
export function termGroups(question: string): string[][] {
  const words = question.toLowerCase().match(/[\p{L}\p{N}][\p{L}\p{N}'.-]*/gu) ?? [];
  const groups: string[][] = [];
  for (let i = 0; i < words.length; ) {
    let taken = 1;
    let group: string[] = [words[i] ?? ""];
    for (let n = Math.min(LONGEST, words.length - i); n >= 1; n--) {
      const synonyms = INDEX.get(words.slice(i, i + n).join(" "));
      if (synonyms) {
        group = [words.slice(i, i + n).join(" "), ...synonyms];
        taken = n;
        break;
      }
    }
    groups.push(group);
    i += taken;
  }
  return groups.slice(0, 40);
}
