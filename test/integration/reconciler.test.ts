import { describe, expect, it } from 'vitest';
import { applyPlan, StalePlanError } from '../../src/apply/apply.js';
import { LockHeldError, acquireLock } from '../../src/state/lock.js';
import { changeContactState, changeScenarioState } from '../../src/lifecycle/lifecycle.js';
import { readStatus } from '../../src/lifecycle/status.js';
import { hasChanges } from '../../src/plan/types.js';
import { readCounts } from '../../src/enroll/read.js';
import { readScenarioRecord, readStateRev } from '../../src/state/scenario-store.js';
import { planAndApply, planFor, prospects, scenarioDir, seedContacts } from '../helpers/reconciler.js';
import { testRedis } from '../helpers/redis.js';

const LIST = 'cfo-saas-north-america-2026';

describe('plan and apply against a real Redis', () => {
  it('creates, enrols the affected contacts, and is idempotent', async () => {
    const { redis, keys } = testRedis();
    const scn = scenarioDir(['standard', 'welcome']);
    await seedContacts(redis, keys, LIST, [...prospects(30), { email: 'fr@x.example', country: 'FR', companySize: '500' }, { email: 'small@x.example', country: 'US', companySize: '10' }]);
    await redis.hset(keys.suppressed(), 'cfo3@prospect3.example', JSON.stringify({ reason: 'unsubscribed' }));

    const plan = await planFor(redis, keys, scn.dir);
    expect(plan.changes.map((c) => [c.name, c.actions])).toEqual([['standard', ['create']], ['welcome', ['create']]]);
    expect(plan.changes[0]!.affected).toBe(29); // 30 prospects, one suppressed; FR and small companies are outside the segment
    const result = await applyPlan(redis, keys, plan);
    expect(result.applied.find((c) => c.name === 'standard')!.admission).toEqual({ admitted: 29, blocked: 0, already: 0 });

    const rev = await readStateRev(redis, keys);
    const again = await planFor(redis, keys, scn.dir);
    expect(hasChanges(again)).toBe(false);
    expect(again.changes.map((c) => c.actions)).toEqual([['unchanged'], ['unchanged']]);
    expect((await applyPlan(redis, keys, again)).applied).toEqual([]);
    expect(await readStateRev(redis, keys)).toBe(rev);
    expect(await redis.hlen(keys.enrollments('standard'))).toBe(29);
  });

  it('shows an edited delay as an update touching the enrolled contacts, pinned to their version', async () => {
    const { redis, keys } = testRedis();
    const scn = scenarioDir(['standard']);
    await seedContacts(redis, keys, LIST, prospects(12));
    await planAndApply(redis, keys, scn.dir);
    const before = (await readScenarioRecord(redis, keys, 'standard'))!.digest;

    scn.edit('standard.yaml', 'delay: 4 days', 'delay: 6 days');
    const plan = await planFor(redis, keys, scn.dir);
    const change = plan.changes[0]!;
    expect(change.actions).toEqual(['update']);
    expect(change.enrolled).toBe(12);
    expect(change.strategy).toBe('pin');
    expect(change.steps).toEqual([{ id: 'wait-global-1', change: 'changed', details: ['for: 4 days → 6 days'], touched: 12 }]);
    expect(change.specChanges).toEqual(['spec.campaigns.global-1']);
    expect(change.specDetails).toEqual({ 'spec.campaigns.global-1': ['delay: 4 days → 6 days'] });

    await applyPlan(redis, keys, plan);
    const after = (await readScenarioRecord(redis, keys, 'standard'))!.digest;
    expect(after).not.toBe(before);
    // Pinned: the 12 contacts stay on the old version; newcomers enter the new one.
    await seedContacts(redis, keys, LIST, prospects(3, 100), 100);
    const rows = await readCounts(redis, keys, 'standard');
    expect(rows).toEqual(expect.arrayContaining([expect.objectContaining({ version: before.slice(0, 12), step: 'initial', count: 12 })]));
  });

  it('migrates enrolled contacts by the step map, and refuses to strand them', async () => {
    const { redis, keys } = testRedis();
    const scn = scenarioDir(['reactivation']);
    scn.edit('reactivation.yaml', '  steps:\n', '  updateStrategy:\n    type: migrate\n    stepMap: {}\n  steps:\n');
    const dormant = Array.from({ length: 7 }, (_, i) => ({ email: `reader${i}@mail${i}.example`, firstName: 'Sam', daysSinceLastOpen: '120', newsletterOptIn: 'true' }));
    await seedContacts(redis, keys, 'newsletter', [...dormant, { email: 'active@mail.example', daysSinceLastOpen: '3', newsletterOptIn: 'true' }]);
    const created = await planAndApply(redis, keys, scn.dir);
    expect(created.applied[0]!.admission).toEqual({ admitted: 7, blocked: 0, already: 0 });

    // Rename the step the 7 contacts are on: without a mapping they would be stranded.
    scn.edit('reactivation.yaml', /id: we-miss-you\b/, 'id: still-interested');
    scn.edit('reactivation.yaml', /\{ (\w+): we-miss-you \}/g, '{ $1: still-interested }');
    const stranded = await planFor(redis, keys, scn.dir);
    expect(stranded.problems).toEqual([expect.stringContaining('7 enrolled contacts are on steps this version removes')]);
    await expect(applyPlan(redis, keys, stranded)).rejects.toThrow(/the plan has errors/);

    scn.edit('reactivation.yaml', 'stepMap: {}', 'stepMap: { we-miss-you: still-interested }');
    const plan = await planFor(redis, keys, scn.dir);
    expect(plan.problems).toEqual([]);
    expect(plan.changes[0]!.steps).toEqual(expect.arrayContaining([
      expect.objectContaining({ id: 'still-interested', change: 'added', touched: 7 }),
      expect.objectContaining({ id: 'we-miss-you', change: 'removed' }),
    ]));
    const result = await applyPlan(redis, keys, plan);
    expect(result.applied[0]!.migrated).toBe(7);
    const digest = (await readScenarioRecord(redis, keys, 'reactivation'))!.digest.slice(0, 12);
    expect(await readCounts(redis, keys, 'reactivation')).toEqual([{ version: digest, step: 'still-interested', status: 'waiting', count: 7 }]);
  });

  it('shows a pause made from the CLI as drift, and apply sets the file\'s state back', async () => {
    const { redis, keys } = testRedis();
    const scn = scenarioDir(['welcome']);
    await planAndApply(redis, keys, scn.dir);
    await changeScenarioState(redis, keys, 'welcome', 'pause');
    const plan = await planFor(redis, keys, scn.dir);
    expect(plan.changes[0]!.actions).toEqual(['resume']);
    expect(plan.changes[0]!.drift).toEqual([expect.stringContaining('paused from the CLI')]);
    await applyPlan(redis, keys, plan);
    expect((await readScenarioRecord(redis, keys, 'welcome'))!).toMatchObject({ state: 'running', stateBy: 'git' });

    // suspend: true in the file is a pause through git: no drift.
    scn.edit('welcome.yaml', 'spec:\n', 'spec:\n  suspend: true\n');
    const paused = await planFor(redis, keys, scn.dir);
    expect(paused.changes[0]).toMatchObject({ actions: ['pause'], drift: [] });
  });

  it('never archives a running scenario whose file was deleted unless confirmed', async () => {
    const { redis, keys } = testRedis();
    const scn = scenarioDir(['standard', 'welcome']);
    await seedContacts(redis, keys, LIST, prospects(5));
    await planAndApply(redis, keys, scn.dir);
    scn.remove('standard.yaml');

    const guarded = await planFor(redis, keys, scn.dir);
    expect(guarded.changes.find((c) => c.name === 'standard')).toMatchObject({ actions: ['keep'], enrolled: 5 });
    await applyPlan(redis, keys, guarded);
    expect((await readScenarioRecord(redis, keys, 'standard'))!.state).toBe('running');

    const pruned = await planFor(redis, keys, scn.dir, true);
    expect(pruned.changes.find((c) => c.name === 'standard')!.actions).toEqual(['archive']);
    await applyPlan(redis, keys, pruned);
    expect((await readScenarioRecord(redis, keys, 'standard'))!.state).toBe('archived');
    expect(await redis.exists(keys.enrollments('standard'))).toBe(0); // contacts released
  });

  it('archives on deletion when the file\'s last version carried the prune annotation', async () => {
    const { redis, keys } = testRedis();
    const scn = scenarioDir(['welcome']);
    scn.edit('welcome.yaml', 'metadata:\n', 'metadata:\n  annotations:\n    relance.dev/prune: confirm\n');
    await planAndApply(redis, keys, scn.dir);
    scn.remove('welcome.yaml');
    const plan = await planFor(redis, keys, scn.dir);
    expect(plan.changes[0]).toMatchObject({ name: 'welcome', actions: ['archive'] });
  });

  it('lets one of two concurrent applies win; the other names the holder', async () => {
    const { redis, keys } = testRedis();
    const scn = scenarioDir(['welcome']);
    const plan = await planFor(redis, keys, scn.dir);
    const results = await Promise.allSettled([applyPlan(redis, keys, plan), applyPlan(redis, keys, plan)]);
    const failures = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect(failures).toHaveLength(1);
    expect(failures[0]!.reason).toBeInstanceOf(LockHeldError);
    expect((failures[0]!.reason as Error).message).toMatch(/another apply holds the lock: .+ \(pid \d+\), apply/);

    const held = await acquireLock(redis, keys, 'apply', 'apply by hand');
    await expect(applyPlan(redis, keys, await planFor(redis, keys, scn.dir))).rejects.toThrow(/apply by hand/);
    await held.release();
  });

  it('refuses a saved plan once the running state has moved', async () => {
    const { redis, keys } = testRedis();
    const scn = scenarioDir(['welcome']);
    await planAndApply(redis, keys, scn.dir);
    scn.edit('welcome.yaml', 'for: 7 days', 'for: 8 days');
    const saved = JSON.parse(JSON.stringify(await planFor(redis, keys, scn.dir)));
    await changeScenarioState(redis, keys, 'welcome', 'pause');
    await expect(applyPlan(redis, keys, saved)).rejects.toBeInstanceOf(StalePlanError);
    expect((await readScenarioRecord(redis, keys, 'welcome'))!.state).toBe('paused');
  });

  it('reports status with colours, and pauses, resumes and removes single contacts', async () => {
    const { redis, keys } = testRedis();
    const scn = scenarioDir(['standard', 'welcome']);
    await seedContacts(redis, keys, LIST, prospects(4));
    await planAndApply(redis, keys, scn.dir);
    const status = await readStatus(redis, keys);
    expect(status.map((s) => [s.name, s.colour, s.inProgress])).toEqual([['standard', 'orange', 4], ['welcome', 'red', 0]]);
    expect(status[0]!.bySteps[0]).toEqual({ step: 'initial', type: 'email', count: 4, through: 0 });

    expect(await changeContactState(redis, keys, 'standard', 'cfo1@prospect1.example', 'pause')).toBe('waiting');
    expect((await readStatus(redis, keys, 'standard'))[0]!.byStatus).toEqual({ waiting: 3, paused: 1 });
    await changeContactState(redis, keys, 'standard', 'cfo1@prospect1.example', 'resume');
    await changeContactState(redis, keys, 'standard', 'cfo2@prospect2.example', 'remove');
    expect((await readStatus(redis, keys, 'standard'))[0]!.byStatus).toEqual({ waiting: 3 });
    expect(await redis.hexists(keys.enrollments('standard'), '2')).toBe(0);
  });

  it('blocks contacts over the active cap', async () => {
    const { redis, keys } = testRedis();
    const scn = scenarioDir(['standard']);
    scn.edit('standard.yaml', 'spec:\n', 'spec:\n  limits: { maxActive: 3 }\n');
    await seedContacts(redis, keys, LIST, prospects(5));
    const result = await planAndApply(redis, keys, scn.dir);
    expect(result.applied[0]!.admission).toEqual({ admitted: 3, blocked: 2, already: 0 });
  });
});
