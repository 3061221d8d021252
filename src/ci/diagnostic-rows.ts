import type { Diagnostic } from '../diagnostics/diagnostic.js';
import { cell, code } from './markdown.js';

/** A link to a file's line in the PR's head commit, when the repository and commit are known. */
export type FileLink = (file: string, line: number) => string | undefined;

/**
 * Email lint warnings come through `validate` and `preview` like any other diagnostic; they are
 * told apart by code: a `lint` or `email-` prefix, or a code the preview manifest reported.
 */
export function isEmailLint(d: Diagnostic, lintCodes: ReadonlySet<string> = new Set()): boolean {
  return d.severity === 'warning' && (/^(lint|email-)/.test(d.code) || lintCodes.has(d.code));
}

export function diagnosticRow(d: Diagnostic, link: FileLink, withSeverity: boolean): string[] {
  const where = `${d.file}:${d.line}:${d.column}`;
  const url = link(d.file, d.line);
  const place = url ? `[${code(where)}](${url})` : code(where);
  const severity = d.severity === 'error' ? '❌ error' : '⚠️ warning';
  return [...(withSeverity ? [severity] : []), place, code(d.code), cell(d.message)];
}

/** The same problem reported twice (validate and preview, or two sample contacts) is shown once. */
export function uniqueDiagnostics(list: readonly Diagnostic[]): Diagnostic[] {
  const seen = new Set<string>();
  return list.filter((d) => {
    const key = `${d.file}:${d.line}:${d.column}:${d.code}:${d.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
