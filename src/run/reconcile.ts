import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { admitListMembers } from '../apply/admission.js';
import { scheduleOf } from '../compile/schedule.js';
import { applyPlan } from '../apply/apply.js';
import { publishTemplates } from '../apply/publish-templates.js';
import { LockHeldError } from '../state/lock.js';
import { gitPull } from '../git/revision.js';
import { makePlan } from '../plan/make-plan.js';
import { hasChanges } from '../plan/types.js';
import type { Keys } from '../state/keys.js';
import { readScenarioRecords, readVersion } from '../state/scenario-store.js';
import { validatePaths } from '../validate/validate.js';

export interface ReconcileOptions {
  paths: string[];
  pull?: boolean;
  prune?: boolean;
}

export type ReconcileOutcome = 'applied' | 'in-sync' | 'invalid' | 'locked';

/**
 * One pass of the reconcile loop (pull-based, like Flux): fetch, validate, plan, apply when the
 * files and the running state differ, then let later members of `runIndefinitely` lists in.
 * An invalid revision is never applied: the previous one keeps running.
 */
export async function reconcileOnce(redis: Redis, keys: Keys, log: Logger, options: ReconcileOptions): Promise<ReconcileOutcome> {
  if (options.pull) {
    const { before, after } = await gitPull(options.paths[0] ?? '.');
    if (before !== after) log.info({ before, after }, 'pulled a new revision');
  }
  const validation = await validatePaths(options.paths);
  if (validation.errors.length > 0) {
    log.error({ errors: validation.errors.slice(0, 20).map((e) => `${e.file}:${e.line}:${e.column} ${e.message}`), count: validation.errors.length }, 'scenario files are invalid; keeping the running state as it is');
    return 'invalid';
  }
  let outcome: ReconcileOutcome = 'in-sync';
  const plan = await makePlan(redis, keys, validation, { paths: options.paths, prune: options.prune });
  for (const problem of plan.problems) log.error({ problem }, 'plan problem');
  if (hasChanges(plan) && plan.problems.length === 0) {
    try {
      const result = await applyPlan(redis, keys, plan);
      for (const change of result.applied) log.info({ scenario: change.name, actions: change.actions, digest: change.digest?.slice(0, 12), admission: change.admission, migrated: change.migrated, revision: plan.revision }, 'applied');
      outcome = 'applied';
    } catch (err) {
      if (!(err instanceof LockHeldError)) throw err;
      log.warn({ holder: err.holder }, 'another apply holds the lock; will retry next interval');
      return 'locked';
    }
  }
  // Template edits apply at once, without a new version: publish them on every pass.
  for (const s of validation.scenarios) {
    const changed = await publishTemplates(redis, keys, s.scenario.metadata.name, s.file, s.graph);
    if (changed) log.info({ scenario: s.scenario.metadata.name, templates: changed }, 'email templates updated');
  }
  await admitLateMembers(redis, keys, log);
  return outcome;
}

async function admitLateMembers(redis: Redis, keys: Keys, log: Logger): Promise<void> {
  for (const record of (await readScenarioRecords(redis, keys)).values()) {
    if (record.state !== 'running') continue;
    const version = await readVersion(redis, keys, record.name, record.digest.slice(0, 12));
    // Later list members (runIndefinitely), and members held back by a daily entry limit.
    if (!version?.scenario.spec.entry.runIndefinitely && !version?.scenario.spec.limits?.maxEntriesPerDay) continue;
    const result = await admitListMembers(redis, keys, { name: record.name, version: record.digest.slice(0, 12), entry: version.graph.entry, scenario: version.scenario, schedule: scheduleOf(version), now: new Date() });
    if (result.admitted + result.blocked > 0) log.info({ scenario: record.name, ...result }, 'new list members entered');
  }
}
