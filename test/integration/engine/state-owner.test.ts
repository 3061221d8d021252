import { execFile } from 'node:child_process';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { UnknownTaskError, completeTask, listTasks } from '../../../src/enroll/tasks.js';
import { recordEvent } from '../../../src/events/record-event.js';
import { VirtualClock } from '../../../src/time/clock.js';
import { SECRET, addContacts, counts, enrollmentOf, ensureBuilt, install, scenarioFiles, startEngine } from '../../helpers/engine.js';
import { REDIS_URL, testRedis } from '../../helpers/redis.js';
import { startSmtpSink, type SmtpSink } from '../../helpers/smtp-sink.js';
import type { Keys } from '../../../src/state/keys.js';

/**
 * The enrollment owner keeps counts, the active total, the blocked queue and the schedule in step
 * with the enrollments, whoever writes: re-entry, two people closing one task at once, and
 * `relance doctor` finding and repairing drift made on purpose. The shared afterEach of the engine
 * helpers then runs the doctor, which must find every test's state clean.
 */

const ROOT = join(dirname(new URL(import.meta.url).pathname), '..', '..', '..');
let sink: SmtpSink;
beforeAll(async () => {
  await ensureBuilt();
  sink = await startSmtpSink({ store: true });
}, 240_000);
beforeEach(async () => { await sink.reset(); });
afterAll(async () => { await sink.stop(); });

const H = 3_600_000;
const D = 24 * H;
const iso = (ms: number) => new Date(ms).toISOString();

/** Runs `node bin/relance.js …args` on the test's prefix; resolves with its exit code and output. */
function relance(keys: Keys, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['bin/relance.js', ...args], {
      cwd: ROOT, env: { ...process.env, REDIS_URL, RELANCE_PREFIX: keys.prefix.replace(/^\{|\}$/g, ''), RELANCE_SECRET: SECRET },
    }, (err, stdout, stderr) => resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr }));
  });
}

async function subjects(email: string): Promise<string[]> {
  return (await sink.messages({ to: email })).sort((a, b) => a.n - b.n).map((m) => /^Subject: (.*)$/m.exec(m.raw ?? '')?.[1]?.trim() ?? '');
}

describe('one owner for enrollment state', () => {
  it('reentry: always — a second form while the contact is in its run changes nothing; after the run, it starts again', async () => {
    const { redis, keys } = testRedis();
    const files = scenarioFiles();
    files.scenario('hello', `  entry:
    triggers:
      - { on: form-submitted, form: hello-form }
    reentry: always
  form: { id: hello-form, title: Say hello }
  steps:
    - { id: welcome, type: email, template: m/x, subject: Welcome }
    - { id: pause, type: wait, for: 2 days }
    - { id: bye, type: email, template: m/x, subject: Bye }
`, { entry: false });
    const T0 = Date.parse('2026-06-01T08:00:00Z');
    const [ada] = await addContacts(redis, keys, 'people', [{ email: 'ada@example.org', firstName: 'Ada' }]);
    await install(redis, keys, files.dir, new Date(T0));
    const t = startEngine({ redis, keys, clock: new VirtualClock(new Date(T0)), smtpUrl: sink.url });
    const submit = () => recordEvent(redis, keys, { type: 'form-submitted', email: 'ada@example.org', scenario: 'hello', at: t.clock.now() });

    expect((await submit()).enrolled).toEqual(['hello']);
    await t.runTo(iso(T0 + H));
    expect(await subjects('ada@example.org')).toEqual(['Welcome']);

    // Still in its first run: the second submission neither restarts it nor sends Welcome again.
    expect((await submit()).enrolled).toEqual([]);
    await t.runTo(iso(T0 + 2 * H));
    expect(await subjects('ada@example.org')).toEqual(['Welcome']);
    const version = (await enrollmentOf(redis, keys, 'hello', ada!))!.version;
    expect(await counts(redis, keys, 'hello')).toMatchObject({ [`${version}|pause|waiting`]: 1, _active: 1 });

    await t.runTo(iso(T0 + 3 * D));
    expect(await subjects('ada@example.org')).toEqual(['Welcome', 'Bye']);
    expect(await enrollmentOf(redis, keys, 'hello', ada!)).toMatchObject({ step: 'bye', status: 'finished' });

    // The run has ended: a new submission starts a new one, and the counts follow the move.
    expect((await submit()).enrolled).toEqual(['hello']);
    await t.runTo(iso(T0 + 3 * D + H));
    expect(await subjects('ada@example.org')).toEqual(['Welcome', 'Bye', 'Welcome']);
    const after = await counts(redis, keys, 'hello');
    expect(after).toMatchObject({ [`${version}|pause|waiting`]: 1, [`${version}|bye|finished`]: 0, _active: 1, '_outcome|end': 1 });
  });

  it('a task marked done by two processes at once: one wins, the other is told it is not open any more', async () => {
    const { redis, keys } = testRedis();
    const files = scenarioFiles();
    files.scenario('calls', `  steps:
    - { id: call, type: task, title: "Call {{firstName}}" }
    - { id: after, type: wait, for: 1 day }
    - { id: follow-up, type: email, template: m/x, subject: Following our call }
`);
    // The CLI marks tasks done at the real time: the virtual clock starts there.
    const T0 = Math.floor(Date.now() / 60_000) * 60_000;
    const [ada] = await addContacts(redis, keys, 'people', [{ email: 'ada@example.org', firstName: 'Ada' }]);
    await install(redis, keys, files.dir, new Date(T0));
    const t = startEngine({ redis, keys, clock: new VirtualClock(new Date(T0)), smtpUrl: sink.url });
    await t.runTo(iso(T0 + H));
    const [task] = await listTasks(redis, keys);
    expect(task).toMatchObject({ contactId: ada, step: 'call' });

    const results = await Promise.all([relance(keys, ['task', 'done', task!.id]), relance(keys, ['task', 'done', task!.id])]);
    expect(results.map((r) => r.code).sort()).toEqual([0, 1]);
    // The loser read the task before the winner closed it (the script refuses it), or after.
    expect(results.find((r) => r.code === 1)!.stderr).toMatch(/task "calls:1:call" is not open any more: someone marked it done meanwhile|no open task "calls:1:call"/);
    const version = (await enrollmentOf(redis, keys, 'calls', ada!))!.version;
    expect(await counts(redis, keys, 'calls')).toMatchObject({ [`${version}|call|waiting`]: 0, [`${version}|after|waiting`]: 1, _active: 1, '_passed|call': 1 });

    await t.runTo(iso(T0 + 3 * D));
    expect(await subjects('ada@example.org')).toEqual(['Following our call']);
    expect(await counts(redis, keys, 'calls')).toMatchObject({ _active: 0, '_outcome|end': 1 });
  });

  it('two completions of one task read before either closes it: the script lets exactly one through', async () => {
    const { redis, keys } = testRedis();
    const files = scenarioFiles();
    files.scenario('calls', `  steps:
    - { id: call, type: task, title: "Call {{firstName}}" }
    - { id: follow-up, type: email, template: m/x, subject: Following our call }
`);
    const T0 = Date.parse('2026-06-01T08:00:00Z');
    const [ada] = await addContacts(redis, keys, 'people', [{ email: 'ada@example.org', firstName: 'Ada' }]);
    await install(redis, keys, files.dir, new Date(T0));
    const t = startEngine({ redis, keys, clock: new VirtualClock(new Date(T0)), smtpUrl: sink.url });
    await t.runTo(iso(T0 + H));
    const [task] = await listTasks(redis, keys);
    // On one connection both reads go out before either script: both callers saw the task open.
    const settled = await Promise.allSettled([completeTask(redis, keys, task!.id, t.clock.now()), completeTask(redis, keys, task!.id, t.clock.now())]);
    expect(settled.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
    const lost = settled.find((r): r is PromiseRejectedResult => r.status === 'rejected')!;
    expect(lost.reason).toBeInstanceOf(UnknownTaskError);
    expect(String(lost.reason.message)).toContain('is not open any more: someone marked it done meanwhile');
    const version = (await enrollmentOf(redis, keys, 'calls', ada!))!.version;
    expect(await counts(redis, keys, 'calls')).toMatchObject({ [`${version}|call|waiting`]: 0, [`${version}|follow-up|waiting`]: 1, '_passed|call': 1 });
    await t.runTo(iso(T0 + 2 * H));
    expect(await subjects('ada@example.org')).toEqual(['Following our call']);
  });

  it('relance doctor names each difference made on purpose, and --fix repairs them all', async () => {
    const { redis, keys } = testRedis();
    const files = scenarioFiles();
    files.scenario('drip', `  limits: { maxActive: 3 }
  steps:
    - { id: hello, type: email, template: m/x, subject: Hello }
    - { id: later, type: wait, for: 2 days }
    - { id: again, type: email, template: m/x, subject: Again }
`);
    const T0 = Date.now() - 10 * 60_000;
    const people = Array.from({ length: 5 }, (_, i) => ({ email: `p${i + 1}@example.org` }));
    const ids = await addContacts(redis, keys, 'people', people);
    await install(redis, keys, files.dir, new Date(T0));
    const t = startEngine({ redis, keys, clock: new VirtualClock(new Date(T0)), smtpUrl: sink.url });
    await t.runTo(iso(T0 + 60_000));
    await t.stop();
    expect(await subjects('p1@example.org')).toEqual(['Hello']);
    expect((await relance(keys, ['doctor'])).stdout).toContain('clean');

    // Drift, made by hand: a wrong count and active total, a due bucket gone from the index, a
    // waiting contact taken out of its bucket, a blocked contact missing from the blocked queue and
    // a stranger in it, and sends a worker that never came back had started, and only reserved.
    const e1 = (await enrollmentOf(redis, keys, 'drip', ids[0]!))!;
    const v = e1.version;
    const bucketMinute = Math.floor(e1.due / 60);
    const blocked = await redis.lrange(keys.blocked('drip'), 0, -1);
    expect(blocked).toHaveLength(2);
    await redis.hincrby(keys.counts('drip'), `${v}|later|waiting`, 2);
    await redis.hincrby(keys.counts('drip'), '_active', -1);
    await redis.zrem(keys.dueIndex(), keys.dueMember('drip', bucketMinute));
    await redis.lrem(keys.dueBucket('drip', bucketMinute), 0, ids[1]!);
    await redis.lrem(keys.blocked('drip'), 0, blocked[1]!);
    await redis.rpush(keys.blocked('drip'), ids[2]!);
    const stale = Math.floor(Date.now() / 1000) - 3600;
    await redis.hset(keys.ledger('drip'), `${ids[0]}|again|${e1.since}`, `sending|dead-worker/1|${stale}`);
    await redis.hset(keys.ledger('drip'), `${ids[1]}|again|${e1.since}`, `pending|dead-worker/1|${stale}`);

    const found = await relance(keys, ['doctor']);
    expect(found.code).toBe(1);
    expect(found.stdout).toContain(`count: counts ${v}|later|waiting: 5 counted, 3 enrolled there`);
    expect(found.stdout).toContain('active: active total: 2 counted, 3 contacts hold a place');
    expect(found.stdout).toMatch(new RegExp(`index-missing: due index: bucket of minute .* is not in the index, the sweep never sees it \\(contacts? ${ids[0]}`));
    expect(found.stdout).toContain(`blocked-missing: blocked queue: 1 blocked contact missing from it (never let in) (contact ${blocked[1]})`);
    expect(found.stdout).toContain(`blocked-stale: blocked queue: 1 entry of contacts not blocked, or there twice (contact ${ids[2]})`);
    expect(found.stdout).toContain(`unscheduled: 1 contact in progress that nothing will look at again (in no due bucket, no queued job, no open task) (contact ${ids[1]})`);
    expect(found.stdout).toContain(`ledger-pending: send ledger: 1 send started more than 120 s ago with no outcome (outcome unknown) (contact ${ids[0]})`);
    expect(found.stdout).toContain(`ledger-pending: send ledger: 1 send reserved more than 120 s ago and never attempted (released for a retry) (contact ${ids[1]})`);
    expect(found.stdout).toContain('8 differences');

    const fixed = await relance(keys, ['doctor', '--fix']);
    expect(fixed.code).toBe(0);
    expect(fixed.stdout).toContain('after the repair: clean');
    const again = await relance(keys, ['doctor']);
    expect(again).toMatchObject({ code: 0 });
    expect(again.stdout).toContain('clean');
    expect(await redis.hget(keys.ledger('drip'), `${ids[0]}|again|${e1.since}`)).toMatch(/^unknown\|/);
    expect(await redis.hget(keys.ledger('drip'), `${ids[1]}|again|${e1.since}`)).toBeNull();
    expect(Object.keys(await redis.hgetall(keys.unknownSends()))).toEqual([`drip|${ids[0]}|again|${e1.since}`]);

    // The repaired state runs: every contact gets Hello once; the blocked ones enter as places free.
    const t2 = startEngine({ redis, keys, clock: new VirtualClock(new Date(T0 + 60_000)), smtpUrl: sink.url });
    await t2.runTo(iso(T0 + 10 * D));
    for (const p of people) expect((await subjects(p.email)).filter((s) => s === 'Hello')).toEqual(['Hello']);
    expect(await counts(redis, keys, 'drip')).toMatchObject({ _active: 0 });
  });
});
