import { createWriteStream, type WriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { once } from 'node:events';
import { basename } from 'node:path';
import cliProgress from 'cli-progress';
import type { Redis } from 'ioredis';
import Papa from 'papaparse';
import { importContacts, type ImportProgress, type ImportSummary, type RejectedRow } from '../../contacts/import.js';
import { clip, printable } from '../../contacts/normalize.js';
import { importTriggers } from '../../events/triggers.js';
import type { Keys } from '../../state/keys.js';
import { withState } from '../state.js';

export interface ImportCommandOptions {
  list: string;
  /** Write every rejected row to this CSV file. */
  rejects?: string;
  /** Field delimiter; detected when absent. */
  delimiter?: string;
}

/** Rejected rows printed on the terminal; `--rejects` has them all. */
const SHOWN = 20;


/**
 * `relance contacts import FILE --list NAME [--rejects OUT.csv] [--delimiter C]`. Exits 0 when rows were rejected
 * (they are reported and skipped); a refused file throws an ImportError (exit 65, 66 or 64).
 */
export async function importCommand(file: string, options: ImportCommandOptions): Promise<void> {
  await withState(({ redis, keys }) => importInto(redis, keys, file, options));
}

async function importInto(redis: Redis, keys: Keys, file: string, options: ImportCommandOptions): Promise<void> {
  const rejects = options.rejects ? await openRejects(options.rejects) : undefined;
  const bar = process.stderr.isTTY ? progressBar() : undefined;
  let summary: ImportSummary;
  // Contacts new in the list enter the running scenarios triggered by `list-added` (or by
  // `contact-created` for new contacts), as the import goes.
  // The triggered scenarios are read once, before the first row: one applied mid-import misses these joins.
  const entered = new Map<string, number>();
  const enroll = await importTriggers(redis, keys, options.list);
  const onJoined = async (joined: Array<{ email: string; created: boolean }>) => {
    for (const [scenario, n] of await enroll(joined, new Date())) entered.set(scenario, (entered.get(scenario) ?? 0) + n);
  };
  try {
    summary = await importContacts({
      redis,
      keys,
      file,
      list: options.list,
      delimiter: options.delimiter,
      maxRejected: SHOWN,
      onReject: rejects?.write,
      onProgress: bar?.update,
      onJoined,
    });
  } catch (err) {
    if (rejects) await rejects.discard();
    throw err;
  } finally {
    bar?.stop();
  }
  if (rejects) await rejects.close();
  process.stdout.write(report(basename(file), summary, options.rejects, entered));
}

/** A progress bar by bytes read, started on the first report (when the file size is known). */
function progressBar(): { update: (p: ImportProgress) => void; stop: () => void } {
  const bar = new cliProgress.SingleBar(
    { stream: process.stderr, format: 'importing [{bar}] {percentage}% | {rows} rows | ETA {eta_formatted}', hideCursor: true, clearOnComplete: true, etaBuffer: 50 },
    cliProgress.Presets.shades_classic,
  );
  let started = false;
  return {
    update: (p) => {
      if (!p.totalBytes) return; // a stream of unknown size: no bar
      const rows = p.rows.toLocaleString('en');
      if (!started) bar.start(p.totalBytes, p.bytesRead, { rows });
      else bar.update(p.bytesRead, { rows });
      started = true;
    },
    stop: () => started && bar.stop(),
  };
}

export function report(name: string, s: ImportSummary, rejectsFile?: string, entered: ReadonlyMap<string, number> = new Map()): string {
  const n = (x: number) => x.toLocaleString('en');
  const plural = (x: number, word: string) => `${n(x)} ${word}${x === 1 ? '' : 's'}`;
  const out: string[] = [];
  out.push(`Imported ${printable(name)} into list "${s.list}" in ${s.seconds.toFixed(1)} s`);
  out.push(`  ${plural(s.rows, 'row')}: ${n(s.imported)} new, ${n(s.updated)} updated, ${n(s.unchanged)} unchanged, ${n(s.rejectedCount)} rejected`);
  if (s.suppressed === 1) out.push('  1 imported address is suppressed (unsubscribed, bounced...): it stays suppressed and will not be sent to.');
  if (s.suppressed > 1) out.push(`  ${n(s.suppressed)} imported addresses are suppressed (unsubscribed, bounced...): they stay suppressed and will not be sent to.`);
  if (s.formulaCells) out.push(`  warning: ${s.formulaCells === 1 ? '1 cell looks like a spreadsheet formula; it is' : `${n(s.formulaCells)} cells look like spreadsheet formulas; they are`} stored as text and neutralised in every export.`);
  for (const c of s.ignoredColumns) out.push(`  ignored column ${c.column} "${printable(c.header)}": ${c.reason}`);
  for (const [scenario, count] of entered) out.push(`  ${plural(count, 'contact')} entered scenario ${scenario} (trigger: added to list "${s.list}" or new contact)`);
  if (s.rejectedCount) {
    out.push(`Rejected rows${s.rejectedCount > s.rejected.length ? ` (first ${s.rejected.length} of ${n(s.rejectedCount)})` : ''}:`);
    for (const r of s.rejected) out.push(`  line ${r.line}${r.email ? `  ${printable(clip(r.email, 60))}` : ''}: ${r.reason}`);
    out.push(rejectsFile ? `All rejected rows are in ${rejectsFile}.` : 'Use --rejects FILE.csv to write them all to a file.');
  }
  return `${out.join('\n')}\n`;
}

/**
 * The rejected rows as a CSV file (UTF-8 with BOM and CRLF, for spreadsheets), written as they
 * are found. Cells that a spreadsheet would run as formulas are neutralised with a leading quote.
 */
async function openRejects(path: string): Promise<{ write: (row: RejectedRow) => void; close: () => Promise<void>; discard: () => Promise<void> }> {
  const stream: WriteStream = createWriteStream(path);
  await once(stream, 'open');
  const line = (cells: Array<string | number>) => `${Papa.unparse([cells], { escapeFormulae: true, newline: '\r\n' })}\r\n`;
  stream.write(`\uFEFF${line(['line', 'email', 'reason'])}`);
  const close = async () => {
    stream.end();
    await once(stream, 'finish');
  };
  return {
    write: (row) => void stream.write(line([row.line, row.email ?? '', row.reason])),
    close,
    discard: async () => {
      await close();
      await rm(path, { force: true });
    },
  };
}
