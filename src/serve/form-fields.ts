/**
 * The honeypot: a field a person never sees (the form hides it with CSS), so never fills in. A
 * submission with it filled in is a bot's: it is answered as if accepted and recorded nowhere.
 */
export const HONEYPOT_FIELD = 'website';
export const MAX_FORM_FIELDS = 50;
export const MAX_FIELD_CHARS = 2000;
const MAX_NAME_CHARS = 100;
/** Names that mean something to JavaScript objects: a real form never uses them. */
const RESERVED = new Set(['__proto__', 'constructor', 'prototype']);

export type FormFields = { ok: true; fields: Record<string, string>; honeypot: boolean } | { ok: false; message: string };

/**
 * A submission's fields as text, whatever the encoding: an HTML form's (strings, a repeated name
 * an array) or JSON's (numbers and booleans become text). Repeated values are joined with ", ".
 * A nested object is refused: a form has none, and text is all the event log keeps.
 */
export function readFormFields(body: unknown): FormFields {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return { ok: false, message: 'the body must be form fields (an object of text values)' };
  const entries = Object.entries(body);
  if (entries.length > MAX_FORM_FIELDS + 1) return { ok: false, message: `at most ${MAX_FORM_FIELDS} fields` };
  // A null prototype: no field name can reach Object.prototype.
  const fields: Record<string, string> = Object.create(null) as Record<string, string>;
  let honeypot = false;
  for (const [name, raw] of entries) {
    if (name === '' || name.length > MAX_NAME_CHARS || /\p{Cc}/u.test(name)) return { ok: false, message: `field names are 1 to ${MAX_NAME_CHARS} printable characters` };
    if (RESERVED.has(name)) return { ok: false, message: `"${name}" is not a field name` };
    const value = asText(raw);
    if (value === undefined) return { ok: false, message: `field "${name}" must be text (or a list of texts), not an object` };
    if (value.length > MAX_FIELD_CHARS) return { ok: false, message: `field "${name}" is longer than ${MAX_FIELD_CHARS} characters` };
    if (name === HONEYPOT_FIELD) honeypot ||= value.trim() !== '';
    else fields[name] = value;
  }
  if (Object.keys(fields).length > MAX_FORM_FIELDS) return { ok: false, message: `at most ${MAX_FORM_FIELDS} fields` };
  return { ok: true, fields, honeypot };
}

function asText(raw: unknown): string | undefined {
  if (Array.isArray(raw)) {
    const parts = raw.map(scalar);
    return parts.every((p): p is string => p !== undefined) ? parts.join(', ') : undefined;
  }
  return scalar(raw);
}

function scalar(raw: unknown): string | undefined {
  if (typeof raw === 'string') return raw;
  if (typeof raw === 'number' || typeof raw === 'boolean') return String(raw);
  if (raw === null) return '';
  return undefined;
}
