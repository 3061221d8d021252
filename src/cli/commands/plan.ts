import { writeFile } from 'node:fs/promises';
import { formatDiagnostics } from '../../diagnostics/format.js';
import { RelanceError, UsageError, ValidationFailedError } from '../../errors.js';
import { checkRevision, planFromRevision } from '../../plan/base-plan.js';
import { formatPlan } from '../../plan/format-plan.js';
import { makePlan } from '../../plan/make-plan.js';
import { hasChanges, type Plan } from '../../plan/types.js';
import { validatePaths, type ValidationResult } from '../../validate/validate.js';
import { withState } from '../state.js';

/** `plan` exits 2 when there is something to apply (like `terraform plan -detailed-exitcode`). */
export class PlanHasChangesError extends RelanceError {
  override readonly code = 'PLAN_HAS_CHANGES';
  override readonly exitCode = 2;
  override readonly reported = true;
}

interface PlanOptions { json?: boolean; out?: string; prune?: boolean; base?: string }

export async function plan(paths: string[], options: PlanOptions): Promise<void> {
  if (options.base !== undefined) return planAgainstBase(paths, options.base, options);
  const result = await computeFromFiles(paths, options.prune);
  if (options.out) await writeFile(options.out, JSON.stringify(result, null, 2) + '\n');
  process.stdout.write(options.json ? JSON.stringify(result, null, 2) + '\n' : formatPlan(result) + '\n');
  if (options.out && !options.json) process.stdout.write(`Saved to ${options.out}: apply exactly this with \`relance apply --plan ${options.out}\`.\n`);
  settle(result);
}

/**
 * `plan --base REV`: the diff of the files at REV and the working tree (no Redis); with REDIS_URL
 * set, the real plan after it, which then decides the exit code: it is what `apply` would do.
 */
async function planAgainstBase(paths: string[], base: string, options: PlanOptions): Promise<void> {
  const live = Boolean(process.env.REDIS_URL);
  if (options.out && !live) throw new UsageError('--out saves a plan for `relance apply`, which needs the running state: set REDIS_URL (a diff of files cannot be applied)');
  await checkRevision(paths, base);
  const validation = await validOrReported(paths);
  const diff = await planFromRevision(paths, base, { prune: options.prune, validation });
  const real = live ? await withState(({ redis, keys }) => makePlan(redis, keys, validation, { paths, prune: options.prune })) : undefined;
  if (options.out && real) await writeFile(options.out, JSON.stringify(real, null, 2) + '\n');
  if (options.json) process.stdout.write(JSON.stringify(real ? { ...diff, running: real } : diff, null, 2) + '\n');
  else process.stdout.write(formatPlan(diff) + '\n' + (real ? '\n' + formatPlan(real) + '\n' : ''));
  if (options.out && !options.json) process.stdout.write(`Saved the plan against the running state to ${options.out}: apply exactly this with \`relance apply --plan ${options.out}\`.\n`);
  if (diff.problems.length > 0) throw new ValidationFailedError(diff.problems.length);
  settle(real ?? diff);
}

function settle(result: Plan): void {
  if (result.problems.length > 0) throw new ValidationFailedError(result.problems.length);
  if (hasChanges(result)) throw new PlanHasChangesError('the plan has changes');
}

export async function computeFromFiles(paths: string[], prune = false): Promise<Plan> {
  const validation = await validOrReported(paths);
  return withState(({ redis, keys }) => makePlan(redis, keys, validation, { paths, prune }));
}

/** The files' validation; on errors, the diagnostics are printed and the command stops. */
async function validOrReported(paths: string[]): Promise<ValidationResult> {
  const validation = await validatePaths(paths);
  if (validation.errors.length > 0) {
    process.stderr.write(formatDiagnostics(validation, 'text') + '\n');
    throw new ValidationFailedError(validation.errors.length);
  }
  return validation;
}
