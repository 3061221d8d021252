import type { CommentInput } from './comment-input.js';
import { diagnosticRow, isEmailLint, uniqueDiagnostics } from './diagnostic-rows.js';
import { plural, tableSections, type Section } from './markdown.js';

/** `relance validate` in words and a table: every error and every warning that is not email lint. */
export function validationSections(input: CommentInput, lintCodes: ReadonlySet<string>): Section[] {
  const { files, errors, warnings } = input.validation;
  const lint = warnings.filter((d) => isEmailLint(d, lintCodes)).length;
  const counts = `${plural(errors.length, 'error')}, ${plural(warnings.length, 'warning')}${lint ? ` (${lint} of them email lint, shown below)` : ''}`;
  const verdict = errors.length === 0
    ? `✅ **${plural(files, 'scenario file')} valid**: ${counts}.`
    : `❌ **${plural(files, 'scenario file')} checked**: ${counts}. Files with errors cannot be applied.`;
  const shown = uniqueDiagnostics([...errors, ...warnings.filter((d) => !isEmailLint(d, lintCodes))]);
  if (shown.length === 0) return [{ title: 'Validation', body: verdict }];
  return tableSections('Validation', verdict, ['', 'Where', 'Code', 'Problem'], shown.map((d) => diagnosticRow(d, input.link, true)));
}

/** Email lint: what a mail client or a spam filter would hold against these emails. */
export function lintSections(input: CommentInput, lintCodes: ReadonlySet<string>): Section[] {
  const fromPreviews = input.previews.manifest?.scenarios.flatMap((s) => s.emails.flatMap((e) => e.lint)) ?? [];
  const all = uniqueDiagnostics([...input.validation.warnings.filter((d) => isEmailLint(d, lintCodes)), ...fromPreviews]);
  if (all.length === 0) return [{ title: 'Email lint', body: '✅ No email lint warning.' }];
  const intro = `⚠️ ${plural(all.length, 'warning')} about the emails themselves (links, images, subject, text part, size). They do not block the merge.`;
  return tableSections('Email lint', intro, ['Where', 'Code', 'Warning'], all.map((d) => diagnosticRow(d, input.link, false)));
}

export function lintCodesOf(input: CommentInput): Set<string> {
  return new Set(input.previews.manifest?.scenarios.flatMap((s) => s.emails.flatMap((e) => e.lint.map((d) => d.code))) ?? []);
}
