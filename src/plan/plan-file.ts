import { readFile } from 'node:fs/promises';
import { RelanceError } from '../errors.js';
import type { Plan } from './types.js';

/** A file given to `apply --plan` that is not a plan `relance plan --out` saved. */
export class PlanFileError extends RelanceError {
  override readonly code = 'PLAN_FILE';
  override readonly exitCode = 65;
}

/**
 * Reads a plan saved by `relance plan --out`. Refuses, saying why, a file that is not JSON, not
 * such a plan (hand-edited, cut short, another tool's), or a diff of files (`plan --base … --json`):
 * that one was computed without the running state and cannot be applied.
 */
export async function readPlanFile(path: string): Promise<Plan> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new PlanFileError(`cannot read ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, { cause: err });
  }
  let plan: unknown;
  try {
    plan = JSON.parse(text);
  } catch (err) {
    throw new PlanFileError(`${path} is not JSON (${(err as Error).message}): save a plan with \`relance plan --out ${path}\``, { cause: err });
  }
  const problem = shapeProblem(plan);
  if (problem) throw new PlanFileError(`${path} is not a plan saved by \`relance plan --out\`: ${problem}`);
  if ((plan as Plan).base) {
    throw new PlanFileError(`${path} is a diff of files (\`plan --base\`), made without the running state: it cannot be applied. Save the plan against the running state with \`relance plan --out ${path}\` (with --base too if you like) and REDIS_URL set`);
  }
  return plan as Plan;
}

function shapeProblem(plan: unknown): string | undefined {
  if (typeof plan !== 'object' || plan === null || Array.isArray(plan)) return 'it is not a JSON object';
  const p = plan as Record<string, unknown>;
  if (p.format !== 1) return `its "format" is ${JSON.stringify(p.format)}, where this relance reads 1`;
  if (!Number.isSafeInteger(p.basis)) return '"basis" (the running state it was computed against) is missing or not an integer';
  if (typeof p.prefix !== 'string') return '"prefix" is missing';
  if (!Array.isArray(p.changes)) return '"changes" is missing or not a list';
  if (!Array.isArray(p.problems)) return '"problems" is missing or not a list';
  const bad = p.changes.findIndex((c) => typeof c !== 'object' || c === null || typeof (c as { name?: unknown }).name !== 'string' || !Array.isArray((c as { actions?: unknown }).actions));
  if (bad >= 0) return `changes[${bad}] has no "name" or no "actions"`;
  return undefined;
}
