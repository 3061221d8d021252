import { writeFile } from 'node:fs/promises';
import { formatDiagnostics } from '../../diagnostics/format.js';
import { RelanceError, ValidationFailedError } from '../../errors.js';
import { formatPlan } from '../../plan/format-plan.js';
import { makePlan } from '../../plan/make-plan.js';
import { hasChanges, type Plan } from '../../plan/types.js';
import { validatePaths } from '../../validate/validate.js';
import { withState } from '../state.js';

/** `plan` exits 2 when there is something to apply (like `terraform plan -detailed-exitcode`). */
export class PlanHasChangesError extends RelanceError {
  override readonly code = 'PLAN_HAS_CHANGES';
  override readonly exitCode = 2;
  override readonly reported = true;
}

export async function plan(paths: string[], options: { json?: boolean; out?: string; prune?: boolean }): Promise<void> {
  const result = await computeFromFiles(paths, options.prune);
  if (options.out) await writeFile(options.out, JSON.stringify(result, null, 2) + '\n');
  process.stdout.write(options.json ? JSON.stringify(result, null, 2) + '\n' : formatPlan(result) + '\n');
  if (options.out && !options.json) process.stdout.write(`Saved to ${options.out}: apply exactly this with \`relance apply --plan ${options.out}\`.\n`);
  if (result.problems.length > 0) throw new ValidationFailedError(result.problems.length);
  if (hasChanges(result)) throw new PlanHasChangesError('the plan has changes');
}

export async function computeFromFiles(paths: string[], prune = false): Promise<Plan> {
  const validation = await validatePaths(paths);
  if (validation.errors.length > 0) {
    process.stderr.write(formatDiagnostics(validation, 'text') + '\n');
    throw new ValidationFailedError(validation.errors.length);
  }
  return withState(({ redis, keys }) => makePlan(redis, keys, validation, { paths, prune }));
}
