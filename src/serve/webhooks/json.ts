/** Reading providers' JSON, which is untrusted even once signed: nothing here throws. */

/** What a body that does not parse gives. */
export const NOT_JSON = Symbol('not JSON');

export function parseJson(raw: Buffer): unknown {
  try {
    return JSON.parse(raw.toString('utf8'));
  } catch {
    return NOT_JSON;
  }
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `value[a][b]…`, own properties only (`__proto__` and friends read as undefined). */
export function at(value: unknown, ...path: string[]): unknown {
  let here = value;
  for (const key of path) {
    if (!isRecord(here) || !Object.hasOwn(here, key)) return undefined;
    here = here[key];
  }
  return here;
}

/** A string (a finite number as its text), else undefined. */
export function text(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return undefined;
}

/** How far in the future an event's time may be (clocks differ a little); beyond, it is heard now. */
const FUTURE_MS = 300_000;

/** Epoch seconds (a float for Mailgun) as a Date; now when missing, nonsense or in the future. */
export function epochDate(value: unknown, now: Date): Date {
  const seconds = typeof value === 'number' ? value : typeof value === 'string' && /^\d{1,12}(\.\d+)?$/.test(value) ? Number(value) : NaN;
  const ms = Math.round(seconds * 1000);
  if (!Number.isFinite(ms) || ms <= 0 || ms > now.getTime() + FUTURE_MS) return now;
  return new Date(ms);
}

/** A detail for the event log: the defined values, each cut to 200 characters (the log is ~60 bytes an entry). */
export function detailOf(fields: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(fields)) {
    const t = text(value);
    if (t !== undefined && t !== '') out[key] = t.length > 200 ? `${t.slice(0, 199)}…` : t;
  }
  return out;
}
