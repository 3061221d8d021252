import type { Redis } from 'ioredis';
import { shortDigest } from '../compile/normalize.js';
import { RelanceError } from '../errors.js';
import type { DesiredScenario } from '../plan/desired-state.js';
import type { Plan, ScenarioChange } from '../plan/types.js';
import type { Keys } from '../state/keys.js';
import { readScenarioRecord, readStateRev, recordFields, type ScenarioRecord, type ScenarioState, type VersionRecord } from '../state/scenario-store.js';
import { admitListMembers, type AdmissionResult } from './admission.js';
import { acquireLock, actor } from '../state/lock.js';
import { migrateEnrollments } from '../enroll/migrate.js';
import { releaseInto } from '../enroll/release.js';
import { publishTemplates } from './publish-templates.js';

export class StalePlanError extends RelanceError {
  override readonly code = 'STALE_PLAN';
  override readonly exitCode = 1;
}

export class PlanProblemsError extends RelanceError {
  override readonly code = 'PLAN_PROBLEMS';
  override readonly exitCode = 1;
}

const AUDIT_LENGTH = 1000;

export interface AppliedChange {
  name: string;
  actions: string[];
  digest?: string;
  admission?: AdmissionResult;
  migrated?: number;
}

export interface ApplyResult {
  applied: AppliedChange[];
  stateRev: number;
}

/**
 * Applies a plan under the `apply` lock. Refuses a plan computed against another running state
 * (someone applied or paused since). Each scenario switches versions in one MULTI: a failure
 * leaves its previous version running. Applying the same revision twice finds nothing to do.
 */
export async function applyPlan(redis: Redis, keys: Keys, plan: Plan, options: { now?: Date } = {}): Promise<ApplyResult> {
  if (plan.base) throw new StalePlanError(`this plan is a diff of files against ${plan.base.revision}, made without the running state: it cannot be applied`);
  if (plan.prefix !== keys.prefix) throw new StalePlanError(`this plan was made for ${plan.prefix}, not ${keys.prefix}`);
  if (plan.problems.length > 0) throw new PlanProblemsError(`the plan has errors:\n  ${plan.problems.join('\n  ')}`);
  const lock = await acquireLock(redis, keys, 'apply', `apply ${plan.revision || '(no revision)'}`);
  try {
    const current = await readStateRev(redis, keys);
    if (current !== plan.basis) {
      throw new StalePlanError(`the running state moved since this plan was made (state #${plan.basis}, now #${current}): run \`relance plan\` again`);
    }
    const applied: AppliedChange[] = [];
    // Higher priority first: when exclusive scenarios want the same contacts, it enrols them first.
    const ordered = [...plan.changes].sort((a, b) => (b.desired?.scenario.spec.priority ?? 0) - (a.desired?.scenario.spec.priority ?? 0));
    for (const change of ordered) {
      if (change.actions.includes('unchanged') || change.actions.includes('keep')) continue;
      applied.push(await applyChange(redis, keys, plan, change, options.now ?? new Date()));
    }
    return { applied, stateRev: await readStateRev(redis, keys) };
  } finally {
    await lock.release();
  }
}

async function applyChange(redis: Redis, keys: Keys, plan: Plan, change: ScenarioChange, now: Date): Promise<AppliedChange> {
  const at = now.toISOString();
  const who = actor();
  const result: AppliedChange = { name: change.name, actions: change.actions };
  const previous = await readScenarioRecord(redis, keys, change.name);
  const desired = change.desired;
  let record: ScenarioRecord;
  if (desired) {
    await writeVersion(redis, keys, desired, plan.revision, at);
    record = {
      name: change.name,
      state: change.to!.state,
      digest: desired.digest,
      revision: plan.revision,
      file: desired.file,
      appliedAt: at,
      appliedBy: who,
      stateBy: 'git',
      stateAt: previous && previous.state === change.to!.state ? previous.stateAt : at,
      stateNote: '',
      prune: desired.prune,
    };
    result.digest = desired.digest;
  } else {
    if (!previous) throw new StalePlanError(`${change.name} is not in the running state any more`);
    const state: ScenarioState = change.to!.state;
    record = { ...previous, state, stateBy: 'git', stateAt: at, stateNote: '' };
  }

  const tx = redis.multi().hset(keys.scenario(change.name), recordFields(record)).sadd(keys.scenarios(), change.name).incr(keys.stateRev());
  if (change.actions.includes('archive')) {
    // Archiving releases the contacts (000): their enrollments go, the versions stay for reports.
    releaseInto(tx, keys, change.name);
  }
  tx.lpush(keys.audit(), JSON.stringify({ at, who, revision: plan.revision, scenario: change.name, actions: change.actions, from: change.from?.digest, to: record.digest }))
    .ltrim(keys.audit(), 0, AUDIT_LENGTH - 1);
  const replies = await tx.exec();
  const failed = replies?.find(([err]) => err);
  if (failed) throw new RelanceError(`applying ${change.name} failed: ${failed[0]!.message}`);

  if (desired) await publishTemplates(redis, keys, change.name, desired.file, desired.graph);
  if (desired && change.actions.includes('update') && change.strategy === 'migrate') {
    result.migrated = await migrateEnrollments(redis, keys, change.name, shortDigest(desired.digest), desired.graph.order, desired.scenario.spec.updateStrategy?.stepMap ?? {});
  }
  if (desired && record.state === 'running' && desired.scenario.spec.entry.lists) {
    result.admission = await admitListMembers(redis, keys, {
      name: change.name, version: shortDigest(desired.digest), entry: desired.graph.entry, scenario: desired.scenario, schedule: desired.schedule, now,
    });
  }
  return result;
}

/** Versions are immutable and content-addressed: writing one twice is harmless. */
async function writeVersion(redis: Redis, keys: Keys, d: DesiredScenario, revision: string, at: string): Promise<void> {
  const version: VersionRecord = { name: d.name, digest: d.digest, revision, appliedAt: at, file: d.file, scenario: d.scenario, graph: d.graph, schedule: d.schedule };
  await redis.multi()
    .set(keys.version(d.name, shortDigest(d.digest)), JSON.stringify(version), 'NX')
    .zadd(keys.versions(d.name), 'NX', Date.parse(at), shortDigest(d.digest))
    .exec();
}
