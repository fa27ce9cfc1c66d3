// num.js — numbers in the site's digits (site.digits: "latin" 13 or "arabic" ١٣), the same
// choice the public pages make (lib/text kb_text_addnum), for every count, date and reading
// time the UI shows.  Identifiers (article and token numbers in links) stay as they are.
// No DOM here: node's tests import it through readtime.js and tz.js.

let arabic = false;

/** Set from GET /api/v1/session's site.digits. */
export function setDigits(digits) {
  arabic = digits === 'arabic';
}

export function arabicDigits() {
  return arabic;
}

/** The Unicode numbering system for Intl: "arab" (U+0660…) or "latn". */
export function numberingSystem() {
  return arabic ? 'arab' : 'latn';
}

/** A whole number as the site writes it: 1234 → "1234" or "١٢٣٤" (no grouping, like the server). */
export function fmtNum(n) {
  const s = String(n);
  return arabic ? toSiteDigits(s) : s;
}

/** Every ASCII digit of `s` in the site's digits. */
export function toSiteDigits(s) {
  if (!arabic) return String(s);
  return String(s).replace(/[0-9]/g, (d) => String.fromCharCode(0x660 + Number(d)));
}
