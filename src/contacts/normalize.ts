/**
 * Pure helpers for contact imports: email addresses, CSV headers → field names, cell checks.
 * No I/O, so the rules can be tested one by one and reused by other contact sources.
 */

/** Lower-cased and trimmed: the identity of a contact (`contact:ids` is keyed by it). */
export function normalizeEmail(raw: string): string {
  return raw.trim().toLowerCase();
}

const LOCAL_PART = /^[a-z0-9!#$%&'*+/=?^_`{|}~.-]+$/;
const LABEL = /^[\p{L}\p{N}]([\p{L}\p{N}-]*[\p{L}\p{N}])?$/u;

/**
 * A pragmatic RFC 5322-ish check on a normalised address: one @, a local part of 1 to 64
 * characters without spaces or quotes, a domain made of dot-separated labels with at least one dot,
 * 254 characters at most. Quoted local parts and IP literals are refused: no mailbox provider
 * a marketing list targets accepts them, and they break naive consumers downstream.
 */
export function isValidEmail(email: string): boolean {
  if (email.length > 254) return false;
  const at = email.indexOf('@');
  if (at <= 0 || at !== email.lastIndexOf('@')) return false;
  const local = email.slice(0, at);
  const domain = email.slice(at + 1);
  if (local.length > 64 || !LOCAL_PART.test(local)) return false;
  if (local.startsWith('.') || local.endsWith('.') || local.includes('..')) return false;
  const labels = domain.split('.');
  if (labels.length < 2) return false;
  for (const label of labels) if (label.length > 63 || !LABEL.test(label)) return false;
  return !/^\d+$/.test(labels[labels.length - 1]!); // a TLD is never all digits (1.2.3.4 is no domain)
}

/** Contact fields that CSV headers commonly spell in other ways (English and French). */
const ALIASES: Record<string, string[]> = {
  email: ['email', 'e-mail', 'mail', 'email address', 'e-mail address', 'courriel', 'adresse email', 'adresse e-mail', 'adresse mail'],
  firstName: ['first name', 'firstname', 'first_name', 'given name', 'prenom', 'prénom'],
  lastName: ['last name', 'lastname', 'last_name', 'surname', 'family name', 'nom', 'nom de famille'],
  company: ['company', 'company name', 'organisation', 'organization', 'societe', 'société', 'entreprise'],
  jobTitle: ['job title', 'jobtitle', 'job_title', 'title', 'position', 'poste', 'fonction'],
  phone: ['phone', 'phone number', 'telephone', 'téléphone', 'tel', 'tél', 'mobile'],
  country: ['country', 'pays'],
  city: ['city', 'ville'],
  language: ['language', 'lang', 'langue', 'locale'],
  score: ['score'],
  tags: ['tags', 'tag'],
  status: ['status', 'statut'],
};

/** Compares headers without case, accents, spaces or punctuation: "E-mail" = "email". */
function aliasKey(header: string): string {
  return header.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase().replace(/[^a-z0-9]/g, '');
}

const ALIAS_INDEX = new Map<string, string>();
for (const [field, names] of Object.entries(ALIASES)) for (const name of names) ALIAS_INDEX.set(aliasKey(name), field);

const SAFE_FIELD = /^[A-Za-z][A-Za-z0-9_]{0,63}$/;
/** Names that mean something to JavaScript objects: never used as field names, whatever the case. */
const RESERVED = new Set(['__proto__', 'constructor', 'prototype', ...Object.getOwnPropertyNames(Object.prototype)].map((n) => n.toLowerCase()));

export interface IgnoredColumn {
  /** 1-based column number, as a spreadsheet user counts. */
  column: number;
  header: string;
  reason: string;
}

export interface HeaderMapping {
  /** Field name per column, or null for an ignored column. */
  fields: Array<string | null>;
  /** Index of the email column, or -1 when the file has none. */
  emailIndex: number;
  ignored: IgnoredColumn[];
}

/**
 * camelCase of a free header: "Event date" → "eventDate", "Date d'événement" → "dateDEvenement",
 * "OPT_IN" → "optIn"; an already camelCased "eventDate" stays as it is.
 */
function camelCase(header: string): string {
  const words = header.normalize('NFD').replace(/\p{M}/gu, '').split(/[^A-Za-z0-9]+/).filter(Boolean);
  return words
    .map((word, i) => {
      const w = word === word.toUpperCase() ? word.toLowerCase() : word;
      return (i === 0 ? w.charAt(0).toLowerCase() : w.charAt(0).toUpperCase()) + w.slice(1);
    })
    .join('');
}

/** Maps one header to a field name, or explains why its column is ignored. */
export function fieldForHeader(raw: string): { field: string } | { reason: string } {
  const header = raw.replace(/^\uFEFF/, '').trim();
  if (header === '') return { reason: 'empty header' };
  // Checked on the raw text too: "__proto__" would otherwise camelCase into a harmless-looking "proto".
  if (RESERVED.has(header.toLowerCase())) return { reason: `"${header}" is a reserved name` };
  const alias = ALIAS_INDEX.get(aliasKey(header));
  if (alias) return { field: alias };
  const field = camelCase(header);
  if (RESERVED.has(field.toLowerCase())) return { reason: `"${header}" is a reserved name` };
  if (!SAFE_FIELD.test(field)) return { reason: 'not usable as a field name (letters, digits and _, starting with a letter, 64 at most)' };
  return { field };
}

export function mapHeaders(headers: readonly string[]): HeaderMapping {
  const fields: Array<string | null> = [];
  const ignored: IgnoredColumn[] = [];
  const seen = new Map<string, number>();
  headers.forEach((raw, i) => {
    const mapped = fieldForHeader(raw);
    const header = clip(raw.replace(/^\uFEFF/, '').trim(), 80);
    if ('reason' in mapped) {
      fields.push(null);
      ignored.push({ column: i + 1, header, reason: mapped.reason });
      return;
    }
    const first = seen.get(mapped.field);
    if (first !== undefined) {
      // Two columns for one field: the first one wins, deterministically.
      fields.push(null);
      ignored.push({ column: i + 1, header, reason: `same field (${mapped.field}) as column ${first + 1}` });
      return;
    }
    seen.set(mapped.field, i);
    fields.push(mapped.field);
  });
  return { fields, emailIndex: fields.indexOf('email'), ignored };
}

const FORMULA_START = /^[=+\-@\t\r]/;
/** Numbers and phone numbers ("-5", "+33 6 12 34 56 78") start like formulas but are not. */
const NUMBER_LIKE = /^[+-]?[\d\s().,/-]*\d[\d\s().,/-]*$/;

/**
 * A cell a spreadsheet would run as a formula (CSV injection). It is stored as it is; exports
 * neutralise it. Checked on the raw cell (a leading tab or CR counts) and on the trimmed value.
 */
export function looksLikeFormula(raw: string, value: string): boolean {
  return (FORMULA_START.test(raw) || FORMULA_START.test(value)) && !NUMBER_LIKE.test(value);
}

const SCORE = /^[+-]?(\d+([.,]\d+)?|[.,]\d+)$/;
/** A score cell: a plain decimal number (a comma decimal separator is accepted, as French files use it). */
export function isScore(value: string): boolean {
  return SCORE.test(value);
}

/**
 * Text from a file made safe to print on a terminal: control characters (escape sequences) and
 * bidirectional overrides (which can make a line read differently than it is) become \uXXXX.
 */
export function printable(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

export function clip(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
