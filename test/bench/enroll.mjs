// Enrolls 1,000,000 list members into a list scenario (first step an email) and schedules that
// step, through the compiled library (dist/): `admitListMembers`, what `relance apply` runs for a
// list scenario (SSCAN of the list, HMGET of contact:data and suppressed per 1,000, admit.lua).
// Setup, not timed: contacts written straight into the store layout under a fresh key prefix;
// the scenario applied for real (validatePaths → makePlan → applyPlan) while its list is empty,
// so the apply's own admission finds nobody; then the list is filled and the admission timed.
// Baseline, same run: one BullMQ job per contact, `queue.addBulk` in chunks of 1,000 (job data
// `{ contactId }`) on a prefix of its own, fed by the same SSCAN of the list, then obliterated.
// Memory: MEMORY USAGE … SAMPLES 0 (exact) of the enrollment structures, i.e. enrollments:<name>
// (one field per contact), counts:<name>, every due:<name>:<minute> bucket and due-index, divided
// by the contacts; the used_memory delta over the admission is printed too.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { applyScenarios, deleteAll, ensureBuilt, machineCpu, memoryUsage, onInterrupt, root, seconds, seedContacts, usedMemory, writeScenario } from './lib/common.mjs';

const CONTACTS = Number(process.env.BENCH_CONTACTS ?? 1_000_000);
const LIST = 'bench-prospects';
const NAME = 'bench-enroll';

ensureBuilt();
const { admitListMembers } = await import(join(root, 'dist/apply/admission.js'));
const { shortDigest } = await import(join(root, 'dist/compile/normalize.js'));
const { Keys } = await import(join(root, 'dist/state/keys.js'));
const { Redis } = await import('ioredis');
const { Queue } = await import('bullmq');

const url = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const redis = new Redis(url);
const keys = new Keys(`bench-enroll-${randomUUID().slice(0, 8)}`);
const baselineKeys = new Keys(`bench-enroll-${randomUUID().slice(0, 8)}`);
const dir = mkdtempSync(join(tmpdir(), 'relance-bench-enroll-'));
let queue;
onInterrupt(() => cleanup());

/** CPU seconds so far: this process (the client), Redis (INFO cpu), the whole machine. */
async function cpuNow() {
  const info = await redis.info('cpu');
  const u = process.cpuUsage();
  return { client: (u.user + u.system) / 1e6, redis: Number(/used_cpu_user:([\d.]+)/.exec(info)[1]) + Number(/used_cpu_sys:([\d.]+)/.exec(info)[1]), machine: await machineCpu() };
}
function cpuSince(a, b) {
  const client = b.client - a.client;
  const redisCpu = b.redis - a.redis;
  return `CPU: client ${client.toFixed(1)} s, redis ${redisCpu.toFixed(1)} s, other processes ${Math.max(0, b.machine.busy - a.machine.busy - client - redisCpu).toFixed(1)} s, stolen by the host ${(b.machine.steal - a.machine.steal).toFixed(1)} s`;
}

try {
  // Setup: the scenario, applied while its list is empty, then the contacts.
  writeScenario(dir, { name: NAME, list: LIST, followUp: true });
  const now = new Date();
  const { plan, result } = await applyScenarios(redis, keys, dir, now);
  const change = plan.changes.find((c) => c.name === NAME);
  if (!change?.desired || result.applied[0]?.admission?.admitted !== 0) throw new Error(`unexpected apply: ${JSON.stringify(result)}`);
  const { desired } = change;
  let start = process.hrtime.bigint();
  await seedContacts(redis, keys, LIST, CONTACTS);
  console.log(`setup: scenario ${NAME} applied (entry step "${desired.graph.entry}", an email); ${CONTACTS.toLocaleString('en')} contacts written in list ${LIST} in ${seconds(start).toFixed(2)} s`);

  // Timed: the admission.
  const memoryBefore = await usedMemory(redis);
  let cpu0 = await cpuNow();
  start = process.hrtime.bigint();
  const admission = await admitListMembers(redis, keys, { name: NAME, version: shortDigest(desired.digest), entry: desired.graph.entry, scenario: desired.scenario, schedule: desired.schedule, now });
  const enrollSeconds = seconds(start);
  const enrollCpu = cpuSince(cpu0, await cpuNow());
  const memoryDelta = (await usedMemory(redis)) - memoryBefore;

  // Check: every contact enrolled once, at the email, due now, in a due bucket (listed by due-index).
  const buckets = (await redis.zrange(keys.dueIndex(), 0, -1)).filter((m) => m.startsWith(`${NAME}|`)).map((m) => keys.dueBucket(NAME, Number(m.slice(NAME.length + 1))));
  let queuedIds = 0;
  for (const b of buckets) queuedIds += await redis.llen(b);
  const enrolled = await redis.hlen(keys.enrollments(NAME));
  const sample = await redis.hget(keys.enrollments(NAME), '1');
  if (admission.admitted !== CONTACTS || enrolled !== CONTACTS || queuedIds !== CONTACTS || !sample?.includes(`|${desired.graph.entry}|waiting|`)) {
    throw new Error(`unexpected admission: ${JSON.stringify({ admission, enrolled, queuedIds, buckets: buckets.length, sample })}`);
  }
  const structures = [keys.enrollments(NAME), keys.counts(NAME), ...buckets, keys.dueIndex()];
  const sizes = {};
  for (const key of structures) sizes[key.slice(keys.prefix.length + 1)] = await memoryUsage(redis, key);
  const bytes = Object.values(sizes).reduce((a, b) => a + b, 0);
  await deleteAll(redis, keys);

  // Baseline: one BullMQ job per contact, addBulk of 1,000, fed by the same SSCAN.
  await seedContacts(redis, baselineKeys, LIST, CONTACTS);
  queue = new Queue('enroll', { connection: redis, prefix: baselineKeys.bullPrefix() });
  await queue.waitUntilReady();
  const baselineMemoryBefore = await usedMemory(redis);
  cpu0 = await cpuNow();
  start = process.hrtime.bigint();
  let jobs = 0;
  let pending = [];
  let cursor = '0';
  do {
    const [next, ids] = await redis.sscan(baselineKeys.list(LIST), cursor, 'COUNT', 1000);
    cursor = next;
    for (const id of ids) {
      pending.push({ name: 'enroll', data: { contactId: id } });
      if (pending.length === 1000) {
        await queue.addBulk(pending);
        jobs += pending.length;
        pending = [];
      }
    }
  } while (cursor !== '0');
  if (pending.length) {
    await queue.addBulk(pending);
    jobs += pending.length;
  }
  const baselineSeconds = seconds(start);
  const baselineCpu = cpuSince(cpu0, await cpuNow());
  const baselineMemory = (await usedMemory(redis)) - baselineMemoryBefore;
  const waiting = await queue.getWaitingCount();
  if (jobs !== CONTACTS || waiting !== CONTACTS) throw new Error(`baseline queued ${jobs} jobs, ${waiting} waiting`);
  start = process.hrtime.bigint();
  await queue.obliterate({ force: true, count: 10_000 });
  const obliterateSeconds = seconds(start);
  await queue.close();
  queue = undefined;
  await deleteAll(redis, baselineKeys);

  const perEnrollment = bytes / CONTACTS;
  const ratio = baselineSeconds / enrollSeconds;
  console.log(`enroll: ${CONTACTS.toLocaleString('en')} contacts in ${enrollSeconds.toFixed(2)} s (${Math.round(CONTACTS / enrollSeconds).toLocaleString('en')} contacts/s); admitted ${admission.admitted}, blocked ${admission.blocked}, already ${admission.already}; ${buckets.length} due bucket(s); ${enrollCpu}`);
  console.log(`baseline: BullMQ addBulk of 1,000 jobs { contactId }, ${jobs.toLocaleString('en')} jobs in ${baselineSeconds.toFixed(2)} s (${Math.round(jobs / baselineSeconds).toLocaleString('en')} jobs/s); used_memory delta ${(baselineMemory / CONTACTS).toFixed(1)} bytes per job; obliterate ${obliterateSeconds.toFixed(2)} s; ${baselineCpu}`);
  console.log(`ratio: ${ratio.toFixed(2)}× faster than one BullMQ job per contact`);
  console.log(`redis memory: ${perEnrollment.toFixed(1)} bytes per enrollment = MEMORY USAGE SAMPLES 0 of ${Object.entries(sizes).map(([k, v]) => `${k} ${v.toLocaleString('en')}`).join(' + ')}; used_memory delta ${(memoryDelta / CONTACTS).toFixed(1)} bytes per enrollment`);
  console.log(JSON.stringify({ bench: 'enroll', contacts: CONTACTS, seconds: Number(enrollSeconds.toFixed(3)), baseline_seconds: Number(baselineSeconds.toFixed(3)), ratio: Number(ratio.toFixed(2)), redis_bytes_per_enrollment: Number(perEnrollment.toFixed(1)) }));
} finally {
  await cleanup();
}

async function cleanup() {
  await queue?.obliterate({ force: true, count: 10_000 }).catch(() => {});
  await queue?.close().catch(() => {});
  await deleteAll(redis, keys).catch(() => {});
  await deleteAll(redis, baselineKeys).catch(() => {});
  redis.disconnect();
  rmSync(dir, { recursive: true, force: true });
}
