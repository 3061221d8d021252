import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { readCsv, type CsvRow } from '../contacts/csv-reader.js';
import { ImportError } from '../contacts/import-error.js';
import { clip, isScore, isValidEmail, mapHeaders, normalizeEmail, printable, type HeaderMapping } from '../contacts/normalize.js';
import type { SampleContact } from './sample-contacts.js';

export interface SampleContactsFile {
  contacts: SampleContact[];
  rejected: { line: number; reason: string }[];
}

/** Sample files are a handful of hand-picked contacts. */
const MAX_BYTES = 10 * 1024 * 1024;

/**
 * Sample contacts from a CSV file with a header line, read by the reader `relance contacts import`
 * uses (delimiter guessed, real line numbers) and mapped as it maps them (`First Name` →
 * `firstName`, an email column required). Bad rows are skipped and reported with their line and
 * reason; a file without an email column is refused whole.
 */
export async function readSampleContacts(file: string): Promise<SampleContactsFile> {
  try {
    const info = await stat(file);
    if (!info.isFile()) throw new Error('not a file');
    if (info.size > MAX_BYTES) throw new ImportError('IMPORT_FILE_UNREADABLE', `${file}: a sample contacts file is limited to ${MAX_BYTES / 1024 / 1024} MB`);
  } catch (err) {
    if (err instanceof ImportError) throw err;
    throw new ImportError('IMPORT_FILE_UNREADABLE', `cannot read ${file}: ${(err as Error).message}`, { cause: err });
  }
  const contacts: SampleContact[] = [];
  const rejected: SampleContactsFile['rejected'] = [];
  const seen = new Map<string, number>();
  let mapping: HeaderMapping | undefined;
  await readCsv(createReadStream(file), {
    onRow: (row) => {
      if (!row.error && row.cells.every((c) => c.trim() === '')) return;
      if (!mapping) {
        mapping = mapHeaders(row.cells);
        if (mapping.emailIndex < 0) throw new ImportError('IMPORT_NO_EMAIL_COLUMN', `${file}: no email column: the header (line ${row.line}) must name one (email, e-mail, courriel…)`);
        return;
      }
      const contact = sampleRow(row, mapping, seen);
      if (typeof contact === 'string') rejected.push({ line: row.line, reason: contact });
      else contacts.push({ id: `sample-${contacts.length + 1}`, email: contact.email as string, fields: contact });
    },
  });
  if (!mapping) throw new ImportError('IMPORT_EMPTY_FILE', `${file} is empty: expected a header line with an email column, then one contact per line`);
  return { contacts, rejected };
}

/** A row's fields, or why it is skipped. */
function sampleRow(row: CsvRow, mapping: HeaderMapping, seen: Map<string, number>): Record<string, unknown> | string {
  const { cells } = row;
  if (row.error) return 'malformed quotes (a quote inside a quoted field must be doubled: "")';
  if (cells.length !== mapping.fields.length) return `expected ${mapping.fields.length} columns, found ${cells.length}`;
  const email = normalizeEmail(cells[mapping.emailIndex]!);
  if (email === '') return 'missing email address';
  if (!isValidEmail(email)) return `invalid email address "${printable(clip(email, 80))}"`;
  const fields: Record<string, unknown> = { email };
  for (let c = 0; c < cells.length; c++) {
    const field = mapping.fields[c];
    const value = cells[c]!.trim();
    if (!field || c === mapping.emailIndex || value === '') continue;
    if (field === 'score' && !isScore(value)) return `score must be a number, found "${printable(clip(value, 40))}"`;
    fields[field] = value;
  }
  const first = seen.get(email);
  if (first !== undefined) return `duplicate of line ${first}`;
  seen.set(email, row.line);
  return fields;
}
