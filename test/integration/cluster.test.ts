import { randomUUID } from 'node:crypto';
import type { Cluster, Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runDoctor } from '../../src/enroll/run-doctor.js';
import { IN_FLIGHT_S } from '../../src/execute/ledger.js';
import { queuedIds, stepsQueue } from '../../src/schedule/queue.js';
import { connectCluster, parseClusterNodes } from '../../src/state/cluster.js';
import { deletePrefix } from '../../src/state/delete-prefix.js';
import { Keys } from '../../src/state/keys.js';
import { openRedis } from '../../src/state/resolve-redis.js';
import { VirtualClock } from '../../src/time/clock.js';
import { addContacts, counts, install, scenarioFiles, startEngine, statusTotals } from '../helpers/engine.js';
import { clusterUnavailable, startRedisCluster, type RedisCluster } from '../helpers/redis-cluster.mjs';
import { startSmtpSink, type SmtpSink } from '../helpers/smtp-sink.js';

/**
 * The engine on a real three-master Redis Cluster that the test starts and stops itself: apply,
 * sweep, BullMQ batches, the send ledger and the SMTP transport, end to end, then `relance doctor`.
 * Every relance key and BullMQ's share one hash tag, so they all live on one master.
 */

const CONTACTS = 300;
const D = 86_400_000;
const T0 = Date.parse('2026-06-01T08:00:00Z');
const DRIP = `  steps:
    - { id: hello, type: email, template: m/x, subject: Hello }
    - { id: later, type: wait, for: 2 days }
    - { id: second, type: email, template: m/x, subject: Second }
`;

const unavailable = clusterUnavailable();
if (unavailable) console.warn(`cluster.test.ts skipped: ${unavailable}`);

describe.skipIf(Boolean(unavailable))(unavailable ? `Redis Cluster (skipped: ${unavailable})` : 'a three-master Redis Cluster', () => {
  let cluster: RedisCluster | undefined;
  let redis: Redis | undefined;
  let sink: SmtpSink | undefined;

  beforeAll(async () => {
    cluster = await startRedisCluster({ masters: 3 });
    redis = await connectCluster(parseClusterNodes(cluster.spec)!);
    sink = await startSmtpSink({ store: false });
  }, 30_000);

  afterAll(async () => {
    await redis?.quit().catch(() => redis?.disconnect());
    await sink?.stop();
    await cluster?.stop();
  });

  it('REDIS_CLUSTER_NODES opens it for every command (openRedis), refusing a second Redis setting', async () => {
    const saved = process.env.REDIS_CLUSTER_NODES;
    process.env.REDIS_CLUSTER_NODES = cluster!.nodes.slice(0, 1).map((n) => `${n.host}:${n.port}`).join(',');
    try {
      const opened = await openRedis({ url: '' });
      try {
        expect(opened.redis.isCluster).toBe(true);
        expect((opened.redis as unknown as Cluster).nodes('master')).toHaveLength(3);
      } finally {
        await opened.close();
      }
      await expect(openRedis({ url: 'redis://127.0.0.1:6379' })).rejects.toThrow(/REDIS_CLUSTER_NODES is set with REDIS_URL/);
    } finally {
      if (saved === undefined) delete process.env.REDIS_CLUSTER_NODES;
      else process.env.REDIS_CLUSTER_NODES = saved;
    }
  });

  it(`runs a two-email scenario for ${CONTACTS} contacts: each gets each email once, counts match, doctor clean`, async () => {
    const r = redis!;
    const keys = new Keys(`cluster-${randomUUID().slice(0, 8)}`);
    const masters = (r as unknown as Cluster).nodes('master');
    expect(masters).toHaveLength(3);

    // One hash tag, one slot: the enrollment keys and BullMQ's share it.
    const slot = await r.cluster('KEYSLOT', keys.enrollments('drip'));
    expect(await r.cluster('KEYSLOT', `${keys.bullPrefix()}:steps:wait`)).toBe(slot);

    const files = scenarioFiles();
    files.scenario('drip', DRIP);
    const people = Array.from({ length: CONTACTS }, (_, i) => ({ email: `c${i + 1}@cluster.example`, firstName: `C${i + 1}` }));
    await addContacts(r, keys, 'people', people);
    const applied = await install(r, keys, files.dir, new Date(T0));
    expect(applied.applied[0]?.admission?.admitted).toBe(CONTACTS);

    // The doctor's SCAN must reach the slot's master: a bucket hidden from the index is found.
    const queue = stepsQueue(r, keys);
    const member = (await r.zrange(keys.dueIndex(), 0, -1))[0]!;
    const score = Number(await r.zscore(keys.dueIndex(), member));
    await r.zrem(keys.dueIndex(), member);
    const hidden = await runDoctor(r, keys, { now: new Date(T0), inFlightSeconds: IN_FLIGHT_S, queued: () => queuedIds(queue) });
    expect(hidden.differences.map((d) => d.kind)).toEqual(['index-missing']);
    await r.zadd(keys.dueIndex(), score, member);

    const clock = new VirtualClock(new Date(T0));
    const t = startEngine({ redis: r, keys, clock, smtpUrl: sink!.url, workerRedis: r.duplicate(), concurrency: 4 });
    try {
      // 600 sends from one sender to one "other" provider: its weekly quota (500) defers the
      // last 100 to next Monday, which the run reaches.
      await t.runTo(new Date(T0 + 10 * D));
    } finally {
      await t.stop();
    }

    const stats = await sink!.stats();
    expect(stats.messages).toBe(2 * CONTACTS);
    expect(Object.keys(stats.byRecipient)).toHaveLength(CONTACTS);
    expect(Object.values(stats.byRecipient).every((n) => n === 2)).toBe(true);
    const ledger = Object.entries(await r.hgetall(keys.ledger('drip')));
    expect(ledger).toHaveLength(2 * CONTACTS);
    expect(ledger.every(([, v]) => v.startsWith('sent|'))).toBe(true);
    expect(new Set(ledger.map(([f]) => f.split('|').slice(0, 2).join('|'))).size).toBe(2 * CONTACTS);
    expect(await statusTotals(r, keys, 'drip')).toEqual({ finished: CONTACTS });
    const c = await counts(r, keys, 'drip');
    expect([c['_passed|hello'], c['_passed|later'], c['_outcome|end']]).toEqual([CONTACTS, CONTACTS, CONTACTS]);

    const doctor = await runDoctor(r, keys, { now: clock.now(), inFlightSeconds: IN_FLIGHT_S, queued: () => queuedIds(queue) });
    expect(doctor.differences).toEqual([]);
    await queue.close();

    // All of it sat on the slot's master; the other two hold nothing.
    const sizes = await Promise.all(masters.map((m) => m.dbsize()));
    expect(sizes.filter((n) => n > 0)).toHaveLength(1);
    await deletePrefix(r, keys);
    expect(await Promise.all(masters.map((m) => m.dbsize()))).toEqual([0, 0, 0]);
  }, 50_000);
});
