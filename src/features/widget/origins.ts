/**
 * Allowed origins of a widget key: `*`, an exact origin (`https://shop.example`), or a wildcard for
 * subdomains (`https://*.example.com`): one or more labels in place of `*`, same scheme and port.
 * A wildcard never matches the apex (list it too) nor a look-alike such as `evil-example.com`.
 */
const EXACT = /^https?:\/\/[^/\s*?#@]+$/i;
// At least two labels after `*.`, so `https://*.com` is refused.
const WILDCARD = /^(https?:\/\/)\*\.((?:[a-z0-9-]+\.)+[a-z0-9-]+(?::\d{1,5})?)$/i;
const LABELS = /^[a-z0-9-]+(?:\.[a-z0-9-]+)*$/;

/** Why `value` is not a usable origin pattern, or null when it is. */
export function originPatternIssue(value: string): string | null {
  if (value === "*" || EXACT.test(value) || WILDCARD.test(value)) return null;
  return value.includes("*")
    ? "a wildcard is only allowed as the first label, such as https://*.example.com"
    : "an origin such as https://shop.example (no path), https://*.example.com, or *";
}

/** Whether a page's Origin is allowed by a key's origin patterns (case-insensitive, as hosts are). */
export function originAllowed(patterns: readonly string[], origin: string | undefined): boolean {
  if (patterns.includes("*")) return true;
  if (!origin) return false;
  const given = origin.toLowerCase();
  return patterns.some((pattern) => {
    const wanted = pattern.toLowerCase();
    if (wanted === given) return true;
    const wildcard = WILDCARD.exec(wanted);
    if (!wildcard) return false;
    const [, scheme = "", rest = ""] = wildcard;
    const host = given.startsWith(scheme) ? given.slice(scheme.length) : "";
    if (!host.endsWith(`.${rest}`)) return false;
    return LABELS.test(host.slice(0, -(rest.length + 1)));
  });
}
