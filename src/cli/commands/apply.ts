import { createInterface } from 'node:readline/promises';
import { applyPlan, type ApplyResult } from '../../apply/apply.js';
import { shortDigest } from '../../compile/normalize.js';
import { UsageError } from '../../errors.js';
import { formatPlan } from '../../plan/format-plan.js';
import { makePlan } from '../../plan/make-plan.js';
import { readPlanFile } from '../../plan/plan-file.js';
import { hasChanges } from '../../plan/types.js';
import { validatePaths } from '../../validate/validate.js';
import { formatDiagnostics } from '../../diagnostics/format.js';
import { ValidationFailedError } from '../../errors.js';
import { withState } from '../state.js';

export async function apply(paths: string[], options: { plan?: string; yes?: boolean; prune?: boolean }): Promise<void> {
  const saved = options.plan ? await readPlanFile(options.plan) : undefined;
  const validation = saved ? undefined : await validatePaths(paths);
  if (validation && validation.errors.length > 0) {
    process.stderr.write(formatDiagnostics(validation, 'text') + '\n');
    throw new ValidationFailedError(validation.errors.length);
  }
  await withState(async ({ redis, keys }) => {
    const plan = saved ?? (await makePlan(redis, keys, validation!, { paths, prune: options.prune }));
    if (!saved) process.stdout.write(formatPlan(plan) + '\n\n');
    if (!hasChanges(plan)) {
      process.stdout.write('Nothing to apply: the running state matches the files.\n');
      return;
    }
    if (!options.yes && !(await confirm())) throw new UsageError('not applied: confirm at the prompt, or pass --yes');
    const result = await applyPlan(redis, keys, plan);
    process.stdout.write(describe(result) + '\n');
  });
}

async function confirm(): Promise<boolean> {
  if (!process.stdin.isTTY) return false;
  const rl = createInterface({ input: process.stdin, output: process.stdout });
  const answer = await rl.question('Apply this plan? Only "yes" is accepted: ');
  rl.close();
  return answer.trim() === 'yes';
}

function describe(result: ApplyResult): string {
  const lines = result.applied.map((c) => {
    const parts = [`${c.actions.join('+')} ${c.name}${c.digest ? ` (${shortDigest(c.digest)})` : ''}`];
    if (c.admission) parts.push(`${c.admission.admitted} contacts enrolled${c.admission.blocked ? `, ${c.admission.blocked} blocked over the active cap` : ''}${c.admission.already ? `, ${c.admission.already} already enrolled` : ''}`);
    if (c.migrated !== undefined) parts.push(`${c.migrated} enrollments migrated`);
    return `  ${parts.join(': ')}`;
  });
  return [`Applied ${result.applied.length} change${result.applied.length === 1 ? '' : 's'} (running state #${result.stateRev}):`, ...lines].join('\n');
}
