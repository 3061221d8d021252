import { PassThrough, type Writable } from 'node:stream';
import { finished } from 'node:stream/promises';
import { ZipFile } from 'yazl';
import { CsvWriter, type CsvFormat } from './csv.js';

/**
 * Deflate level of the entries. CSV compresses about 8:1 at level 1 already; the higher levels
 * gain a few percent for several times the CPU, which a million-row Global.csv cannot spare.
 */
const COMPRESSION_LEVEL = 1;

/** What a zip entry may hold in memory before its writer waits for the compressor. */
const ENTRY_BUFFER = 1 << 20;

/**
 * A report's zip, written as a stream (yazl: entries one after another, ZIP64 past 4 GB on its
 * own): each CSV file is a PassThrough the zip reads while the rows are written into it.
 * Entries are written in the order they are opened, each ended before the next is written.
 */
export class ReportZip {
  private readonly zip = new ZipFile();
  private readonly entries: PassThrough[] = [];
  private readonly written: Promise<void>;
  private failure: Error | undefined;

  constructor(out: Writable, private readonly mtime: Date) {
    const fail = (err: Error) => {
      this.failure ??= err;
      // A writer waiting for room in an entry must hear of it, not wait forever.
      for (const entry of this.entries) entry.destroy(err);
    };
    this.zip.on('error', fail);
    this.zip.outputStream.on('error', fail);
    out.on('error', fail);
    this.zip.outputStream.pipe(out);
    this.written = finished(out).catch((err: Error) => { fail(err); throw err; });
    // Observed here too so that a failure before close() is not an unhandled rejection.
    this.written.catch(() => undefined);
  }

  /** A new CSV file in the zip. */
  entry(name: string, format: CsvFormat): CsvWriter {
    if (this.failure) throw this.failure;
    const stream = new PassThrough({ highWaterMark: ENTRY_BUFFER });
    this.entries.push(stream);
    this.zip.addReadStream(stream, name, { mtime: this.mtime, compressionLevel: COMPRESSION_LEVEL });
    return new CsvWriter(stream, format);
  }

  /** Writes the central directory and waits until the output has it all. */
  async close(): Promise<void> {
    if (this.failure) throw this.failure;
    this.zip.end();
    await this.written;
    if (this.failure) throw this.failure;
  }
}
