import { readFileSync } from 'node:fs';
import Papa from 'papaparse';
import { ImportError } from '../contacts/import-error.js';
import { clip, isScore, isValidEmail, mapHeaders, normalizeEmail, printable } from '../contacts/normalize.js';
import type { SampleContact } from './sample-contacts.js';

export interface SampleContactsFile {
  contacts: SampleContact[];
  rejected: { line: number; reason: string }[];
}

/** Sample files are a handful of hand-picked contacts: read whole, not streamed. */
const MAX_BYTES = 10 * 1024 * 1024;

/**
 * Sample contacts from a CSV file with a header line, mapped as `relance contacts import` maps
 * them (`First Name` → `firstName`, an email column required). Bad rows are skipped and reported
 * with their line and reason; a file without an email column is refused whole.
 */
export function readSampleContacts(file: string): SampleContactsFile {
  let text: string;
  try {
    const bytes = readFileSync(file);
    if (bytes.length > MAX_BYTES) throw new ImportError('IMPORT_FILE_UNREADABLE', `${file}: a sample contacts file is limited to ${MAX_BYTES / 1024 / 1024} MB`);
    text = bytes.toString('utf8').replace(/^\uFEFF/, '');
  } catch (err) {
    if (err instanceof ImportError) throw err;
    throw new ImportError('IMPORT_FILE_UNREADABLE', `cannot read ${file}: ${(err as Error).message}`, { cause: err });
  }
  const contacts: SampleContact[] = [];
  const rejected: SampleContactsFile['rejected'] = [];
  const seen = new Map<string, number>();
  let mapping: ReturnType<typeof mapHeaders> | undefined;
  const lines = lineCounter(text);
  let start = 0;
  Papa.parse<string[]>(text, {
    step: (result) => {
      const line = lines(start);
      start = result.meta.cursor;
      const cells = result.data;
      if (cells.every((c) => c.trim() === '')) return;
      if (!mapping) {
        mapping = mapHeaders(cells);
        if (mapping.emailIndex < 0) throw new ImportError('IMPORT_NO_EMAIL_COLUMN', `${file}: no email column: the header (line ${line}) must name one (email, e-mail, courriel…)`);
        return;
      }
      if (result.errors.length > 0) return void rejected.push({ line, reason: 'malformed quotes (a quote inside a quoted field must be doubled: "")' });
      if (cells.length !== mapping.fields.length) return void rejected.push({ line, reason: `expected ${mapping.fields.length} columns, found ${cells.length}` });
      const email = normalizeEmail(cells[mapping.emailIndex]!);
      if (email === '') return void rejected.push({ line, reason: 'missing email address' });
      if (!isValidEmail(email)) return void rejected.push({ line, reason: `invalid email address "${printable(clip(email, 80))}"` });
      const fields: Record<string, unknown> = { email };
      for (let c = 0; c < cells.length; c++) {
        const field = mapping.fields[c];
        const value = cells[c]!.trim();
        if (!field || c === mapping.emailIndex || value === '') continue;
        if (field === 'score' && !isScore(value)) return void rejected.push({ line, reason: `score must be a number, found "${printable(clip(value, 40))}"` });
        fields[field] = value;
      }
      const first = seen.get(email);
      if (first !== undefined) return void rejected.push({ line, reason: `duplicate of line ${first}` });
      seen.set(email, line);
      contacts.push({ id: `sample-${contacts.length + 1}`, email, fields });
    },
  });
  if (!mapping) throw new ImportError('IMPORT_EMPTY_FILE', `${file} is empty: expected a header line with an email column, then one contact per line`);
  return { contacts, rejected };
}

/** Line number (from 1) of an offset; offsets are asked in increasing order. */
function lineCounter(text: string): (offset: number) => number {
  const breakChar = text.includes('\n') ? '\n' : '\r';
  let line = 1;
  let at = 0;
  return (offset) => {
    for (let i = text.indexOf(breakChar, at); i !== -1 && i < offset; i = text.indexOf(breakChar, i + 1)) line++;
    at = Math.max(at, offset);
    return line;
  };
}
