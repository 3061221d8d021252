// Sends 100,000 emails end to end through the compiled library (dist/): due buckets → sweep →
// BullMQ batches → workers (walk, reserve in the ledger, render with Handlebars, build the MIME
// message, send it through nodemailer's pooled SMTP transport) →
// a real SMTP server in another process (test/helpers/smtp-sink.mjs --count-only) → ledger.
// Setup, not timed: the sink; 100,000 contacts in a list under a fresh key prefix; a list scenario
// with one email step (a template with contact fields and variables), no send window, applied for
// real (validatePaths → makePlan → applyPlan), which enrolls the contacts and makes them due now.
// Timed: from starting the engine until the ledger holds 100,000 `sent` entries (polled through
// the scenario's finished count, written by the same script as the ledger entries; the ledger and
// the sink's count are checked afterwards, both must be 100,000; polled every 50 ms).
// The engine is what `relance worker` runs (SMTP_URL, RELANCE_PREFIX, RELANCE_SECRET):
//   BENCH_MODE=processes (default)  BENCH_WORKERS `relance worker` processes (default 2, one per
//                                   core), each with its own connections and SMTP pool; one of
//                                   them wins the sweep lock
//   BENCH_MODE=inprocess            BENCH_WORKERS runtimes (startRuntime) in this process, each
//                                   with its own Redis connections and SMTP pool
//   BENCH_CONCURRENCY               batches at once per worker (`--concurrency`, default 4)
// Setup detail: a sender's weekly quota to "other providers" is 500 and can only be lowered, so
// the quota counters of this week and the next start at -100,000: every send still goes through
// the quota check and increment, none is deferred.
// Baseline, same run, twice: before the engine and after it (the sink's counters reset each time):
// a bare loop over one pooled nodemailer transport with the engine's SMTP pool settings (5
// connections, 100 messages each, Nagle off), sending 100,000 pre-built minimal messages (from, to,
// subject, 7bit text) padded to the size of the engine's email on the wire (before: one rendered
// email's size; after: the measured average), with at most BENCH_IN_FLIGHT (default 200) in flight.
// The baseline's throughput is over both runs, so that a machine that sped up or slowed down
// while the engine ran (this one is shared, and does) weighs on both sides alike.
// Also printed: CPU seconds per process and per email (workers, sink, Redis, the loop), and what
// other processes and the VM's host (steal) took meanwhile: the machine is shared, the ratio moves
// with them.
import { once } from 'node:events';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { applyScenarios, contact, deleteAll, ensureBuilt, machineCpu, onInterrupt, processCpuSeconds, root, seconds, seedContacts, writeScenario } from './lib/common.mjs';
import { startSink } from './lib/sink.mjs';

const EMAILS = Number(process.env.BENCH_EMAILS ?? 100_000);
const MODE = process.env.BENCH_MODE ?? 'processes';
const WORKERS = Number(process.env.BENCH_WORKERS ?? 2);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 4);
const IN_FLIGHT = Number(process.env.BENCH_IN_FLIGHT ?? 200);
const TIMEOUT_S = Number(process.env.BENCH_TIMEOUT_SECONDS ?? 900);
const LIST = 'bench-deliver';
const NAME = 'bench-deliver';
const SENDER = 'jordan.lee@acme-analytics.example';
const SECRET = 'bench-secret-0123456789abcdef0123456789abcdef';

ensureBuilt();
const { Keys } = await import(join(root, 'dist/state/keys.js'));
const { providerOf } = await import(join(root, 'dist/quotas/providers.js'));
const { weekStart } = await import(join(root, 'dist/time/week.js'));
const { Redis } = await import('ioredis');
const { default: nodemailer } = await import('nodemailer');
const { default: MailComposer } = await import('nodemailer/lib/mail-composer/index.js');

const url = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const redis = new Redis(url);
const keys = new Keys(`bench-deliver-${randomUUID().slice(0, 8)}`);
const dir = mkdtempSync(join(tmpdir(), 'relance-bench-deliver-'));
const sink = await startSink(['--count-only']);
const children = [];
let stopInProcess;
async function cleanup() {
  // The workers finish the batches they hold (a commit could recreate keys): wait before deleting.
  await Promise.all(children.filter((c) => c.exitCode === null && c.signalCode === null).map(async (c) => {
    const exited = once(c, 'exit');
    c.kill('SIGTERM');
    const timer = setTimeout(() => c.kill('SIGKILL'), 15_000);
    await exited;
    clearTimeout(timer);
  }));
  await stopInProcess?.().catch(() => {});
  await sink.stop();
  await deleteAll(redis, keys).catch(() => {});
  redis.disconnect();
  rmSync(dir, { recursive: true, force: true });
}
onInterrupt(cleanup);
// Never leave a worker behind, whatever happens to this process.
process.once('exit', () => { for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL'); });

const redisCpu = async () => {
  const info = await redis.info('cpu');
  return Number(/used_cpu_user:([\d.]+)/.exec(info)[1]) + Number(/used_cpu_sys:([\d.]+)/.exec(info)[1]);
};
const ownCpu = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1e6; };

/** Starts the engine; returns a function that stops it and reports the workers' CPU seconds. */
async function startEngine() {
  const env = { ...process.env, REDIS_URL: url, RELANCE_PREFIX: keys.prefix, SMTP_URL: sink.url, RELANCE_SECRET: SECRET };
  if (MODE === 'processes') {
    for (let i = 0; i < WORKERS; i++) {
      // BENCH_WORKER_NODE_ARGS: node options for the workers, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof".
      const nodeArgs = (process.env.BENCH_WORKER_NODE_ARGS ?? '').split(' ').filter(Boolean);
      const child = spawn(process.execPath, [...nodeArgs, join(root, 'bin/relance.js'), 'worker', '--concurrency', String(CONCURRENCY)], { cwd: dir, env, stdio: ['ignore', 'pipe', 'inherit'] });
      child.failures = 0;
      let buffered = '';
      child.stdout.on('data', (chunk) => {
        buffered += chunk;
        let nl;
        while ((nl = buffered.indexOf('\n')) >= 0) {
          const line = buffered.slice(0, nl);
          buffered = buffered.slice(nl + 1);
          if (/"level":(4|5|6)\d/.test(line)) { child.failures++; if (child.failures <= 3) console.error(`worker ${child.pid}: ${line.slice(0, 500)}`); }
        }
      });
      children.push(child);
    }
    return async () => {
      const cpu = (await Promise.all(children.map((c) => processCpuSeconds(c.pid)))).reduce((a, b) => a + b, 0);
      await Promise.all(children.map(async (c) => {
        if (c.exitCode === null && c.signalCode === null) { c.kill('SIGTERM'); await once(c, 'exit'); }
      }));
      return { cpu, failures: children.reduce((n, c) => n + c.failures, 0) };
    };
  }
  const { startRuntime } = await import(join(root, 'dist/execute/runtime.js'));
  const { pino } = await import('pino');
  let failures = 0;
  const log = pino({ level: 'warn', hooks: { logMethod(args, method) { failures++; if (failures <= 3) method.apply(this, args); } } });
  const cpuBefore = ownCpu();
  const runtimes = [];
  for (let i = 0; i < WORKERS; i++) {
    const r = new Redis(url, { maxRetriesPerRequest: null });
    const w = new Redis(url, { maxRetriesPerRequest: null });
    runtimes.push({ r, w, runtime: startRuntime({ redis: r, workerRedis: w, keys, log, concurrency: CONCURRENCY, env }) });
  }
  stopInProcess = async () => {
    for (const { r, w, runtime } of runtimes.splice(0)) { await runtime.stop(); r.disconnect(); w.disconnect(); }
  };
  return async () => { const cpu = ownCpu() - cpuBefore; await stopInProcess(); stopInProcess = undefined; return { cpu, failures }; };
}

/** A Nagle-free socket, as the engine's SMTP transport opens (src/transports/smtp/index.ts). */
function openSocket(options, callback) {
  const socket = connect({ host: options.host, port: options.port });
  socket.setNoDelay(true);
  socket.once('error', callback);
  socket.once('connect', () => { socket.removeListener('error', callback); callback(null, { connection: socket }); });
}

/** CPU seconds by process and per email, what other processes took, what the machine had. */
function cpuLine(cpu, wall) {
  const parts = Object.entries(cpu).filter(([k]) => k !== 'others' && k !== 'stolen').map(([k, v]) => `${k} ${v.toFixed(1)} s (${((v * 1000) / EMAILS).toFixed(3)} ms/email)`);
  return `CPU: ${parts.join(', ')}; other processes ${cpu.others.toFixed(1)} s, stolen by the host ${cpu.stolen.toFixed(1)} s; ${(wall * availableParallelism()).toFixed(1)} s available on ${availableParallelism()} cores`;
}

async function compiledSize(message) {
  const raw = await new MailComposer(message).compile().build();
  return raw.length;
}

/** One run of the bare loop: a pooled nodemailer transport, the engine's pool settings, the same sink. */
async function baseline(bytes) {
  await sink.reset();
  const sender = { name: 'Jordan Lee, Acme Analytics', address: SENDER };
  // Text lines of 76 characters (7bit, no encoding), as many as make the message `bytes` long on
  // the wire; sized twice since headers and line ends add up.
  const padded = (n) => `${'x'.repeat(76)}\r\n`.repeat(Math.floor(n / 78)) + 'x'.repeat(n % 78);
  let text = '';
  for (let i = 0; i < 2; i++) text = padded(Math.max(0, text.length + Math.round(bytes) - (await compiledSize({ from: sender, to: contact(1).email, subject: 'Month-end reporting', text }))));
  const messages = Array.from({ length: EMAILS }, (_, i) => ({ from: sender, to: contact(i + 1).email, subject: 'Month-end reporting', text }));
  const builtBytes = await compiledSize(messages[0]);
  const transport = nodemailer.createTransport({
    pool: true, maxConnections: 5, maxMessages: 100, connectionTimeout: 30_000, greetingTimeout: 30_000, socketTimeout: 60_000,
    host: '127.0.0.1', port: sink.port, secure: false, getSocket: openSocket,
  });
  const [redisCpu2, sinkCpu2, ownCpu2, machine2] = [await redisCpu(), await sink.cpuSeconds(), ownCpu(), await machineCpu()];
  const start = process.hrtime.bigint();
  let next = 0;
  let failed = 0;
  await Promise.all(Array.from({ length: IN_FLIGHT }, async () => {
    while (next < messages.length) {
      const m = messages[next++];
      await transport.sendMail(m).catch(() => { failed++; });
    }
  }));
  const runSeconds = seconds(start);
  const [redisCpu3, sinkCpu3, ownCpu3, machine3] = [await redisCpu(), await sink.cpuSeconds(), ownCpu(), await machineCpu()];
  const cpu = { loop: ownCpu3 - ownCpu2, sink: sinkCpu3 - sinkCpu2, redis: redisCpu3 - redisCpu2 };
  cpu.others = Math.max(0, machine3.busy - machine2.busy - Object.values(cpu).reduce((a, b) => a + b, 0));
  cpu.stolen = machine3.steal - machine2.steal;
  transport.close();
  const stats = await sink.stats();
  if (failed || stats.messages !== EMAILS) throw new Error(`baseline: ${failed} failed, sink counted ${stats.messages}`);
  return { seconds: runSeconds, perSecond: EMAILS / runSeconds, cpu, builtBytes, wireBytes: stats.bytes / stats.messages, connections: stats.connections };
}

/** The size of the engine's email to contact 1 as relance builds it: the first baseline's size, before the engine ran. */
async function renderedSize() {
  const { readScenarioRecord, readVersion } = await import(join(root, 'dist/state/scenario-store.js'));
  const { renderEmail, variantTemplatePaths } = await import(join(root, 'dist/delivery/render.js'));
  const { buildMessage } = await import(join(root, 'dist/transports/mime.js'));
  const record = await readScenarioRecord(redis, keys, NAME);
  const version = await readVersion(redis, keys, NAME, record.digest);
  const step = version.graph.steps[version.graph.entry].step;
  const files = await redis.hgetall(keys.templates(NAME));
  const paths = variantTemplatePaths(step, version.scenario.spec.language ?? 'en');
  const spec = version.scenario.spec;
  const c = contact(1);
  const mail = renderEmail({
    scenario: { name: NAME, title: version.scenario.metadata.title, language: spec.language, sender: spec.sender, unsubscribe: spec.unsubscribe, tracking: spec.tracking },
    step, templates: { html: files[paths.html], text: files[paths.text] }, contact: { id: '1', email: c.email, fields: c },
    vars: spec.variables, secret: SECRET, messageIdDomain: SENDER.split('@')[1], visit: Math.floor(Date.now() / 1000),
  });
  // The sink counts the DATA as received: CRLF line ends, the end-of-data line not included.
  return Buffer.byteLength(buildMessage(mail).raw);
}

try {
  // Setup.
  let start = process.hrtime.bigint();
  await seedContacts(redis, keys, LIST, EMAILS);
  writeScenario(dir, { name: NAME, list: LIST });
  const { result } = await applyScenarios(redis, keys, dir);
  const admitted = result.applied[0]?.admission?.admitted;
  if (admitted !== EMAILS) throw new Error(`apply admitted ${admitted} contacts, expected ${EMAILS}`);
  // The weekly quota of one sender to "other providers" is 500 (src/quotas/providers.ts), and it
  // can only be lowered: 100,000 emails from one sender would wait for next week. The counters of
  // this week and the next start at -EMAILS instead of 0, so every send still goes through the
  // quota check and increment (reserve-sends.lua) and none is deferred.
  for (const at of [Date.now(), Date.now() + 7 * 86_400_000]) {
    const key = keys.quota(SENDER, providerOf(contact(1).email), weekStart(new Date(at), 'UTC').toISOString().slice(0, 10));
    await redis.set(key, -EMAILS, 'EX', 8 * 86_400);
  }
  const finishedField = '_outcome|end';
  console.log(`setup: ${EMAILS.toLocaleString('en')} contacts, scenario ${NAME} applied and ${admitted.toLocaleString('en')} contacts due now in ${seconds(start).toFixed(2)} s; sink on port ${sink.port} (pid ${sink.pid})`);

  // The first baseline, before the engine, at the size of a rendered email.
  const before = await baseline(await renderedSize());

  // Timed: the engine, until every contact's email is in the ledger as sent.
  await sink.reset();
  const [redisCpu0, sinkCpu0, ownCpu0, machine0] = [await redisCpu(), await sink.cpuSeconds(), ownCpu(), await machineCpu()];
  start = process.hrtime.bigint();
  const stopEngine = await startEngine();
  let done = 0;
  let lastReport = process.hrtime.bigint();
  for (;;) {
    done = Number((await redis.hget(keys.counts(NAME), finishedField)) ?? 0);
    if (done >= EMAILS) break;
    if (seconds(start) > TIMEOUT_S) throw new Error(`only ${done} of ${EMAILS} sent after ${TIMEOUT_S} s; counts: ${JSON.stringify(await redis.hgetall(keys.counts(NAME)))}`);
    for (const c of children) if (c.exitCode !== null) throw new Error(`worker ${c.pid} exited with ${c.exitCode}`);
    if (seconds(lastReport) >= 10) { lastReport = process.hrtime.bigint(); console.log(`  … ${done.toLocaleString('en')} sent after ${seconds(start).toFixed(1)} s`); }
    await new Promise((r) => setTimeout(r, 50));
  }
  const engineSeconds = seconds(start);
  const [redisCpu1, sinkCpu1, ownCpu1, machine1] = [await redisCpu(), await sink.cpuSeconds(), ownCpu(), await machineCpu()];
  const { cpu: workerCpu, failures } = await stopEngine();
  // What the rest of the machine (other processes) took meanwhile: these benches share the box.
  const engineCpu = { workers: workerCpu, sink: sinkCpu1 - sinkCpu0, redis: redisCpu1 - redisCpu0, bench: MODE === 'processes' ? ownCpu1 - ownCpu0 : 0 };
  engineCpu.others = Math.max(0, machine1.busy - machine0.busy - Object.values(engineCpu).reduce((a, b) => a + b, 0));
  engineCpu.stolen = machine1.steal - machine0.steal;

  // Checks: 100,000 `sent` entries in the ledger, 100,000 messages at the sink, one per contact.
  let ledgerSent = 0;
  let ledgerOther = 0;
  let cursor = '0';
  do {
    const [next, entries] = await redis.hscan(keys.ledger(NAME), cursor, 'COUNT', 10_000);
    cursor = next;
    for (let i = 1; i < entries.length; i += 2) entries[i].startsWith('sent|') ? ledgerSent++ : ledgerOther++;
  } while (cursor !== '0');
  const engineSink = await sink.stats();
  if (ledgerSent !== EMAILS || ledgerOther !== 0 || engineSink.messages !== EMAILS || engineSink.distinctRecipients !== EMAILS || engineSink.maxPerRecipient !== 1) {
    throw new Error(`unexpected end state: ${JSON.stringify({ ledgerSent, ledgerOther, sink: engineSink, counts: await redis.hgetall(keys.counts(NAME)) })}`);
  }
  const averageBytes = engineSink.bytes / engineSink.messages;
  const perSecond = EMAILS / engineSeconds;

  // The second baseline, after the engine, at the engine's exact size on the wire; the ratio is
  // against both runs together (emails over their total time), so a machine that sped up or
  // slowed down during the run weighs on both sides alike.
  const after = await baseline(averageBytes);
  const baselinePerSecond = (2 * EMAILS) / (before.seconds + after.seconds);
  const ratio = perSecond / baselinePerSecond;

  const config = MODE === 'processes' ? `${WORKERS} \`relance worker --concurrency ${CONCURRENCY}\` process(es)` : `${WORKERS} in-process runtime(s), concurrency ${CONCURRENCY}`;
  console.log(`engine: ${config}, SMTP pool of 5 connections × 100 messages each per process; batches of 100, 50 sends in flight per batch`);
  console.log(`deliver: ${EMAILS.toLocaleString('en')} emails in ${engineSeconds.toFixed(2)} s (${Math.round(perSecond).toLocaleString('en')} emails/s), ${Math.round(averageBytes).toLocaleString('en')} bytes each on the wire on average; ledger ${ledgerSent} sent, sink ${engineSink.messages} messages, ${engineSink.connections} connections; ${failures} warnings/errors logged`);
  console.log(`  ${cpuLine(engineCpu, engineSeconds)}`);
  for (const [when, run] of [['before', before], ['after', after]]) {
    console.log(`baseline ${when} the engine: bare pooled nodemailer loop, ${IN_FLIGHT} in flight, ${EMAILS.toLocaleString('en')} messages of ${Math.round(run.wireBytes).toLocaleString('en')} bytes on the wire (${run.builtBytes.toLocaleString('en')} built) in ${run.seconds.toFixed(2)} s (${Math.round(run.perSecond).toLocaleString('en')} emails/s); sink ${run.connections} connections`);
    console.log(`  ${cpuLine(run.cpu, run.seconds)}`);
  }
  console.log(`baseline: ${Math.round(baselinePerSecond).toLocaleString('en')} emails/s over both runs`);
  console.log(`ratio: ${ratio.toFixed(2)} of the bare loop's throughput`);
  console.log(JSON.stringify({ bench: 'deliver', emails: EMAILS, per_second: Math.round(perSecond), baseline_per_second: Math.round(baselinePerSecond), ratio: Number(ratio.toFixed(2)) }));
} finally {
  await cleanup();
}
