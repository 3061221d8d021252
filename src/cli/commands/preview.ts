import type { Diagnostic } from '../../diagnostics/diagnostic.js';
import { UsageError, ValidationFailedError } from '../../errors.js';
import { runPreview } from '../../preview/preview.js';
import { previewSummary } from '../../preview/summary.js';

interface PreviewCliOptions {
  out: string;
  contacts?: string;
  samples: string;
  changedSince?: string;
  screenshots: boolean;
  spamScore: boolean;
  json?: boolean;
}

/**
 * `relance preview`: writes the previews, prints the lint warnings (file:line:column) and a
 * summary, or the manifest with --json (everything else then goes to stderr). Exit 1 when a
 * file could not be previewed, after the others were written.
 */
export async function preview(paths: string[], options: PreviewCliOptions): Promise<void> {
  const samples = Number(options.samples);
  if (!Number.isInteger(samples) || samples < 1 || samples > 100) throw new UsageError(`--samples must be a whole number from 1 to 100, not "${options.samples}"`);
  const result = await runPreview(paths, {
    out: options.out,
    contactsFile: options.contacts,
    samples,
    changedSince: options.changedSince,
    screenshots: options.screenshots !== false,
    spamScore: options.spamScore !== false,
  });
  const report = options.json ? process.stderr : process.stdout;
  const lines = [
    ...(result.manifest.contacts?.rejected ?? []).map((r) => `${options.contacts}:${r.line}: warning sample contact skipped: ${r.reason}`),
    ...result.warnings.map(line),
  ];
  if (lines.length) report.write(lines.join('\n') + '\n');
  if (result.errors.length) process.stderr.write(result.errors.map(line).join('\n') + '\n');
  if (options.json) process.stdout.write(JSON.stringify(result.manifest, null, 2) + '\n');
  report.write(previewSummary(result, options.out) + '\n');
  if (result.errors.length) throw new ValidationFailedError(result.errors.length);
}

function line(d: Diagnostic): string {
  return `${d.file}:${d.line}:${d.column}: ${d.severity} ${d.message} [${d.code}]`;
}
