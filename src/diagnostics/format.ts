import type { Diagnostic, DiagnosticResult } from './diagnostic.js';

export type Format = 'text' | 'json' | 'github';

/** Renders validation results for a person, a machine, or GitHub's annotation parser. */
export function formatDiagnostics(result: DiagnosticResult & { files: string[] }, format: Format, color = false): string {
  if (format === 'json') return JSON.stringify({ valid: result.errors.length === 0, files: result.files.length, errors: result.errors, warnings: result.warnings }, null, 2);
  const all = [...result.errors, ...result.warnings];
  const lines = all.map((d) => (format === 'github' ? github(d) : text(d, color)));
  lines.push(summary(result, color));
  return lines.join('\n');
}

function text(d: Diagnostic, color: boolean): string {
  const label = d.severity === 'error' ? paint('error', 31, color) : paint('warning', 33, color);
  return `${d.file}:${d.line}:${d.column}: ${label} ${d.message} ${paint(`[${d.code}]`, 90, color)}`;
}

/** https://docs.github.com/actions/reference/workflow-commands-for-github-actions */
function github(d: Diagnostic): string {
  const props = [`file=${prop(d.file)}`, `line=${d.line}`, `col=${d.column}`];
  if (d.endLine) props.push(`endLine=${d.endLine}`);
  props.push(`title=${prop(`relance ${d.code}`)}`);
  return `::${d.severity === 'error' ? 'error' : 'warning'} ${props.join(',')}::${data(d.message)}`;
}

function summary(result: DiagnosticResult & { files: string[] }, color: boolean): string {
  const n = result.files.length;
  const files = `${n} file${n === 1 ? '' : 's'}`;
  const e = result.errors.length;
  const w = result.warnings.length;
  const counts = `${e} error${e === 1 ? '' : 's'}, ${w} warning${w === 1 ? '' : 's'}`;
  return e === 0 ? paint(`✔ ${files} valid (${counts})`, 32, color) : paint(`✖ ${files} checked: ${counts}`, 31, color);
}

function paint(s: string, code: number, color: boolean): string {
  return color ? `\u001b[${code}m${s}\u001b[0m` : s;
}

function data(s: string): string {
  return s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

function prop(s: string): string {
  return data(s).replace(/:/g, '%3A').replace(/,/g, '%2C');
}
