// tz.js — wall-clock times in the newsroom's time zone (site.timezone) ↔ instants, with
// the browser's own zone data (Intl).  Editors type a schedule as the newsroom's local time,
// whatever zone their laptop is in; the API gets an ISO 8601 instant in UTC.

import { numberingSystem } from './num.js';

/** Offset of `zone` from UTC at instant `ms`, in minutes (east positive). */
export function zoneOffset(ms, zone) {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone: zone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit',
    hour: '2-digit', minute: '2-digit', second: '2-digit',
  }).formatToParts(new Date(ms));
  const v = Object.fromEntries(parts.filter((p) => p.type !== 'literal').map((p) => [p.type, Number(p.value)]));
  const asUtc = Date.UTC(v.year, v.month - 1, v.day, v.hour, v.minute, v.second);
  return Math.round((asUtc - Math.floor(ms / 1000) * 1000) / 60000);
}

/** "2026-11-29T14:30" (a datetime-local value) in `zone` → the instant (ms), or NaN. */
export function wallToInstant(value, zone) {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/.exec(value || '');
  if (!m) return NaN;
  const guess = Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +(m[6] || 0));
  // Two rounds settle the offset across a DST change.
  let t = guess - zoneOffset(guess, zone) * 60000;
  t = guess - zoneOffset(t, zone) * 60000;
  return t;
}

const pad = (n) => String(n).padStart(2, '0');

/** The instant (ms) as a datetime-local value in `zone` (seconds kept when not zero). */
export function instantToWall(ms, zone) {
  const d = new Date(ms + zoneOffset(ms, zone) * 60000);
  const base = `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}T${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}`;
  return d.getUTCSeconds() ? `${base}:${pad(d.getUTCSeconds())}` : base;
}

/** An instant as the API wants it: "2026-11-29T11:30:05Z". */
export function isoUtc(ms) {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

/** A human date-time in Arabic in `zone`, in the site's digits: "29 نوفمبر 2026، 14:30" or "٢٩ نوفمبر ٢٠٢٦، ١٤:٣٠". */
export function display(ms, zone) {
  if (!Number.isFinite(ms)) return '';
  return new Intl.DateTimeFormat(`ar-EG-u-nu-${numberingSystem()}`, {
    timeZone: zone, day: 'numeric', month: 'long', year: 'numeric', hour: '2-digit', minute: '2-digit', hourCycle: 'h23',
  }).format(new Date(ms));
}
