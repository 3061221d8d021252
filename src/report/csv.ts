import type { Writable } from 'node:stream';
import { UsageError } from '../errors.js';
import { drained } from './sink.js';

/** A cell: text is neutralised and quoted as needed; a number stays a number; null/undefined is empty. */
export type Cell = string | number | null | undefined;

/**
 * How the report's CSV files are written. The delimiter is an option because French Excel
 * expects `;`; with `;` numbers take a decimal comma, as French spreadsheets read them.
 */
export interface CsvFormat {
  delimiter: string;
  decimal: '.' | ',';
  /** Matches a cell that must be quoted: the delimiter, a quote, CR or LF. */
  quote: RegExp;
}

/** Delimiters a spreadsheet knows how to split on. */
const DELIMITERS = [',', ';', '\t', '|'];

export function csvFormat(delimiter = ','): CsvFormat {
  const d = delimiter === '\\t' || delimiter === 'tab' ? '\t' : delimiter;
  if (!DELIMITERS.includes(d)) throw new UsageError(`--delimiter must be one of , ; | or tab, not ${JSON.stringify(delimiter)}`);
  return { delimiter: d, decimal: d === ';' ? ',' : '.', quote: new RegExp(`[${d}"\\r\\n]`) };
}

/** Spreadsheets take UTF-8 only with it (Excel reads a BOM-less CSV in the locale's code page). */
export const BOM = '\uFEFF';
export const EOL = '\r\n';

// OWASP CSV injection: a text cell starting with one of these would run as a formula.
const FORMULA_START = new Set(['=', '+', '-', '@', '\t', '\r']);

/** One cell as written: formula neutralised with a leading `'`, quoted when it holds the delimiter, a quote, CR or LF. */
export function formatCell(cell: Cell, format: CsvFormat): string {
  if (cell === null || cell === undefined) return '';
  if (typeof cell === 'number') {
    if (!Number.isFinite(cell)) return '';
    const text = String(cell);
    return format.decimal === ',' ? text.replace('.', ',') : text;
  }
  if (cell === '') return '';
  const text = FORMULA_START.has(cell[0]!) ? `'${cell}` : cell;
  return format.quote.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function formatRow(cells: readonly Cell[], format: CsvFormat): string {
  let line = '';
  for (let i = 0; i < cells.length; i++) {
    if (i > 0) line += format.delimiter;
    line += formatCell(cells[i], format);
  }
  return line + EOL;
}

/**
 * Pending text is handed to the stream in pieces of about this many characters: a longer string
 * would be allocated in V8's large-object space, which only a full GC frees (a million rows of
 * such pieces made the heap grow by hundreds of MB between full GCs).
 */
const PIECE = 32 * 1024;

/**
 * Rows into a stream (a zip entry), in pieces, with the stream's backpressure: `flush` waits while
 * the reader is behind, so what is in memory is a page of rows, never the file.
 */
export class CsvWriter {
  private pending = '';
  private full = false;
  /** Data rows written (the header not counted). */
  rows = 0;

  constructor(private readonly sink: Writable, readonly format: CsvFormat) {
    this.pending = BOM;
  }

  header(cells: readonly Cell[]): void {
    this.add(formatRow(cells, this.format));
  }

  row(cells: readonly Cell[]): void {
    this.add(formatRow(cells, this.format));
    this.rows++;
  }

  /** A data row already formatted (cells through formatCell or known safe, joined by the delimiter), without its line end. */
  line(text: string): void {
    this.add(text + EOL);
    this.rows++;
  }

  /** A line that is not data (the blank line between Resume.csv's two tables). */
  blank(): void {
    this.add(EOL);
  }

  /** Writes what is pending; resolves when the stream can take more. */
  async flush(): Promise<void> {
    this.hand();
    if (this.full) {
      this.full = false;
      await drained(this.sink);
    }
  }

  async end(): Promise<void> {
    await this.flush();
    this.sink.end();
  }

  private add(text: string): void {
    this.pending += text;
    if (this.pending.length >= PIECE) this.hand();
  }

  private hand(): void {
    if (this.pending === '') return;
    if (!this.sink.write(this.pending)) this.full = true;
    this.pending = '';
  }
}
