export type Severity = 'error' | 'warning';

/** Where in a file a diagnostic points; lines and columns start at 1. */
export interface Position {
  line: number;
  column: number;
}

/**
 * One problem found in an input file. `code` is stable (tests and CI filters rely on it);
 * `message` is written for a marketer, not for a schema engineer.
 */
export interface Diagnostic {
  severity: Severity;
  code: string;
  message: string;
  file: string;
  line: number;
  column: number;
  endLine?: number;
  endColumn?: number;
  /** JSON pointer to the value in the scenario, when the problem is in one. */
  pointer?: string;
}

export interface DiagnosticResult {
  errors: Diagnostic[];
  warnings: Diagnostic[];
}

export function splitBySeverity(diagnostics: readonly Diagnostic[]): DiagnosticResult {
  const sorted = [...diagnostics].sort(compareDiagnostics);
  return {
    errors: sorted.filter((d) => d.severity === 'error'),
    warnings: sorted.filter((d) => d.severity === 'warning'),
  };
}

export function compareDiagnostics(a: Diagnostic, b: Diagnostic): number {
  return a.file.localeCompare(b.file) || a.line - b.line || a.column - b.column || a.code.localeCompare(b.code);
}
