import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { Redis } from 'ioredis';
import type { Keys } from '../state/keys.js';
import { runScript } from '../state/scripts.js';
import { MAX_RECORD_CHARS, readCsv, type CsvRow } from './csv-reader.js';
import { ImportError } from './import-error.js';
import { clip, isScore, isValidEmail, looksLikeFormula, mapHeaders, normalizeEmail, printable, type HeaderMapping, type IgnoredColumn } from './normalize.js';
import { SeenEmails } from './seen-emails.js';

export interface RejectedRow {
  /** First physical line of the record (line 1 is the header). */
  line: number;
  email?: string;
  reason: string;
}

export interface ImportProgress {
  bytesRead: number;
  /** Known when importing a file. */
  totalBytes?: number;
  rows: number;
}

export interface ImportOptions {
  redis: Redis;
  keys: Keys;
  /** A CSV file path, or `stream`: bytes or text of a CSV document. */
  file?: string;
  stream?: AsyncIterable<Buffer | string>;
  list: string;
  /** One character; `tab` or `\t` for a tab. Guessed from the first records when absent. */
  delimiter?: string;
  onProgress?: (progress: ImportProgress) => void;
  /** Every rejected row, as it is found (`summary.rejected` keeps the first `maxRejected`). */
  onReject?: (row: RejectedRow) => void;
  maxRejected?: number;
  /** Contacts per Lua script call. */
  batchSize?: number;
  /**
   * Contacts that joined the list, batch by batch (suppressed addresses left out), so that
   * `list-added` and `contact-created` triggers can enrol them. Awaited before the import ends.
   */
  onJoined?: (joined: JoinedContact[]) => Promise<void> | void;
}

export interface JoinedContact {
  email: string;
  /** A new contact, not only new in this list. */
  created: boolean;
}

export interface ImportSummary {
  list: string;
  /** Data records read (blank lines are not records). */
  rows: number;
  /** New contacts. */
  imported: number;
  /** Existing contacts whose fields changed or who joined the list. */
  updated: number;
  /** Contacts new in the list (created or existing), suppressed ones included. */
  joined: number;
  unchanged: number;
  rejected: RejectedRow[];
  /** All rejected rows, including those beyond `maxRejected`. */
  rejectedCount: number;
  /** Imported rows whose address is suppressed (unsubscribed, bounced...): they stay suppressed. */
  suppressed: number;
  /** Cells that a spreadsheet would run as formulas: stored as text, neutralised in exports. */
  formulaCells: number;
  ignoredColumns: IgnoredColumn[];
  delimiter: string;
  seconds: number;
}

/** Same rule as step ids in the scenario schema, so scenarios can name any imported list. */
const LIST_NAME = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;
const BATCH = 1000;
/** Batches sent and not yet answered before reading on: Redis works while the next chunk parses. */
const IN_FLIGHT = 4;

/**
 * Imports a CSV file of contacts into a list, streaming: memory stays bounded whatever the file
 * size. Bad rows are reported with their line and skipped; the file is refused as a whole only
 * when it cannot be an import at all (no email column, empty, unreadable), before any write.
 */
export async function importContacts(options: ImportOptions): Promise<ImportSummary> {
  const started = performance.now();
  const { redis, keys, list } = options;
  if (!LIST_NAME.test(list)) throw new ImportError('IMPORT_BAD_LIST', `invalid list name "${printable(clip(list, 80))}": use lower-case letters, digits and dashes (like step ids)`);
  const delimiter = checkDelimiter(options.delimiter);
  const { source, totalBytes } = await openSource(options);
  const maxRejected = options.maxRejected ?? 100_000;
  const batchSize = options.batchSize ?? BATCH;
  const scriptKeys = [keys.contactIds(), keys.contactSeq(), keys.contactData(), keys.lists(), keys.list(list), keys.suppressed()];

  const summary: ImportSummary = { list, rows: 0, imported: 0, updated: 0, joined: 0, unchanged: 0, rejected: [], rejectedCount: 0, suppressed: 0, formulaCells: 0, ignoredColumns: [], delimiter: ',', seconds: 0 };
  const reject = (row: RejectedRow): void => {
    summary.rejectedCount++;
    if (summary.rejected.length < maxRejected) summary.rejected.push(row);
    options.onReject?.(row);
  };

  let mapping: HeaderMapping | undefined;
  const seen = new SeenEmails();
  let args: string[] = [list];
  let lines: number[] = [];
  const inFlight: Array<Promise<void>> = [];
  let failure: unknown;

  const tally = (statuses: string, batchLines: number[], batchArgs: string[]): Promise<void> | void => {
    const joined: JoinedContact[] = [];
    for (let i = 0; i < statuses.length; i++) {
      const status = statuses[i]!;
      const lower = status.toLowerCase();
      const email = batchArgs[1 + 2 * i]!;
      if (lower === 'c') summary.imported++;
      else if (lower === 'u' || lower === 'j') summary.updated++;
      else if (lower === 'n') summary.unchanged++;
      else reject({ line: batchLines[i]!, email, reason: 'the stored contact is unreadable (corrupt JSON): left untouched' });
      if (lower === 'c' || lower === 'j') {
        summary.joined++;
        if (status === lower) joined.push({ email, created: lower === 'c' });
      }
      if (status !== lower) summary.suppressed++;
    }
    if (joined.length > 0 && options.onJoined) return options.onJoined(joined);
  };
  const flush = (): void => {
    if (lines.length === 0) return;
    const batchArgs = args;
    const batchLines = lines;
    args = [list];
    lines = [];
    // Caught at once: a failed batch must not become an unhandled rejection while the file is read.
    const sent = runScript<string>(redis, 'import-contacts', scriptKeys, batchArgs).then(
      // A failing `onJoined` stops the import like a failed write: the contacts so far are kept.
      (statuses) => Promise.resolve(tally(statuses, batchLines, batchArgs)).catch((err: unknown) => void (failure ??= err)),
      (err: unknown) => void (failure ??= interrupted(err, batchLines[0]!)),
    );
    inFlight.push(sent);
  };

  const onRow = (row: CsvRow): void => {
    if (!mapping) {
      if (isBlank(row.cells) && !row.error) return; // blank lines before the header
      if (row.error) throw new ImportError('IMPORT_BAD_HEADER', `line ${row.line}: the header line is not readable CSV (${describeCsvError(row)})`);
      mapping = mapHeaders(row.cells);
      summary.ignoredColumns = mapping.ignored;
      if (mapping.emailIndex < 0) {
        const found = row.cells.map((h) => `"${printable(clip(h.trim(), 40))}"`).join(', ');
        throw new ImportError('IMPORT_NO_EMAIL_COLUMN', `no email column: the header (line ${row.line}) must name one (email, e-mail, courriel…); found ${clip(found, 400)}. Nothing was imported.`);
      }
      return;
    }
    if (!row.error && isBlank(row.cells)) return;
    summary.rows++;
    const cells = row.cells;
    const rawEmail = cells[mapping.emailIndex];
    const shown = () => (rawEmail === undefined ? undefined : detach(clip(rawEmail.trim(), 254)));
    if (row.error) return reject({ line: row.line, reason: describeCsvError(row) });
    if (cells.length !== mapping.fields.length) return reject({ line: row.line, email: shown(), reason: `expected ${columns(mapping.fields.length)}, found ${cells.length}` });
    const email = normalizeEmail(rawEmail!);
    if (email === '') return reject({ line: row.line, reason: 'missing email address' });
    if (!isValidEmail(email)) return reject({ line: row.line, email: shown(), reason: 'invalid email address' });

    // Built on a null prototype and only with vetted field names: no cell can reach Object.prototype.
    const fields: Record<string, string> = Object.create(null);
    fields.email = email;
    let formulas = looksLikeFormula(rawEmail!, email) ? 1 : 0;
    for (let c = 0; c < cells.length; c++) {
      const field = mapping.fields[c];
      if (!field || c === mapping.emailIndex) continue;
      const raw = cells[c]!;
      const value = raw.trim();
      if (value === '') continue; // an empty cell never erases a stored value
      if (field === 'score' && !isScore(value)) return reject({ line: row.line, email, reason: `score must be a number, found "${detach(printable(clip(value, 40)))}"` });
      if (looksLikeFormula(raw, value)) formulas++;
      fields[field] = value;
    }
    const first = seen.add(email, row.line);
    if (first) return reject({ line: row.line, email: detach(email), reason: `duplicate of line ${first}` });
    summary.formulaCells += formulas;
    args.push(email, JSON.stringify(fields));
    lines.push(row.line);
    if (lines.length >= batchSize) flush();
  };

  try {
    const read = await readCsv(source, {
      delimiter,
      onRow,
      afterChunk: async (bytesRead) => {
        while (inFlight.length > IN_FLIGHT) await inFlight.shift();
        if (failure) throw failure;
        options.onProgress?.({ bytesRead, totalBytes, rows: summary.rows });
      },
    });
    summary.delimiter = read.delimiter;
  } catch (err) {
    await Promise.all(inFlight); // never leave writes running behind a thrown error
    if (isFsError(err)) {
      const cannot = `cannot read ${options.file ?? 'the input'}: ${err.message}`;
      // Before the header nothing was written: the file is refused; after it, the import was cut short.
      throw mapping ? new ImportError('IMPORT_INTERRUPTED', `${cannot}. ${AGAIN}`, { cause: err }) : new ImportError('IMPORT_FILE_UNREADABLE', cannot, { cause: err });
    }
    throw err;
  }
  if (!mapping) throw new ImportError('IMPORT_EMPTY_FILE', 'the file is empty: expected a header line with an email column, then one contact per line');
  flush();
  await Promise.all(inFlight);
  if (failure) throw failure;
  summary.seconds = (performance.now() - started) / 1000;
  return summary;
}

function checkDelimiter(given: string | undefined): string | undefined {
  if (given === undefined) return undefined;
  const delimiter = given === 'tab' || given === '\\t' ? '\t' : given;
  if ([...delimiter].length !== 1 || '"\r\n\uFEFF'.includes(delimiter)) {
    throw new ImportError('IMPORT_BAD_DELIMITER', `invalid delimiter "${printable(clip(given, 20))}": one character, such as , ; | or tab`);
  }
  return delimiter;
}

async function openSource(options: ImportOptions): Promise<{ source: AsyncIterable<Buffer | string>; totalBytes?: number }> {
  if (options.stream) return { source: options.stream };
  if (!options.file) throw new ImportError('IMPORT_FILE_UNREADABLE', 'no file or stream to import');
  let size: number;
  try {
    const info = await stat(options.file);
    if (!info.isFile()) throw new Error('not a file');
    size = info.size;
  } catch (err) {
    throw new ImportError('IMPORT_FILE_UNREADABLE', `cannot read ${options.file}: ${(err as Error).message}`, { cause: err });
  }
  // 1 MB reads: fewer, larger chunks for the parser; memory stays a few chunks deep.
  return { source: createReadStream(options.file, { highWaterMark: 1 << 20 }), totalBytes: size };
}

function columns(n: number): string {
  return n === 1 ? '1 column' : `${n} columns`;
}

function isBlank(cells: string[]): boolean {
  if (cells.length === 1) return cells[0]!.trim() === '';
  for (const cell of cells) if (cell.trim() !== '') return false;
  return true;
}

function describeCsvError(row: CsvRow): string {
  const lines = row.lastLine > row.line ? `lines ${row.line}–${row.lastLine}` : `line ${row.line}`;
  switch (row.error) {
    case 'unclosed-quote':
      return `a quoted field opened on line ${row.line} is never closed: ${lines} could not be read`;
    case 'line-too-long':
      return `line longer than ${MAX_RECORD_CHARS / (1024 * 1024)} MB: not read`;
    default:
      return `malformed quotes on ${lines} (a quote inside a quoted field must be doubled: "")`;
  }
}

const AGAIN = 'Contacts of the lines before were imported; importing the same file again is safe.';

function interrupted(err: unknown, line: number): ImportError {
  return new ImportError('IMPORT_INTERRUPTED', `import interrupted at line ${line}: ${(err as Error).message}. ${AGAIN}`, { cause: err });
}

/** A copy that does not keep the whole parsed chunk alive (substrings of it would). */
function detach(text: string): string {
  return Buffer.from(text, 'utf8').toString('utf8');
}

function isFsError(err: unknown): err is NodeJS.ErrnoException {
  return err instanceof Error && typeof (err as NodeJS.ErrnoException).syscall === 'string';
}
