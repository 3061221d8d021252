import { StringDecoder } from 'node:string_decoder';
import Papa from 'papaparse';

/** One record of the file, with the physical lines it spans (line 1 is the first line of the file). */
export interface CsvRow {
  line: number;
  lastLine: number;
  cells: string[];
  /** Set when the record could not be read: its cells are then empty or not to be trusted. */
  error?: 'malformed-quotes' | 'unclosed-quote' | 'line-too-long';
}

export interface CsvReadOptions {
  /** The field delimiter; guessed from the first records when absent (`,` `;` tab `|`). */
  delimiter?: string;
  /** Called for every record, in order, synchronously; may throw to stop the whole read. */
  onRow(row: CsvRow): void;
  /** Called after each chunk is parsed: awaiting here is how the caller applies back-pressure. */
  afterChunk?(bytesRead: number): Promise<void> | void;
}

export interface CsvReadResult {
  bytes: number;
  delimiter: string;
  newline: string;
}

/** Enough text to guess the delimiter and line endings from the first records. */
const SAMPLE_CHARS = 64 * 1024;
/** A record still open after this much text is an unclosed quote or a hostile line, not data. */
export const MAX_RECORD_CHARS = 8 * 1024 * 1024;

/**
 * Streams CSV records out of `source` with papaparse's core parser, one chunk at a time:
 * only the chunk being parsed and the unfinished record at its end are in memory, and the next
 * chunk is not read before `afterChunk` resolves. Handles a UTF-8 BOM, LF / CRLF / CR line endings
 * and quoted fields spanning lines, and counts physical lines so every record has its real line
 * number. (A lone CR inside a quoted field of an LF or CRLF file does not count as a line.)
 */
export async function readCsv(source: AsyncIterable<Buffer | string>, options: CsvReadOptions): Promise<CsvReadResult> {
  const decoder = new StringDecoder('utf8');
  let bytes = 0;
  let pending = ''; // text not parsed yet: the sample, then the unfinished record of the last chunk
  let line = 1; // the line `pending` starts on
  let parser: Papa.Parser | undefined;
  let delimiter = ',';
  let newline = '\n';
  let breakChar = '\n';
  // After a hostile record: drop text up to the next line break, or count the rest of the file.
  let skip: 'line' | 'rest' | null = null;
  let unclosedAt = 0;
  let lastChar = ''; // of the file, to tell whether its last line ends with a line break

  const countBreaks = (text: string): number => {
    let n = 0;
    for (let i = text.indexOf(breakChar); i !== -1; i = text.indexOf(breakChar, i + 1)) n++;
    return n;
  };

  // The chunk being parsed and the next line break in it, read by the step function.
  let text = '';
  let nextBreak = -1;
  const step = (result: Papa.ParseStepResult<string[]>): void => {
    const end = result.meta.cursor;
    let breaks = 0;
    while (nextBreak !== -1 && nextBreak < end) {
      breaks++;
      nextBreak = text.indexOf(breakChar, nextBreak + 1);
    }
    const next = line + breaks;
    const terminated = breaks > 0 && text.endsWith(newline, end);
    // The core parser (unlike Papa.parse) hands each step an array holding the one record.
    const cells = (result.data as unknown as string[][])[0] ?? [];
    const row: CsvRow = { line, lastLine: terminated ? next - 1 : next, cells };
    for (const error of result.errors) {
      if (error.code === 'MissingQuotes') row.error = 'unclosed-quote';
      else if (error.code === 'InvalidQuotes') row.error ??= 'malformed-quotes';
    }
    line = next;
    options.onRow(row);
  };

  const start = (sample: string): void => {
    // Blank lines skipped: papaparse's guess averages the field counts of the sampled lines, and the
    // empty line at the end of a small file pulls a two-column file under its threshold.
    const guess = Papa.parse<string[]>(sample, { preview: 10, skipEmptyLines: true, delimiter: options.delimiter, delimitersToGuess: [',', ';', '\t', '|'] });
    delimiter = options.delimiter ?? (guess.meta.delimiter || ',');
    newline = guess.meta.linebreak || '\n';
    breakChar = newline === '\r' ? '\r' : '\n';
    // With a step function the core parser hands records over one by one instead of keeping
    // every record of the chunk in an array.
    parser = new Papa.Parser({ delimiter, newline: newline as '\n', quoteChar: '"', step });
  };

  const parse = (final: boolean): void => {
    if (!parser) return;
    text = pending;
    nextBreak = text.indexOf(breakChar);
    const result = parser.parse(text, 0, !final) as Papa.ParseResult<string[]>;
    pending = final ? '' : text.slice(result.meta.cursor);
    text = '';
    if (pending.length > MAX_RECORD_CHARS) giveUpRecord();
  };

  const giveUpRecord = (): void => {
    const breaks = countBreaks(pending);
    pending = '';
    if (breaks === 0) {
      // One gigantic physical line: drop it and go on with the next line.
      options.onRow({ line, lastLine: line, cells: [], error: 'line-too-long' });
      skip = 'line';
      return;
    }
    // A record running over several lines and megabytes: a quote opened and never closed. Any
    // CSV reader would swallow the rest of the file into it; only count the lines, and report
    // the record at the end, when its last line is known.
    unclosedAt = line;
    line += breaks;
    skip = 'rest';
  };

  const feed = (decoded: string): void => {
    if (decoded !== '') lastChar = decoded.charAt(decoded.length - 1);
    if (skip === 'rest') {
      line += countBreaks(decoded);
      return;
    }
    if (skip === 'line') {
      const at = decoded.indexOf(breakChar);
      if (at === -1) return;
      skip = null;
      line++;
      decoded = decoded.slice(at + 1);
    }
    pending += decoded;
    if (!parser) {
      if (pending.length < SAMPLE_CHARS) return;
      pending = stripBom(pending);
      start(pending);
    }
    parse(false);
  };

  for await (const chunk of source) {
    bytes += typeof chunk === 'string' ? Buffer.byteLength(chunk) : chunk.length;
    feed(typeof chunk === 'string' ? chunk : decoder.write(chunk));
    await options.afterChunk?.(bytes);
  }
  feed(decoder.end());
  if (skip === 'rest') options.onRow({ line: unclosedAt, lastLine: lastChar === breakChar ? line - 1 : line, cells: [], error: 'unclosed-quote' });
  if (skip === null) {
    if (!parser) {
      pending = stripBom(pending);
      if (pending !== '') start(pending);
    }
    parse(true);
  }
  await options.afterChunk?.(bytes);
  return { bytes, delimiter, newline };
}

function stripBom(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}
