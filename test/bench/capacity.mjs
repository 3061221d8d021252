// Capacity of the Redis behind relance, measured on a three-master Redis Cluster this bench starts
// itself (test/helpers/redis-cluster.mjs; needs redis-server, redis-cli and redis-benchmark), so
// that no other client's traffic lands in the figures. Compiled library (dist/), real engine.
// 1. Memory (MEMORY USAGE … SAMPLES 0, exact): BENCH_CONTACTS (default 20,000) contacts written
//    in the store layout (contact:ids, contact:data, list:<name>); a list scenario (email, wait
//    3 days, email) applied for real, which enrols them all, due now: enrollments, counts, due
//    buckets and due-index per enrollment.
// 2. Sends: the engine (startRuntime, in process: sweep every second, one BullMQ worker of
//    concurrency 4, pooled SMTP to a sink in another process) sends the first email to every
//    contact; timed until every contact waits on the 3-day step (polled on a connection of its
//    own, its HGETALLs subtracted). Counted over that window: the commands the engine's clients
//    sent (ioredis's sendCommand wrapped, every connection of this process: the engine's, BullMQ's
//    worker and queue), and INFO commandstats deltas on each master (what Redis executed: Lua
//    scripts' inner calls count there too), and INFO cpu (used_cpu_user + used_cpu_sys).
//    After it: bytes per ledger entry, per waiting enrollment, per BullMQ job kept.
// 3. Events: BENCH_EVENTS (default 2,000) `opened` events through recordEvent: bytes per
//    engagement record they grow, commands per event.
// 4. redis-benchmark against the master holding relance's slot: HGET on a small hash under the
//    same hash tag, 50 clients, 2 threads, no pipelining, with Redis's CPU over it: the cost of
//    one cheap command. Model: a send costs (client commands per send) × that + the Lua scripts'
//    time per send (commandstats usec of evalsha/eval, inner calls included); the measured CPU
//    per send is printed next to it. Redis runs commands on one thread: one core's worth of
//    CPU per second is where it saturates.
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { applyScenarios, contact, ensureBuilt, memoryUsage, onInterrupt, root, seconds, seedContacts, writeScenario } from './lib/common.mjs';
import { startSink } from './lib/sink.mjs';
import { clusterUnavailable, startRedisCluster } from '../helpers/redis-cluster.mjs';

const CONTACTS = Number(process.env.BENCH_CONTACTS ?? 20_000);
const EVENTS = Math.min(CONTACTS, Number(process.env.BENCH_EVENTS ?? 2_000));
const TIMEOUT_S = Number(process.env.BENCH_TIMEOUT_SECONDS ?? 300);
const LIST = 'bench-capacity';
const NAME = 'bench-capacity';
const SENDER = 'jordan.lee@acme-analytics.example';
const SECRET = 'bench-secret-0123456789abcdef0123456789abcdef';
// Commands of this bench and of the cluster's upkeep, not of the engine.
const UPKEEP = new Set(['info', 'cluster', 'config', 'memory', 'dbsize', 'scan', 'command', 'client', 'hello', 'ping', 'readonly']);

const missing = clusterUnavailable() ?? (await promisify(execFile)('redis-benchmark', ['--version']).then(() => undefined, () => 'redis-benchmark not found on PATH'));
if (missing) {
  console.error(`capacity: ${missing}`);
  process.exit(69);
}
ensureBuilt();
const { Keys } = await import(join(root, 'dist/state/keys.js'));
const { connectCluster, parseClusterNodes, slotOwner } = await import(join(root, 'dist/state/cluster.js'));
const { startRuntime } = await import(join(root, 'dist/execute/runtime.js'));
const { recordEvent } = await import(join(root, 'dist/events/record-event.js'));
const { providerOf } = await import(join(root, 'dist/quotas/providers.js'));
const { weekStart } = await import(join(root, 'dist/time/week.js'));
const { Redis } = await import('ioredis');
const { pino } = await import('pino');

// Every command any connection of this process sends, by name (the cluster's node connections
// are ioredis Redis instances too). `quiet` connections (the bench's own polling) are left out.
const sent = { on: false, byName: new Map(), quiet: new WeakSet() };
const sendCommand = Redis.prototype.sendCommand;
Redis.prototype.sendCommand = function (command, stream) {
  if (sent.on && !sent.quiet.has(this)) sent.byName.set(command.name.toLowerCase(), (sent.byName.get(command.name.toLowerCase()) ?? 0) + 1);
  return sendCommand.call(this, command, stream);
};
const takeSent = () => { const out = Object.fromEntries(sent.byName); sent.byName.clear(); return out; };

const cluster = await startRedisCluster({ masters: 3 });
const redis = await connectCluster(parseClusterNodes(cluster.spec));
const keys = new Keys(`bench-capacity-${randomUUID().slice(0, 8)}`);
const owner = await slotOwner(redis, keys.scenarios());
const ownerPort = owner.options.port;
const masters = redis.nodes('master').sort((a, b) => a.options.port - b.options.port);
// Fails at once if the node is gone (a bench must not hang on a dead cluster).
const poll = new Redis({ host: '127.0.0.1', port: ownerPort, maxRetriesPerRequest: 0, enableOfflineQueue: false, retryStrategy: () => null });
poll.on('error', () => {});
sent.quiet.add(poll);
const dir = mkdtempSync(join(tmpdir(), 'relance-bench-capacity-'));
const sink = await startSink(['--count-only']);
let runtime;
const within = (p, ms) => Promise.race([p, new Promise((r) => setTimeout(r, ms).unref())]);
async function cleanup() {
  await within(runtime?.stop().catch(() => {}), 15_000);
  await sink.stop();
  poll.disconnect();
  redis.disconnect();
  await cluster.stop();
  rmSync(dir, { recursive: true, force: true });
}
onInterrupt(cleanup);

/** `cmdstat_<name>` → { calls, usec } of one node. */
async function commandStats(node) {
  const out = {};
  for (const m of (await node.info('commandstats')).matchAll(/^cmdstat_([^:]+):calls=(\d+),usec=(\d+)/gm)) out[m[1].replace(/\|/g, ' ')] = { calls: Number(m[2]), usec: Number(m[3]) };
  return out;
}
function statsDelta(before, after) {
  const out = {};
  for (const [name, a] of Object.entries(after)) {
    const b = before[name] ?? { calls: 0, usec: 0 };
    if (a.calls > b.calls) out[name] = { calls: a.calls - b.calls, usec: a.usec - b.usec };
  }
  return out;
}
const cpuOf = async (node) => { const info = await node.info('cpu'); return Number(/used_cpu_user:([\d.]+)/.exec(info)[1]) + Number(/used_cpu_sys:([\d.]+)/.exec(info)[1]); };
const engineCalls = (stats) => Object.entries(stats).filter(([n]) => !UPKEEP.has(n.split(' ')[0])).reduce((s, [, v]) => s + v.calls, 0);
const sum = (values) => values.reduce((a, b) => a + b, 0);
const perItem = (n, of) => Math.round(n / of);
/** Sum of MEMORY USAGE over the keys matching `pattern` on the slot's master. */
async function memoryOfPattern(pattern) {
  let total = 0;
  let count = 0;
  let cursor = '0';
  do {
    const [next, found] = await owner.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
    cursor = next;
    for (const key of found) { total += await memoryUsage(owner, key); count++; }
  } while (cursor !== '0');
  return { total, count };
}
const fmt = (n, digits = 0) => Number(n).toLocaleString('en', { maximumFractionDigits: digits, minimumFractionDigits: digits });

try {
  console.log(`machine: ${availableParallelism()} cores, load average ${loadavg()[0].toFixed(1)} at the start (figures in time and CPU move with what else runs)`);
  console.log(`cluster: ${masters.length} masters (${masters.map((m) => m.options.port).join(', ')}), no replicas; relance's hash tag ${keys.prefix} is slot ${await redis.cluster('KEYSLOT', keys.scenarios())} on the master at port ${ownerPort}`);

  // 1. Memory: contacts, then enrollments.
  let start = process.hrtime.bigint();
  await seedContacts(redis, keys, LIST, CONTACTS);
  const contactBytes = sum(await Promise.all([keys.contactIds(), keys.contactData(), keys.list(LIST)].map((k) => memoryUsage(owner, k))));
  const sample = JSON.stringify(contact(1));
  writeScenario(dir, { name: NAME, list: LIST, followUp: true });
  const { result } = await applyScenarios(redis, keys, dir);
  if (result.applied[0]?.admission?.admitted !== CONTACTS) throw new Error(`apply admitted ${result.applied[0]?.admission?.admitted}, expected ${CONTACTS}`);
  const dueNow = await memoryOfPattern(keys.dueBuckets(NAME));
  const enrollmentBytes = sum(await Promise.all([keys.enrollments(NAME), keys.counts(NAME), keys.dueIndex()].map((k) => memoryUsage(owner, k)))) + dueNow.total;
  console.log(`setup: ${fmt(CONTACTS)} contacts and their enrollment in ${seconds(start).toFixed(1)} s`);
  console.log(`memory: ${perItem(contactBytes, CONTACTS)} bytes per contact (id index, ${sample.length}-byte JSON record like ${sample}, list membership)`);
  console.log(`memory: ${perItem(enrollmentBytes, CONTACTS)} bytes per enrollment due now (enrollment field, counters, its id in a due bucket, the index)`);

  // The sender's weekly quota to "other providers" (500) would defer most sends: start the
  // counters of this week and the next at -CONTACTS, so every send is still checked and counted.
  for (const at of [Date.now(), Date.now() + 7 * 86_400_000]) {
    await redis.set(keys.quota(SENDER, providerOf(contact(1).email), weekStart(new Date(at), 'UTC').toISOString().slice(0, 10)), -CONTACTS, 'EX', 8 * 86_400);
  }

  // 2. Sends through the engine.
  const before = await Promise.all(masters.map(commandStats));
  const cpuBefore = await Promise.all(masters.map(cpuOf));
  let polls = 0;
  sent.on = true;
  start = process.hrtime.bigint();
  const log = pino({ level: 'warn' });
  const workerRedis = redis.duplicate();
  workerRedis.on('error', () => {}); // a dead cluster is reported by cluster.failure() below
  runtime = startRuntime({ redis, workerRedis, keys, log, concurrency: 4, env: { ...process.env, SMTP_URL: sink.url, RELANCE_SECRET: SECRET } });
  for (;;) {
    if (cluster.failure()) throw new Error(cluster.failure());
    polls++;
    const counts = await poll.hgetall(keys.counts(NAME));
    const waiting = sum(Object.entries(counts).filter(([f]) => f.endsWith('|wait-3-days|waiting')).map(([, v]) => Number(v)));
    if (waiting >= CONTACTS) break;
    if (seconds(start) > TIMEOUT_S) throw new Error(`only ${waiting} of ${CONTACTS} sent after ${TIMEOUT_S} s`);
    await new Promise((r) => setTimeout(r, 100));
  }
  const sendSeconds = seconds(start);
  sent.on = false;
  const client = takeSent();
  const after = await Promise.all(masters.map(commandStats));
  const cpuAfter = await Promise.all(masters.map(cpuOf));
  await runtime.stop();
  runtime = undefined;
  workerRedis.disconnect();
  const sink1 = await sink.stats();
  if (sink1.messages !== CONTACTS || sink1.maxPerRecipient !== 1) throw new Error(`sink: ${JSON.stringify(sink1)}`);

  const deltas = before.map((b, i) => statsDelta(b, after[i]));
  const ownerIndex = masters.indexOf(masters.find((m) => m.options.port === ownerPort));
  const server = deltas[ownerIndex];
  if (server.hgetall) server.hgetall.calls -= polls;
  const clientCalls = sum(Object.entries(client).filter(([n]) => !UPKEEP.has(n)).map(([, n]) => n));
  const serverCalls = engineCalls(server);
  const scriptUsec = sum(['evalsha', 'eval', 'evalsha_ro', 'eval_ro', 'fcall'].map((n) => server[n]?.usec ?? 0));
  const cpu = cpuAfter.map((c, i) => c - cpuBefore[i]);
  const idleCpu = sum(cpu.filter((_, i) => i !== ownerIndex)) / (masters.length - 1);
  const cpuPerSendUs = ((cpu[ownerIndex] - idleCpu) * 1e6) / CONTACTS;
  const topClient = Object.entries(client).filter(([n]) => !UPKEEP.has(n)).sort((a, b) => b[1] - a[1]).slice(0, 8).map(([n, c]) => `${n} ${(c / CONTACTS).toFixed(3)}`).join(', ');
  const topServer = Object.entries(server).filter(([n]) => !UPKEEP.has(n.split(' ')[0])).sort((a, b) => b[1].calls - a[1].calls).slice(0, 8).map(([n, v]) => `${n} ${(v.calls / CONTACTS).toFixed(3)}`).join(', ');
  console.log(`sends: ${fmt(CONTACTS)} first emails through the engine in ${sendSeconds.toFixed(1)} s (${fmt(CONTACTS / sendSeconds)}/s, batches of 100, one in-process worker of concurrency 4)`);
  console.log(`commands per send, sent by the engine's clients: ${(clientCalls / CONTACTS).toFixed(3)} (${topClient})`);
  console.log(`commands per send, executed by Redis (Lua scripts' inner calls included): ${(serverCalls / CONTACTS).toFixed(3)} (${topServer})`);
  console.log(`Lua scripts: ${(scriptUsec / CONTACTS).toFixed(1)} µs of Redis time per send; Redis CPU per send, measured: ${cpuPerSendUs.toFixed(1)} µs (slot's master ${cpu[ownerIndex].toFixed(2)} s, an idle master ${idleCpu.toFixed(2)} s over the window)`);
  console.log(`cluster: engine commands per master over the window: ${deltas.map((d, i) => `${masters[i].options.port}${i === ownerIndex ? ' (slot)' : ''} ${fmt(engineCalls(d))}`).join(', ')}`);

  // Memory after the sends: the ledger, waiting enrollments, what BullMQ keeps.
  const ledgerBytes = await memoryUsage(owner, keys.ledger(NAME));
  const dueLater = await memoryOfPattern(keys.dueBuckets(NAME));
  const waitingBytes = sum(await Promise.all([keys.enrollments(NAME), keys.counts(NAME), keys.dueIndex()].map((k) => memoryUsage(owner, k)))) + dueLater.total;
  const bull = await memoryOfPattern(`${keys.bullPrefix()}:*`);
  const jobs = Math.ceil(CONTACTS / 100);
  const engagementBefore = await memoryUsage(owner, keys.engagement(NAME));
  console.log(`memory: ${perItem(ledgerBytes, CONTACTS)} bytes per send ledger entry; ${perItem(waitingBytes, CONTACTS)} bytes per enrollment waiting 3 days; ${perItem(engagementBefore, CONTACTS)} bytes per engagement record after a send (email received); BullMQ keeps ${fmt(bull.total)} bytes in ${bull.count} keys for ${jobs} finished batch jobs (${fmt(bull.total / jobs)} per job, ${fmt(bull.total / CONTACTS)} per send, removed after an hour)`);

  // 3. Events.
  sent.on = true;
  const eventsBefore = await commandStats(owner);
  start = process.hrtime.bigint();
  for (let i = 1; i <= EVENTS; i++) await recordEvent(redis, keys, { type: 'opened', email: contact(i).email, scenario: NAME, step: 'intro', at: new Date() });
  const eventSeconds = seconds(start);
  sent.on = false;
  const eventClient = sum(Object.entries(takeSent()).filter(([n]) => !UPKEEP.has(n)).map(([, n]) => n));
  const eventServer = engineCalls(statsDelta(eventsBefore, await commandStats(owner)));
  const engagementAfter = await memoryUsage(owner, keys.engagement(NAME));
  const eventBytes = (engagementAfter - engagementBefore) / EVENTS;
  console.log(`events: ${fmt(EVENTS)} opens recorded one after another in ${eventSeconds.toFixed(1)} s; ${(eventClient / EVENTS).toFixed(1)} commands each from the client, ${(eventServer / EVENTS).toFixed(1)} executed; the engagement record grows ${eventBytes.toFixed(1)} bytes per open (no event log exists: an event leaves only these flags)`);

  // 4. redis-benchmark on the slot's master: the cost of one cheap command.
  const benchKey = `${keys.prefix}:bench-hash`;
  await redis.hset(benchKey, 'f', 'v');
  const cpu0 = await cpuOf(owner);
  const requests = 400_000;
  const { stdout } = await promisify(execFile)('redis-benchmark', ['-h', '127.0.0.1', '-p', String(ownerPort), '-c', '50', '--threads', '2', '-n', String(requests), '--csv', 'HGET', benchKey, 'f'], { timeout: 120_000 });
  const cpuPerCmdUs = ((await cpuOf(owner)) - cpu0) * 1e6 / requests;
  const benchRps = Number(/^"[^"]*","([\d.]+)"/m.exec(stdout)?.[1]);
  const modelUs = (clientCalls / CONTACTS) * cpuPerCmdUs + scriptUsec / CONTACTS;
  const saturationMeasured = 1e6 / cpuPerSendUs;
  const saturationModel = 1e6 / modelUs;
  console.log(`redis-benchmark: HGET, 50 clients, 2 threads: ${fmt(benchRps)} requests/s, ${cpuPerCmdUs.toFixed(2)} µs of Redis CPU each`);
  console.log(`machine: load average ${loadavg()[0].toFixed(1)} at the end`);
  console.log(`saturation of one Redis (one core): ${fmt(saturationMeasured)} sends/s from the measured CPU per send; ${fmt(saturationModel)} sends/s from the model (${(clientCalls / CONTACTS).toFixed(3)} commands × ${cpuPerCmdUs.toFixed(2)} µs + ${(scriptUsec / CONTACTS).toFixed(1)} µs of scripts = ${modelUs.toFixed(1)} µs per send)`);

  console.log(JSON.stringify({
    bench: 'capacity', contacts: CONTACTS, masters: masters.length,
    bytes_per_contact: perItem(contactBytes, CONTACTS), bytes_per_enrollment: perItem(waitingBytes, CONTACTS), bytes_per_ledger_entry: perItem(ledgerBytes, CONTACTS), bytes_per_engagement_record: perItem(engagementBefore, CONTACTS), bytes_per_open_event: Number(eventBytes.toFixed(1)),
    client_commands_per_send: Number((clientCalls / CONTACTS).toFixed(3)), redis_commands_per_send: Number((serverCalls / CONTACTS).toFixed(3)), redis_cpu_us_per_send: Number(cpuPerSendUs.toFixed(1)),
    benchmark_hget_per_second: Math.round(benchRps), saturation_sends_per_second: Math.round(saturationMeasured), saturation_model_sends_per_second: Math.round(saturationModel),
    other_masters_engine_commands: sum(deltas.filter((_, i) => i !== ownerIndex).map(engineCalls)),
  }));
} catch (err) {
  console.error(err);
  process.exitCode = 1;
} finally {
  await cleanup();
  // Reconnecting cluster clients left by a failure must not keep the bench alive.
  process.exit();
}
