import { dirname } from 'node:path';
import type { Redis } from 'ioredis';
import { forEachEligible } from '../audience/eligible.js';
import { gitRevision } from '../git/revision.js';
import type { Keys } from '../state/keys.js';
import type { ValidationResult } from '../validate/validate.js';
import { computePlan } from './compute-plan.js';
import { desiredScenario } from './desired-state.js';
import { readRunning } from './read-running.js';
import type { Plan } from './types.js';

/** Validated files + the running state → a plan. Shared by `plan`, `apply` and `run`. */
export async function makePlan(redis: Redis, keys: Keys, validation: ValidationResult, options: { paths: string[]; prune?: boolean; now?: Date }): Promise<Plan> {
  const desired = validation.scenarios.map((s) => desiredScenario(s));
  const running = await readRunning(redis, keys);
  const affected = new Map<string, number>();
  for (const d of desired) {
    // "Leads affectés" (001): only worth counting for scenarios about to be created.
    if (running.records.has(d.name) || !d.scenario.spec.entry.lists) continue;
    affected.set(d.name, await forEachEligible(redis, keys, d.scenario, async () => {}));
  }
  const first = options.paths[0] ?? '.';
  const revision = await gitRevision(first.endsWith('.yaml') || first.endsWith('.yml') ? dirname(first) : first);
  return computePlan({ desired, running, revision, prune: options.prune ?? false, affected, now: options.now });
}
