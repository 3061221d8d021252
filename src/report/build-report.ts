import { randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Writable } from 'node:stream';
import type { Redis } from 'ioredis';
import type { Keys } from '../state/keys.js';
import type { ReportContext, ReportProgress } from './context.js';
import { csvFormat, type CsvFormat } from './csv.js';
import { readEvents } from './event-index.js';
import { lastTouch } from './last-touch.js';
import { REPORT_FILES } from './report-files.js';
import { loadScenario, scenarioNames, type ReportScenario } from './scenario-info.js';
import { Tally } from './tally.js';
import { reportWindow } from './times.js';
import { ReportZip } from './zip.js';

export interface ReportOptions {
  /** Default: `,`, the decimal a point. */
  format?: CsvFormat;
  /** Sends from / until these dates (and form submissions by their time), in the scenario's zone. */
  since?: string;
  until?: string;
  /** Default: the time now. */
  now?: Date;
  onProgress?: (progress: ReportProgress) => void;
}

export interface ReportSummary {
  scenario: string;
  /** The zip's path (buildReports). */
  path?: string;
  /** Each file of the zip and its data rows. */
  files: Array<{ name: string; rows: number }>;
}

/**
 * One scenario's report, streamed as a zip into `out` (a file, an HTTP response): a pass over
 * the event log, a pass over the ledger when events that name no email need attributing, then
 * the files of REPORT_FILES in turn. `out` is destroyed if the report fails.
 */
export async function writeReport(redis: Redis, keys: Keys, scenario: ReportScenario, out: Writable, options: ReportOptions = {}): Promise<ReportSummary> {
  const name = scenario.record.name;
  const now = options.now ?? new Date();
  const format = options.format ?? csvFormat(',');
  const onProgress = options.onProgress;
  const summary: ReportSummary = { scenario: name, files: [] };
  try {
    const window = reportWindow(options, scenario.clock.zone);
    const events = await readEvents(redis, keys, name, scenario.steps, window, (done, total) => onProgress?.({ scenario: name, phase: 'events', done, total }));
    const touch = await lastTouch(redis, keys, name, scenario.steps, events.contacts, (done, total) => onProgress?.({ scenario: name, phase: 'attribution', done, total }));
    const tally = new Tally();
    tally.formSubmissions = events.forms.ids.length;
    const ctx: ReportContext = { redis, keys, scenario, window, format, now, events, lastTouch: touch, tally, onProgress };
    const zip = new ReportZip(out, now);
    for (const file of REPORT_FILES) {
      const fileName = file.name(ctx);
      if (fileName === undefined) continue;
      const csv = zip.entry(fileName, format);
      await file.write(ctx, csv);
      await csv.end();
      summary.files.push({ name: fileName, rows: csv.rows });
    }
    await zip.close();
    return summary;
  } catch (err) {
    out.destroy();
    throw err;
  }
}

/**
 * `relance report`: `<dir>/<scenario>-<YYYY-MM-DD>.zip` per scenario (every applied one when none
 * is named), the date being today in the scenario's zone. Each zip is written under a temporary
 * name and renamed when complete, so a failed report leaves no half-written zip behind.
 */
export async function buildReports(redis: Redis, keys: Keys, names: readonly string[], options: ReportOptions & { dir: string }): Promise<ReportSummary[]> {
  const now = options.now ?? new Date();
  const scenarios = await scenarioNames(redis, keys, names);
  await mkdir(options.dir, { recursive: true });
  const out: ReportSummary[] = [];
  for (const name of scenarios) {
    const scenario = await loadScenario(redis, keys, name);
    const path = join(options.dir, `${name}-${scenario.clock.date(now)}.zip`);
    // A name of its own: two reports of one scenario made at once (the server's POST) never share a file.
    const partial = `${path}.${process.pid}-${randomUUID().slice(0, 8)}.partial`;
    try {
      const summary = await writeReport(redis, keys, scenario, createWriteStream(partial), { ...options, now });
      await rename(partial, path);
      out.push({ ...summary, path });
    } catch (err) {
      await rm(partial, { force: true });
      throw err;
    }
  }
  return out;
}
