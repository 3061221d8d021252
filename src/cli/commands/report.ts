import { setFlagsFromString } from 'node:v8';
import cliProgress from 'cli-progress';
import type { ReportProgress } from '../../report/context.js';
import { buildReports } from '../../report/build-report.js';
import { csvFormat } from '../../report/csv.js';
import { withState } from '../state.js';

export interface ReportCommandOptions {
  out: string;
  delimiter: string;
  since?: string;
  until?: string;
}

const PHASES: Record<ReportProgress['phase'], string> = {
  events: 'reading the event log',
  attribution: 'placing events on emails',
  sends: 'writing Global.csv',
  forms: 'writing the form submissions',
};

/**
 * `relance report [SCENARIO…] [--out DIR] [--delimiter ;] [--since DATE] [--until DATE]`: a zip of
 * CSV files per scenario (docs/reports.md). Prints where each zip went; an unknown scenario is
 * an UnknownScenarioError (exit 1), a bad option a UsageError (exit 64).
 */
export async function report(scenarios: string[], options: ReportCommandOptions): Promise<void> {
  const format = csvFormat(options.delimiter);
  // This process only makes reports: a million rows are short-lived objects made while pages of
  // the ledger are in flight, and V8's allocation-site pretenuring moves such sites to the old
  // generation, where only full GCs free them. Off, the bench's million rows (docs/reports.md)
  // take about 10% less CPU. The library (writeReport, buildReports) sets no flag.
  setFlagsFromString('--no-allocation-site-pretenuring');
  const bar = process.stderr.isTTY ? progressBar() : undefined;
  let summaries;
  try {
    summaries = await withState(({ redis, keys }) => buildReports(redis, keys, scenarios, { dir: options.out, format, since: options.since, until: options.until, onProgress: bar?.update }));
  } finally {
    bar?.stop();
  }
  if (summaries.length === 0) {
    process.stdout.write('no scenario applied yet: nothing to report (run `relance apply` first)\n');
    return;
  }
  for (const s of summaries) {
    const files = s.files.map((f) => `${f.name} ${f.rows.toLocaleString('en')} row${f.rows === 1 ? '' : 's'}`).join(', ');
    process.stdout.write(`${s.scenario}: ${s.path} (${files})\n`);
  }
}

/** One bar, restarted at each pass of each scenario. */
function progressBar(): { update: (p: ReportProgress) => void; stop: () => void } {
  const bar = new cliProgress.SingleBar(
    { stream: process.stderr, format: '{scenario}: {phase} [{bar}] {percentage}% | {value}/{total}', hideCursor: true, clearOnComplete: true },
    cliProgress.Presets.shades_classic,
  );
  let current = '';
  let started = false;
  return {
    update: (p) => {
      const total = Math.max(p.total ?? p.done, p.done, 1);
      const key = `${p.scenario}|${p.phase}`;
      if (key !== current) {
        if (started) bar.stop();
        bar.start(total, p.done, { scenario: p.scenario, phase: PHASES[p.phase] });
        current = key;
        started = true;
      } else {
        bar.setTotal(total);
        bar.update(p.done);
      }
    },
    stop: () => { if (started) bar.stop(); },
  };
}
