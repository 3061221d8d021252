import { MINUTE, type TimeZone } from './zone.js';

// ISO 8601 date or date-time; a space is accepted for the `T` because spreadsheets export that.
const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?(Z|[+-]\d{2}(?::?\d{2})?)?)?$/i;

/**
 * `2026-12-10` (00:00 local), `2026-12-10T18:00` (local to `zone`) or `2026-12-10T18:00+01:00` /
 * `…Z` (absolute). Returns epoch milliseconds, or undefined when the text is not a real date.
 */
export function parseDateTime(text: string, zone: TimeZone): number | undefined {
  const match = DATE_TIME.exec(text.trim());
  if (!match) return undefined;
  const [y, mo, d, h, mi, s] = [1, 2, 3, 4, 5, 6].map((i) => Number(match[i] ?? 0)) as [number, number, number, number, number, number];
  const millis = Number((match[7] ?? '').padEnd(3, '0').slice(0, 3));
  if (h > 23 || mi > 59 || s > 59) return undefined;
  const wall = Date.UTC(y, mo - 1, d, h, mi, s, millis);
  // Date.UTC rolls 2026-02-30 over into March: a different date back means it was not a real one.
  const back = new Date(wall);
  if (back.getUTCFullYear() !== y || back.getUTCMonth() !== mo - 1 || back.getUTCDate() !== d) return undefined;
  const offset = match[8];
  if (offset === undefined) return zone.resolve(wall);
  if (offset.toUpperCase() === 'Z') return wall;
  const digits = offset.slice(1).replace(':', '');
  const minutes = Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2) || 0);
  if (Number(digits.slice(2) || 0) > 59) return undefined;
  return wall - (offset.startsWith('-') ? -minutes : minutes) * MINUTE;
}
