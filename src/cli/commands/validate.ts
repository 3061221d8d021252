import { formatDiagnostics, type Format } from '../../diagnostics/format.js';
import { ValidationFailedError } from '../../errors.js';
import { validatePaths } from '../../validate/validate.js';

export async function validate(paths: string[], options: { format: Format; strict?: boolean; jobs?: number }): Promise<void> {
  const result = await validatePaths(paths, { jobs: options.jobs, diagnosticsOnly: true });
  const out = formatDiagnostics(result, options.format, options.format === 'text' && process.stdout.isTTY === true);
  process.stdout.write(out + '\n');
  const failures = result.errors.length + (options.strict ? result.warnings.length : 0);
  if (failures > 0) throw new ValidationFailedError(failures);
}
