import { DoctorFoundError } from './doctor.js';
import { rm } from 'node:fs/promises';
import { DEFAULT_DEMO, runDemo } from '../../demo/run-demo.js';
import { formatDemoReport } from '../../demo/report.js';
import { formatDiagnostics } from '../../diagnostics/format.js';
import { ValidationFailedError } from '../../errors.js';
import { deletePrefix } from '../../state/delete-prefix.js';
import { Keys } from '../../state/keys.js';
import { validatePaths } from '../../validate/validate.js';
import { buildReports } from '../../report/build-report.js';
import { csvFormat } from '../../report/csv.js';
import { withState } from '../state.js';

const REPORTS_DIR = 'reports';

export async function demo(paths: string[], options: { contacts: string; days: string; seed: string; openRate?: string; clickRate?: string; replyRate?: string; formRate?: string; json?: boolean }): Promise<void> {
  const validation = await validatePaths(paths);
  if (validation.errors.length) {
    process.stderr.write(formatDiagnostics(validation, 'text') + '\n');
    throw new ValidationFailedError(validation.errors.length);
  }
  const rates = { ...DEFAULT_DEMO.rates };
  if (options.openRate) rates.open = Number(options.openRate);
  if (options.clickRate) rates.click = Number(options.clickRate);
  if (options.replyRate) rates.reply = Number(options.replyRate);
  if (options.formRate) rates.form = Number(options.formRate);
  await rm(DEFAULT_DEMO.outbox, { recursive: true, force: true });
  const { report, zips } = await withState(async ({ redis }) => {
    // The demo has a prefix of its own, emptied first: it never touches the real running state.
    const keys = new Keys('relance-demo');
    await deletePrefix(redis, keys);
    try {
      const report = await runDemo(redis, keys, validation, paths, { ...DEFAULT_DEMO, rates, contacts: Number(options.contacts), days: Number(options.days), seed: Number(options.seed) });
      // What a stakeholder receives: each scenario's zip, as of the end of the virtual run.
      const zips = await buildReports(redis, keys, [], { dir: REPORTS_DIR, format: csvFormat(','), now: report.end });
      return { report, zips };
    } finally {
      await deletePrefix(redis, keys);
    }
  });
  process.stdout.write((options.json ? JSON.stringify({ ...report, reports: zips.map((z) => z.path) }, null, 2) : formatDemoReport(report)) + '\n');
  if (!options.json) process.stdout.write(`Reports for stakeholders (relance report): ${zips.length} zips in ${REPORTS_DIR}/, e.g. ${zips[0]?.path ?? '-'} (Resume.csv, Global.csv, Formulaire_*.csv).\n`);
  // A run that leaves the counters out of step with the enrollments is a bug: say so by the exit code.
  if (report.doctor.length > 0) throw new DoctorFoundError(`${report.doctor.length} difference(s) after the demo`);
  const sent = report.scenarios.reduce((n, s) => n + s.steps.reduce((m, l) => m + (l.sent ?? 0), 0), 0);
  if (report.outboxFiles !== sent) throw new DoctorFoundError(`${sent} emails sent but ${report.outboxFiles} files in the outbox: a Message-ID was used twice`);
}
