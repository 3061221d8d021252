// A chaos soak, with real processes, as an operator would meet them: `npm run soak -- --minutes N`
// (not part of `npm test`).
//
// It starts, all on 127.0.0.1 and all of its own:
//   - a redis-server with AOF on every write (--appendonly yes --appendfsync always), on a free
//     port and in a temporary directory;
//   - an SMTP sink (test/helpers/smtp-sink.mjs, its own process) that answers slowly (--latency),
//     refuses at random (421 at MAIL FROM, 451 and 550 at RCPT TO) and drops connections without
//     a word (at MAIL FROM, RCPT TO, and after the whole message before the reply);
//   - two `relance worker` processes (either may hold the sweep lock; one does at a time) under a
//     supervisor of its own, which restarts a worker that exits;
//   - two scenarios triggered by `list-added` on one list: soak-drip (an email, a 1-minute wait,
//     a second email) and soak-news (one email). Contacts arrive over time through
//     `relance contacts import` (every --import-every seconds, --rate contacts a second).
// While it runs (--minutes):
//   - every ~--kill-every seconds (±25%) it kill -9s a worker and starts a replacement;
//   - once (at 45% of the run) it stops Redis (--redis-stop kill9|shutdown), leaves it down
//     --redis-down seconds and starts it again on the same port and directory (AOF);
//   - every --commands-every seconds it looks for sends reserved and not started (`pending|` in a
//     ledger) and runs `relance event unsubscribed EMAIL` for one such contact and
//     `relance pause SCENARIO --contact EMAIL` for another, noting when each command returned.
// Then the chaos stops (the sink answers normally again), the engine finishes what is in progress
// (at most --drain-minutes: retries after a 4xx wait 1, then 5 minutes), the workers stop, and it
// prints what was sent (ledger), received (sink), duplicated (a Message-ID received twice: it is
// the same for every attempt of one email step of one contact), lost, unknown (`unknown-sends`)
// and its bound, what started after an unsubscribe or a pause returned, and `relance doctor`.
// Last line, one JSON object. Exit 1 when duplicates, lost or after_unsubscribe > 0, unknown >
// its bound, the doctor is not clean, or a reservation was left unsettled (what the doctor reports
// once it is older than the in-flight window).
//
// Options: --minutes N (5) --rate contacts/s (15) --latency ms (100) --kill-every s (20)
//   --redis-stop kill9|shutdown (kill9) --redis-down s (5) --commands-every s (4)
//   --import-every s (5) --drain-minutes M (8) --concurrency N (4) --seed N (random)
//   --keep (keep the run directory: logs, AOF, CSVs; it is kept anyway when the soak fails)
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { appendFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { applyScenarios, ensureBuilt, root } from './lib/common.mjs';
import { spawnSink } from './lib/sink.mjs';

const { values: args } = parseArgs({
  allowPositionals: true, // `npm run bench -- soak …` passes the name along
  options: {
    minutes: { type: 'string', default: '5' },
    rate: { type: 'string', default: '15' },
    latency: { type: 'string', default: '100' },
    'kill-every': { type: 'string', default: '20' },
    'redis-stop': { type: 'string', default: 'kill9' },
    'redis-down': { type: 'string', default: '5' },
    'commands-every': { type: 'string', default: '4' },
    'import-every': { type: 'string', default: '5' },
    'drain-minutes': { type: 'string', default: '8' },
    concurrency: { type: 'string', default: '4' },
    seed: { type: 'string' },
    keep: { type: 'boolean', default: false },
  },
});
const MINUTES = Number(args.minutes);
const RATE = Number(args.rate);
const LATENCY_MS = Number(args.latency);
const KILL_EVERY_S = Number(args['kill-every']);
const REDIS_STOP = args['redis-stop'];
const REDIS_DOWN_S = Number(args['redis-down']);
const COMMANDS_EVERY_S = Number(args['commands-every']);
const IMPORT_EVERY_S = Number(args['import-every']);
const DRAIN_MS = Number(args['drain-minutes']) * 60_000;
const CONCURRENCY = Number(args.concurrency);
const SEED = args.seed !== undefined ? Number(args.seed) : Math.floor(Math.random() * 2 ** 31);
if (!(MINUTES > 0) || !(RATE > 0) || !['kill9', 'shutdown'].includes(REDIS_STOP)) {
  console.error('usage: npm run soak -- --minutes N [--rate contacts/s] [--latency ms] [--kill-every s] [--redis-stop kill9|shutdown] [--redis-down s] [--drain-minutes M] [--seed N] [--keep]');
  process.exit(2);
}

/** The SMTP pool of one worker process (src/transports/smtp, `maxConnections`): its sends in flight at most. */
const POOL = 5;
const LIST = 'soak';
const SENDER = 'jordan.lee@acme-analytics.example';
const SECRET = 'soak-secret-0123456789abcdef0123456789abcdef';
/** The scenarios and their email steps, in the order a contact gets them. */
const SCENARIOS = { 'soak-drip': ['intro', 'bump'], 'soak-news': ['news'] };
/** What the sink does wrong, at random (seeded), while the chaos lasts. */
const CHAOS = {
  random: [{ stage: 'mail', code: 421, rate: 0.01 }, { stage: 'rcpt', code: 451, rate: 0.02 }, { stage: 'rcpt', code: 550, rate: 0.005 }],
  drop: [{ stage: 'mail', rate: 0.003 }, { stage: 'rcpt', rate: 0.003 }, { stage: 'data', rate: 0.01 }],
};

// A seeded generator for the soak's own choices (which worker dies, jitter).
let seedState = SEED;
const random = () => {
  seedState = (seedState + 0x6d2b79f5) | 0;
  let t = Math.imul(seedState ^ (seedState >>> 15), 1 | seedState);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const t0 = Date.now();
const elapsed = (at = Date.now()) => `${((at - t0) / 1000).toFixed(1).padStart(6)} s`;
const timeline = [];
function note(what) {
  timeline.push({ at: Date.now(), what });
  console.log(`[${elapsed()}] ${what}`);
}

ensureBuilt();
const { Keys } = await import(join(root, 'dist/state/keys.js'));
const { weekStart } = await import(join(root, 'dist/time/week.js'));
const { messageIdFor } = await import(join(root, 'dist/delivery/render.js'));
const { Redis } = await import('ioredis');

const runDir = mkdtempSync(join(tmpdir(), 'relance-soak-'));
const redisDir = join(runDir, 'redis');
const logDir = join(runDir, 'logs');
const csvDir = join(runDir, 'imports');
const scenarioDir = join(runDir, 'scenarios');
for (const d of [redisDir, logDir, csvDir, scenarioDir]) mkdirSync(d, { recursive: true });
const keys = new Keys(`soak-${randomUUID().slice(0, 8)}`);
const PREFIX = keys.prefix.replace(/^\{|\}$/g, '');

// ---------------------------------------------------------------------------------------------
// Processes: everything started is tracked, and stopped at the end, on Ctrl-C, and at exit.

const children = new Set();
function track(child) {
  children.add(child);
  child.once('exit', () => children.delete(child));
  return child;
}
process.once('exit', () => { for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL'); });
const exited = (c) => (c.exitCode !== null || c.signalCode !== null ? Promise.resolve() : new Promise((r) => c.once('exit', () => r())));

async function freePort() {
  const server = createServer();
  await new Promise((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address();
  await new Promise((done) => server.close(done));
  return port;
}

// Redis: its own port and directory, AOF fsynced on every write; stopped and started again there.
const redisPort = await freePort();
const REDIS_URL = `redis://127.0.0.1:${redisPort}`;
let redisChild;
let redisDown = false;
async function answers() {
  const probe = new Redis({ port: redisPort, host: '127.0.0.1', lazyConnect: true, retryStrategy: () => null, enableOfflineQueue: false, maxRetriesPerRequest: 0, connectTimeout: 1000 });
  probe.on('error', () => undefined);
  try {
    await probe.connect(); // ready: the AOF is loaded
    return (await probe.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    probe.disconnect();
  }
}
async function startRedis() {
  redisChild = track(spawn('redis-server', ['--port', String(redisPort), '--bind', '127.0.0.1', '--dir', redisDir,
    '--appendonly', 'yes', '--appendfsync', 'always', '--save', '', '--maxmemory-policy', 'noeviction',
    '--logfile', join(logDir, 'redis.log')], { stdio: 'ignore' }));
  const deadline = Date.now() + 30_000;
  while (!(await answers())) {
    if (redisChild.exitCode !== null) throw new Error(`redis-server on port ${redisPort} exited (${redisChild.exitCode}); see ${join(logDir, 'redis.log')}`);
    if (Date.now() > deadline) throw new Error(`redis-server on port ${redisPort} did not answer within 30 s`);
    await sleep(50);
  }
}
async function stopRedis(how) {
  const c = redisChild;
  if (!c || c.exitCode !== null || c.signalCode !== null) return;
  if (how === 'kill9') c.kill('SIGKILL');
  else {
    const admin = new Redis({ port: redisPort, host: '127.0.0.1', lazyConnect: true, retryStrategy: () => null, maxRetriesPerRequest: 0 });
    admin.on('error', () => undefined);
    await admin.connect().catch(() => undefined);
    await admin.call('SHUTDOWN', ...(how === 'nosave' ? ['NOSAVE'] : [])).catch(() => undefined); // it closes instead of answering
    admin.disconnect();
  }
  const timer = setTimeout(() => c.kill('SIGKILL'), 15_000);
  await exited(c);
  clearTimeout(timer);
}

// The SMTP sink, its own process; its control port gives messages with MAIL FROM times and Message-IDs.
let sink;
async function startSink() {
  const chaosArgs = [
    ...CHAOS.random.flatMap((r) => ['--random', `${r.stage}=${r.code}:${r.rate}`]),
    ...CHAOS.drop.flatMap((d) => ['--drop', `${d.stage}=${d.rate}`]),
  ];
  const { child: spawned, ready } = await spawnSink(['--detail', '--latency', String(LATENCY_MS), '--seed', String(SEED), ...chaosArgs], 'pipe');
  const child = track(spawned);
  // Its complaints (a killed worker's connections reset) go to a log of their own.
  child.stderr.on('data', (chunk) => appendFileSync(join(logDir, 'sink.log'), chunk));
  const base = `http://127.0.0.1:${ready.httpPort}`;
  const get = async (path) => (await fetch(`${base}${path}`)).json();
  sink = {
    url: `smtp://127.0.0.1:${ready.port}`,
    stats: () => get('/stats'),
    messages: () => get('/messages'),
    chaos: () => get('/chaos'),
    calm: () => fetch(`${base}/chaos`, { method: 'POST', body: JSON.stringify({ random: [], drop: [] }) }),
    stop: async () => { if (child.exitCode === null && child.signalCode === null) { child.kill('SIGTERM'); await exited(child); } },
  };
}

const baseEnv = { ...process.env, REDIS_URL, RELANCE_PREFIX: PREFIX, RELANCE_SECRET: SECRET };

// Workers under a supervisor: a worker that exits is started again, as systemd would.
const workers = new Map(); // pid → { child, id, startedAt, killedByUs, log } of the live ones
const allWorkers = [];
let supervising = true;
const unplannedExits = [];
const kills = [];
function startWorker() {
  const child = track(spawn(process.execPath, [join(root, 'bin/relance.js'), 'worker', '--concurrency', String(CONCURRENCY)], {
    cwd: runDir, env: { ...baseEnv, SMTP_URL: sink.url }, stdio: ['ignore', 'pipe', 'pipe'],
  }));
  const log = join(logDir, `worker-${child.pid}.log`);
  const w = { child, pid: child.pid, id: `${hostname()}:${child.pid}`, startedAt: Date.now(), killedByUs: false, stopping: false, log, errors: {} };
  let buffered = '';
  child.stdout.on('data', (chunk) => {
    appendFileSync(log, chunk);
    buffered += chunk;
    let nl;
    while ((nl = buffered.indexOf('\n')) >= 0) {
      const line = buffered.slice(0, nl);
      buffered = buffered.slice(nl + 1);
      if (/"level":(5|6)\d/.test(line)) {
        let what;
        try { const j = JSON.parse(line); what = `${j.level === 60 ? 'fatal' : 'error'}: ${j.msg}${j.err?.message ? ` (${j.err.message.slice(0, 120)})` : ''}`; } catch { what = line.slice(0, 200); }
        w.errors[what] = (w.errors[what] ?? 0) + 1;
      }
    }
  });
  child.stderr.on('data', (chunk) => appendFileSync(log, chunk));
  child.once('exit', (code, signal) => {
    workers.delete(w.pid);
    if (w.killedByUs || w.stopping) return;
    unplannedExits.push({ at: Date.now(), pid: w.pid, code, signal });
    note(`worker ${w.pid} exited by itself (code ${code}, signal ${signal}); log ${log}`);
    if (supervising) setTimeout(() => { if (supervising) { const r = startWorker(); note(`supervisor: started worker ${r.pid} in its place`); } }, 1000);
  });
  workers.set(w.pid, w);
  allWorkers.push(w);
  return w;
}

// One-shot CLI commands (imports, events, pauses, doctor), at most a few at once.
const running = new Set();
function relance(cliArgs, { timeoutMs = 120_000 } = {}) {
  return new Promise((resolve) => {
    const issuedAt = Date.now();
    const child = track(spawn(process.execPath, [join(root, 'bin/relance.js'), ...cliArgs], { cwd: runDir, env: baseEnv, stdio: ['ignore', 'pipe', 'pipe'] }));
    running.add(child);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c) => { stdout += c; });
    child.stderr.on('data', (c) => { stderr += c; });
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    // Returned: when the process is seen to exit (its output may still be in the pipes).
    let returnedAt;
    child.once('exit', () => { returnedAt = Date.now(); });
    child.once('close', (code, signal) => {
      returnedAt ??= Date.now();
      clearTimeout(timer);
      running.delete(child);
      resolve({ code: code ?? (signal ? 128 : 1), stdout, stderr, issuedAt, returnedAt });
    });
  });
}

let redis;
let cleaned = false;
async function cleanup({ keepDir }) {
  if (cleaned) return;
  cleaned = true;
  supervising = false;
  for (const w of [...workers.values()]) { w.stopping = true; w.child.kill('SIGKILL'); }
  for (const c of [...running]) c.kill('SIGKILL');
  await Promise.all([...children].filter((c) => c !== redisChild).map((c) => { c.kill('SIGKILL'); return exited(c); }));
  await sink?.stop().catch(() => undefined);
  redis?.disconnect(); // a private server: nothing to delete, it goes with its directory
  await stopRedis('nosave').catch(() => undefined);
  if (keepDir) console.log(`run directory kept: ${runDir} (worker logs in logs/, Redis AOF in redis/)`);
  else rmSync(runDir, { recursive: true, force: true });
}
let interrupted = false;
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, async () => {
    interrupted = true;
    console.error(`\n${signal}: stopping everything the soak started`);
    try { await cleanup({ keepDir: args.keep }); } finally { process.exit(130); }
  });
}

// ---------------------------------------------------------------------------------------------
// Setup

function writeScenarios() {
  const head = (name, title) => `apiVersion: relance/v1
kind: Scenario
metadata:
  name: ${name}
  title: "${title}"
spec:
  entry:
    triggers:
      - on: list-added
        list: ${LIST}
  sender:
    name: Jordan Lee, Acme Analytics
    email: ${SENDER}
  steps:
`;
  writeFileSync(join(scenarioDir, 'soak-drip.yaml'), `${head('soak-drip', 'Soak: two emails a minute apart')}    - id: intro
      type: email
      template: soak/intro
      subject: "{{firstName}}, month-end reporting at {{company}}"
    - id: wait-a-minute
      type: wait
      for: 1 minute
    - id: bump
      type: email
      template: soak/intro
      subject: "Re: {{firstName}}, month-end reporting at {{company}}"
    - id: done
      type: exit
      outcome: end
`);
  writeFileSync(join(scenarioDir, 'soak-news.yaml'), `${head('soak-news', 'Soak: one newsletter')}    - id: news
      type: email
      template: soak/news
      subject: "{{firstName}}, what is new this month"
    - id: done
      type: exit
      outcome: end
`);
  mkdirSync(join(scenarioDir, 'soak'), { recursive: true });
  writeFileSync(join(scenarioDir, 'soak/intro.html.hbs'), '<p>Hi {{firstName}},</p>\n<p>Teams like {{company}} spend days on month-end reporting. Worth a call?</p>\n<p>{{sender.name}}</p>\n');
  writeFileSync(join(scenarioDir, 'soak/intro.txt.hbs'), 'Hi {{firstName}},\n\nTeams like {{company}} spend days on month-end reporting. Worth a call?\n\n{{sender.name}}\n');
  writeFileSync(join(scenarioDir, 'soak/news.html.hbs'), '<p>Hi {{firstName}},</p>\n<p>Here is what is new this month.</p>\n');
  writeFileSync(join(scenarioDir, 'soak/news.txt.hbs'), 'Hi {{firstName}},\n\nHere is what is new this month.\n');
}

const FIRST = ['Alice', 'Bruno', 'Chloé', 'David', 'Élodie', 'Farid', 'Gaëlle', 'Hugo'];
const emailOf = (i) => `soak${i}@example${i % 13}.com`;
let nextContact = 1;
/** The next `n` contacts as a CSV file for `relance contacts import`. */
function writeChunk(n) {
  const rows = ['email,firstName,company'];
  const from = nextContact;
  for (let i = from; i < from + n; i++) rows.push(`${emailOf(i)},${FIRST[i % 8]},Company ${i % 500}`);
  nextContact += n;
  const file = join(csvDir, `contacts-${from}-${from + n - 1}.csv`);
  writeFileSync(file, `${rows.join('\n')}\n`);
  return { file, from, to: from + n - 1 };
}

/** Ledger entries in the given states (`pending`, `sending`…) across the soak's scenarios. */
async function ledgerEntries(states) {
  const out = [];
  for (const scenario of Object.keys(SCENARIOS)) {
    let cursor = '0';
    do {
      const [next, entries] = await redis.hscan(keys.ledger(scenario), cursor, 'COUNT', 2000);
      cursor = next;
      for (let i = 0; i < entries.length; i += 2) {
        const state = entries[i + 1].slice(0, entries[i + 1].indexOf('|'));
        if (states.includes(state)) out.push({ scenario, field: entries[i], value: entries[i + 1], contactId: entries[i].split('|')[0] });
      }
    } while (cursor !== '0');
  }
  return out;
}

/** The pid of the worker holding the sweep lock (`<token> <JSON holder>`), if any. */
async function sweeperPid() {
  const value = await redis.get(keys.lock('sweep')).catch(() => null);
  try { return value ? JSON.parse(value.slice(value.indexOf(' ') + 1)).pid : undefined; } catch { return undefined; }
}

/** Which worker process a ledger value's owner (`<state>|<host>:<pid>/<batch>|<ts>`) is. */
const ownerPid = (value) => Number(/^[a-z]+\|[^|]*:(\d+)\/[^|]*\|/.exec(value)?.[1] ?? NaN);

let exitCode = 1;
try {
  await startRedis();
  redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 3 });
  redis.on('error', () => undefined); // the restart is the point
  await startSink();
  writeScenarios();
  const { result } = await applyScenarios(redis, keys, scenarioDir);
  const applied = result.applied?.map((a) => a.name ?? a.scenario).filter(Boolean);
  // One sender's weekly quota to "other providers" is 500 and can only be lowered: start its
  // counters (this week, next week) far below zero, so every send still goes through the quota
  // check and none is deferred (as test/bench/deliver.mjs does).
  for (const at of [Date.now(), Date.now() + 7 * 86_400_000]) {
    await redis.set(keys.quota(SENDER, 'others', weekStart(new Date(at), 'UTC').toISOString().slice(0, 10)), -1_000_000, 'EX', 8 * 86_400);
  }
  const chunk = Math.max(1, Math.round(RATE * IMPORT_EVERY_S));
  const importUntil = t0 + Math.max(MINUTES / 2, MINUTES - 1) * 60_000;
  const chaosUntil = t0 + MINUTES * 60_000;
  const restartAt = t0 + MINUTES * 60_000 * 0.45;
  console.log(`soak: ${MINUTES} min of chaos, then at most ${args['drain-minutes']} min to finish; seed ${SEED}; run directory ${runDir}`);
  console.log(`  redis-server ${REDIS_URL} (AOF, appendfsync always), prefix ${keys.prefix}; SMTP sink ${sink.url}, ${LATENCY_MS} ms per message, chaos ${JSON.stringify(CHAOS)}`);
  console.log(`  scenarios ${applied?.join(', ') || Object.keys(SCENARIOS).join(', ')} (list-added on "${LIST}"); ${chunk} contacts imported every ${IMPORT_EVERY_S} s for ${((importUntil - t0) / 60_000).toFixed(1)} min`);
  console.log(`  kill -9 of a worker every ~${KILL_EVERY_S} s; Redis ${REDIS_STOP === 'kill9' ? 'kill -9' : 'SHUTDOWN'} at ${elapsed(restartAt).trim()}, down ${REDIS_DOWN_S} s; an unsubscribe and a pause every ${COMMANDS_EVERY_S} s`);

  for (let i = 0; i < 2; i++) startWorker();
  note(`workers ${[...workers.keys()].join(', ')} started`);

  // ------------------------------------------------------------------------------------------
  // The chaos: imports, kills, one Redis restart, unsubscribes and pauses, until chaosUntil.

  const imports = []; // { file, from, to, code, tries }
  const unsubscribes = []; // { email, contactId, scenario, ledger, issuedAt, returnedAt, code }
  const pauses = [];
  const targeted = new Set();
  const redisRestarts = [];
  let nextImport = Date.now();
  let nextKill = t0 + KILL_EVERY_S * 1000 * (0.75 + random() * 0.5);
  let nextCommands = t0 + 15_000;
  let nextProgress = t0 + 15_000;
  let restarted = false;
  const pendingImports = [];
  let importing = false;
  let commanding = false;
  const background = new Set();
  const inBackground = (p) => { background.add(p); p.finally(() => background.delete(p)); };

  const runImports = async () => {
    importing = true;
    try {
      while (pendingImports.length && !redisDown) {
        const job = pendingImports[0];
        job.tries++;
        const r = await relance(['contacts', 'import', job.file, '--list', LIST]);
        job.code = r.code;
        if (r.code === 0) { pendingImports.shift(); imports.push(job); continue; }
        if (job.tries >= 5) { pendingImports.shift(); imports.push(job); note(`import of contacts ${job.from}-${job.to} failed for good (exit ${r.code}): ${r.stderr.trim().split('\n').pop()}`); continue; }
        note(`import of contacts ${job.from}-${job.to} failed (exit ${r.code}), retried: ${r.stderr.trim().split('\n').pop()}`);
        await sleep(2000);
      }
    } finally {
      importing = false;
    }
  };

  /** An unsubscribe and a pause, each for a contact whose send is reserved and not started. */
  const runCommands = async () => {
    commanding = true;
    try {
      const pending = (await ledgerEntries(['pending'])).filter((e) => !targeted.has(e.contactId));
      if (pending.length < 2) return;
      // The most recent reservations first: their transactions are the furthest from starting.
      pending.sort((a, b) => Number(b.value.split('|')[2]) - Number(a.value.split('|')[2]));
      const fresh = pending.filter((e) => e.value.split('|')[2] === pending[0].value.split('|')[2]);
      const pick = () => {
        const pool = fresh.filter((e) => !targeted.has(e.contactId));
        const e = pool.length ? pool[Math.floor(random() * pool.length)] : pending.find((x) => !targeted.has(x.contactId));
        if (e) targeted.add(e.contactId);
        return e;
      };
      const u = pick();
      const p = pick();
      const emails = await redis.hmget(keys.contactData(), ...[u, p].filter(Boolean).map((e) => e.contactId));
      const jobs = [];
      if (u) {
        const email = JSON.parse(emails[0]).email;
        jobs.push(relance(['event', 'unsubscribed', email]).then((r) => unsubscribes.push({ email, contactId: u.contactId, scenario: u.scenario, field: u.field, ledger: u.value, ...r })));
      }
      if (p) {
        const email = JSON.parse(emails[u ? 1 : 0]).email;
        jobs.push(relance(['pause', p.scenario, '--contact', email]).then((r) => pauses.push({ email, contactId: p.contactId, scenario: p.scenario, field: p.field, ledger: p.value, ...r })));
      }
      await Promise.all(jobs);
    } catch (err) {
      if (!redisDown) note(`unsubscribe/pause round failed: ${err.message}`);
    } finally {
      commanding = false;
    }
  };

  let lastReceived = 0;
  let lastReceivedAt = Date.now();
  let longestGap = { seconds: 0, at: 0 };
  // How long due work waits for the sweep: each due bucket (minute come) from when it is first seen due until it is gone.
  const dueSince = new Map();
  let sweepLag = { seconds: 0, at: 0 };
  const watchSweep = async () => {
    const now = Date.now();
    const due = new Set(await redis.zrangebyscore(keys.dueIndex(), '-inf', Math.floor(now / 1000)));
    for (const m of due) if (!dueSince.has(m)) dueSince.set(m, now);
    for (const [m, since] of dueSince) {
      if (!due.has(m)) dueSince.delete(m);
      else if ((now - since) / 1000 > sweepLag.seconds) sweepLag = { seconds: (now - since) / 1000, at: since };
    }
  };
  /** Work due now: a due bucket whose minute has come, or batches waiting or running in BullMQ. */
  const workDue = async () => {
    const [due, waiting, active] = await Promise.all([
      redis.zcount(keys.dueIndex(), '-inf', Math.floor(Date.now() / 1000)),
      redis.llen(`${keys.bullPrefix()}:steps:wait`),
      redis.llen(`${keys.bullPrefix()}:steps:active`),
    ]);
    return due + waiting + active > 0;
  };
  while (Date.now() < chaosUntil && !interrupted) {
    const now = Date.now();
    // Contacts arrive.
    if (now >= nextImport && now < importUntil) {
      pendingImports.push({ ...writeChunk(chunk), tries: 0 });
      nextImport += IMPORT_EVERY_S * 1000;
    }
    if (pendingImports.length && !importing && !redisDown) inBackground(runImports());
    // One Redis restart.
    if (!restarted && now >= restartAt && !redisDown) {
      restarted = true;
      redisDown = true;
      // At a moment with SMTP transactions in flight (waiting up to 10 s for one), as a crash would find it.
      // (Only the live workers' count: a killed worker's `sending` entries wait for a batch to report them.)
      let sendingAt = [];
      for (const deadline = Date.now() + 10_000; Date.now() < deadline && !interrupted; await sleep(100)) {
        sendingAt = (await ledgerEntries(['sending']).catch(() => [])).filter((e) => workers.has(ownerPid(e.value)));
        if (sendingAt.length) break;
      }
      const live = [...workers.values()].map((w) => w.pid);
      note(`Redis: ${REDIS_STOP === 'kill9' ? 'kill -9' : 'SHUTDOWN'} (live workers ${live.join(', ')}, ${sendingAt.length} of their sends in flight just before)`);
      await stopRedis(REDIS_STOP === 'kill9' ? 'kill9' : 'shutdown');
      const downAt = Date.now();
      await sleep(REDIS_DOWN_S * 1000);
      await startRedis();
      redisDown = false;
      const received = (await sink.stats()).messages;
      redisRestarts.push({ at: downAt, upAt: Date.now(), live, received, inFlight: sendingAt.length });
      note(`Redis: started again on the same port and directory after ${((Date.now() - downAt) / 1000).toFixed(1)} s (AOF loaded)`);
      inBackground((async () => {
        const deadline = Date.now() + 120_000;
        while (Date.now() < deadline && !interrupted) {
          if ((await sink.stats()).messages > received) { note(`sending resumed ${((Date.now() - redisRestarts[0].upAt) / 1000).toFixed(1)} s after Redis came back`); return; }
          await sleep(200);
        }
        note('sending did not resume within 120 s of the Redis restart');
      })());
      nextKill = Math.max(nextKill, Date.now() + 10_000);
      continue;
    }
    // A worker dies; the supervisor starts another.
    if (now >= nextKill && !redisDown) {
      // The victim: a worker with SMTP transactions in flight (waiting up to 10 s for one), else any.
      let live = [];
      let victim;
      let inFlight = 0;
      for (const deadline = Date.now() + 10_000; !victim && !interrupted;) {
        live = [...workers.values()].filter((w) => !w.killedByUs && Date.now() - w.startedAt > 3000);
        const sending = await ledgerEntries(['sending']).catch(() => []);
        const busy = live.map((w) => ({ w, n: sending.filter((e) => e.value.startsWith(`sending|${w.id}/`)).length })).filter((x) => x.n > 0);
        if (busy.length) ({ w: victim, n: inFlight } = busy[Math.floor(random() * busy.length)]);
        else if (Date.now() > deadline) { victim = live[Math.floor(random() * live.length)]; break; }
        else await sleep(100);
      }
      if (victim) {
        const sweeper = await sweeperPid();
        victim.killedByUs = true;
        victim.child.kill('SIGKILL');
        kills.push({ at: Date.now(), pid: victim.pid, id: victim.id, inFlight, sweeper: sweeper === victim.pid });
        const replacement = startWorker();
        note(`kill -9 worker ${victim.pid}${sweeper === victim.pid ? ' (the sweeper: its lock lasts until its TTL runs out)' : ''} (${inFlight} of its sends in flight just before); started worker ${replacement.pid}`);
      }
      nextKill = now + KILL_EVERY_S * 1000 * (0.75 + random() * 0.5);
    }
    // Unsubscribes and pauses while sends are reserved.
    if (now >= nextCommands && !commanding && !redisDown) {
      inBackground(runCommands());
      nextCommands = now + COMMANDS_EVERY_S * 1000;
    }
    // Progress, and the longest time without a message reaching the sink.
    if (!redisDown) {
      const received = (await sink.stats()).messages;
      // A stall: work was due and nothing reached the sink (time with nothing due does not count).
      await watchSweep().catch(() => undefined);
      if (received > lastReceived || !(await workDue().catch(() => true))) { lastReceived = received; lastReceivedAt = Date.now(); }
      else if ((Date.now() - lastReceivedAt) / 1000 > longestGap.seconds) longestGap = { seconds: (Date.now() - lastReceivedAt) / 1000, at: lastReceivedAt };
      if (now >= nextProgress) {
        nextProgress += 15_000;
        console.log(`[${elapsed()}] progress: ${nextContact - 1} contacts imported, ${received} messages received, workers ${[...workers.keys()].join(', ')}, ${kills.length} kills, ${unsubscribes.length} unsubscribes, ${pauses.length} pauses`);
      }
    }
    await sleep(250);
  }
  while (pendingImports.length && !interrupted) { if (!importing) await runImports(); else await sleep(250); }
  await Promise.all([...background]);
  note('chaos over: no more kills or commands; the sink answers normally from now on');
  await sink.calm();

  // ------------------------------------------------------------------------------------------
  // Let the engine finish: every enrollment ends (finished, error) or is paused, no send in flight.

  const inProgress = async () => {
    const rows = [];
    for (const scenario of Object.keys(SCENARIOS)) {
      for (const [id, packed] of Object.entries(await redis.hgetall(keys.enrollments(scenario)))) {
        const [version, step, status, since, due, attempts] = packed.split('|');
        if (['running', 'waiting', 'deferred', 'blocked'].includes(status)) rows.push({ scenario, id, version, step, status, since: Number(since), due: Number(due), attempts: Number(attempts) });
      }
    }
    return rows;
  };
  const drainStart = Date.now();
  let nextReport = drainStart;
  let left = [];
  let unsettled = [];
  let orphaned = [];
  for (;;) {
    left = await inProgress();
    unsettled = await ledgerEntries(['pending', 'sending']);
    // A reservation held by a batch of a worker that is gone: only another reservation of the same
    // send takes it over, and none comes once the contact's enrollment has moved on.
    orphaned = unsettled.filter((e) => !workers.has(ownerPid(e.value)));
    if (left.length === 0 && unsettled.length === orphaned.length) break;
    if (Date.now() - drainStart > DRAIN_MS || interrupted) break;
    if (Date.now() >= nextReport) {
      nextReport += 15_000;
      const byWhat = {};
      for (const r of left) { const k = `${r.scenario}/${r.step}/${r.status}${r.attempts ? `/attempt ${r.attempts + 1}` : ''}`; byWhat[k] = (byWhat[k] ?? 0) + 1; }
      console.log(`[${elapsed()}] finishing: ${left.length} enrollments in progress ${JSON.stringify(byWhat)}, ${unsettled.length} sends reserved or in flight (${orphaned.length} of them held by a worker that is gone)`);
    }
    await sleep(1000);
  }
  note(left.length || unsettled.length > orphaned.length ? `gave up waiting after ${((Date.now() - drainStart) / 1000).toFixed(0)} s: ${left.length} enrollments in progress, ${unsettled.length} sends unsettled` : `the engine finished in ${((Date.now() - drainStart) / 1000).toFixed(0)} s${orphaned.length ? ` (but for ${orphaned.length} reservations held by workers that are gone)` : ''}`);

  // Stop the workers cleanly (SIGTERM: they finish their batches).
  supervising = false;
  await Promise.all([...workers.values()].map(async (w) => {
    w.stopping = true;
    w.child.kill('SIGTERM');
    const timer = setTimeout(() => { note(`worker ${w.pid} did not stop within 30 s of SIGTERM: kill -9`); w.child.kill('SIGKILL'); }, 30_000);
    await exited(w.child);
    clearTimeout(timer);
  }));
  note('workers stopped');

  // ------------------------------------------------------------------------------------------
  // What happened.

  const messages = await sink.messages();
  const sinkStats = await sink.stats();
  const injected = (await sink.chaos()).injected;
  const ids = await redis.hgetall(keys.contactIds()); // email → id
  const emailById = new Map(Object.entries(ids).map(([email, id]) => [id, email]));
  const suppressed = await redis.hgetall(keys.suppressed());
  const unknownSends = Object.keys(await redis.hgetall(keys.unknownSends())).map((f) => { const [scenario, contactId, step, since] = f.split('|'); return { scenario, contactId, step, since }; });
  const ledgers = {};
  const enrollments = {};
  for (const scenario of Object.keys(SCENARIOS)) {
    ledgers[scenario] = await redis.hgetall(keys.ledger(scenario));
    enrollments[scenario] = await redis.hgetall(keys.enrollments(scenario));
  }

  // Each (scenario, step, contact) has one Message-ID, whatever the attempt (src/delivery/render.ts).
  const secret = Buffer.from(SECRET);
  const domain = SENDER.split('@')[1];
  // A Message-ID is one send's: scenario, step, contact and visit of the step (the ledger field's
  // `since`). Each soak scenario visits each step once, so a step's send is found by its visit.
  const visitOf = new Map(); // scenario|step|contactId → since
  for (const scenario of Object.keys(SCENARIOS)) {
    for (const field of Object.keys(ledgers[scenario])) {
      const [contactId, step, since] = field.split('|');
      visitOf.set(`${scenario}|${step}|${contactId}`, Number(since));
    }
  }
  const idOf = (scenario, step, contactId) => messageIdFor({ secret, domain, scenario, step, contactId, visit: visitOf.get(`${scenario}|${step}|${contactId}`) });
  const byMessageId = new Map(); // message-id → { scenario, step, contactId }
  for (const scenario of Object.keys(SCENARIOS)) {
    for (const contactId of Object.keys(enrollments[scenario])) {
      for (const step of SCENARIOS[scenario]) byMessageId.set(idOf(scenario, step, contactId), { scenario, step, contactId });
    }
  }
  const receivedBy = new Map(); // message-id → messages
  let unmatched = 0;
  for (const m of messages) {
    if (!byMessageId.has(m.messageId)) unmatched++;
    const list = receivedBy.get(m.messageId) ?? [];
    list.push(m);
    receivedBy.set(m.messageId, list);
  }

  // Sent (ledger) and the other outcomes.
  const ledgerCounts = {};
  let sent = 0;
  for (const scenario of Object.keys(SCENARIOS)) {
    for (const v of Object.values(ledgers[scenario])) {
      const state = v.startsWith('failed|') ? v.split('|').slice(0, 2).join('|') : v.slice(0, v.indexOf('|'));
      ledgerCounts[state] = (ledgerCounts[state] ?? 0) + 1;
      if (state === 'sent') sent++;
    }
  }

  // Duplicates: a Message-ID received more than once.
  const duplicated = [...receivedBy.entries()].filter(([, list]) => list.length > 1);
  const duplicates = duplicated.reduce((n, [, list]) => n + list.length - 1, 0);

  // Sent and received agree?
  const sentNotReceived = [];
  for (const scenario of Object.keys(SCENARIOS)) {
    for (const [field, v] of Object.entries(ledgers[scenario])) {
      if (!v.startsWith('sent|')) continue;
      const [contactId, step] = field.split('|');
      if (!receivedBy.has(idOf(scenario, step, contactId))) sentNotReceived.push({ scenario, field, v });
    }
  }

  // Unsubscribes and pauses that returned, and what started after.
  const unsubscribed = new Map(unsubscribes.filter((u) => u.code === 0).map((u) => [u.email, u]));
  const paused = pauses.filter((p) => p.code === 0);
  const pausedSet = new Set(paused.map((p) => `${p.scenario}|${p.contactId}`));
  const lateUnsubscribe = [];
  for (const u of unsubscribed.values()) {
    for (const m of messages) if (m.to.includes(u.email) && m.startedAt >= u.returnedAt) lateUnsubscribe.push({ ...u, message: m });
  }
  const latePause = [];
  for (const p of paused) {
    for (const step of SCENARIOS[p.scenario]) {
      for (const m of receivedBy.get(idOf(p.scenario, step, p.contactId)) ?? []) if (m.startedAt >= p.returnedAt) latePause.push({ ...p, step, message: m });
    }
  }
  /** Of the targeted sends (reserved at the look), how many still arrived (started before the command returned) and how many were withdrawn. */
  const fate = (list) => {
    let arrived = 0;
    let during = 0;
    for (const c of list) {
      const got = receivedBy.get(idOf(c.scenario, c.field.split('|')[1], c.contactId)) ?? [];
      if (got.some((m) => m.startedAt < c.returnedAt)) arrived++;
      if (got.some((m) => m.startedAt >= c.issuedAt && m.startedAt < c.returnedAt)) during++;
    }
    return { arrived, during };
  };

  // Lost: an enrollment finished, not suppressed, not paused by the soak, with an email step neither received nor unknown.
  const unknownSet = new Set(unknownSends.map((u) => `${u.scenario}|${u.contactId}|${u.step}`));
  const lost = [];
  const errors = [];
  const statuses = {};
  for (const scenario of Object.keys(SCENARIOS)) {
    for (const [contactId, packed] of Object.entries(enrollments[scenario])) {
      const status = packed.split('|')[2];
      statuses[`${scenario}|${status}`] = (statuses[`${scenario}|${status}`] ?? 0) + 1;
      const email = emailById.get(contactId);
      if (status === 'error') errors.push({ scenario, contactId, email, reason: await redis.hget(keys.errors(scenario), contactId) });
      if (status !== 'finished' || suppressed[email] || pausedSet.has(`${scenario}|${contactId}`)) continue;
      const missing = SCENARIOS[scenario].filter((step) => !receivedBy.has(idOf(scenario, step, contactId)) && !unknownSet.has(`${scenario}|${contactId}|${step}`));
      if (missing.length) lost.push({ scenario, contactId, email, missing, enrollment: packed, ledger: Object.entries(ledgers[scenario]).filter(([f]) => f.startsWith(`${contactId}|`)) });
    }
  }
  // Contacts imported but in no scenario (an import that died between the list and the trigger).
  const imported = nextContact - 1;
  const neverEnrolled = [];
  for (let i = 1; i <= imported; i++) {
    const id = ids[emailOf(i)];
    for (const scenario of Object.keys(SCENARIOS)) if (!id || !enrollments[scenario][id]) neverEnrolled.push({ scenario, email: emailOf(i), id });
  }

  // Unknown and its bound: a kill -9 leaves at most the victim's transactions in flight (its SMTP
  // pool, POOL), a Redis restart at most those of every worker alive then; a worker that exits on
  // its own counts as a kill.
  const unknown = unknownSends.filter((u) => SCENARIOS[u.scenario]).length;
  // Reservations left behind (see the drain): who held them, and what became of the contact.
  const leftovers = (await ledgerEntries(['pending', 'sending'])).map((e) => {
    const pid = ownerPid(e.value);
    const kill = kills.find((k) => k.pid === pid);
    const exit = unplannedExits.find((x) => x.pid === pid);
    const email = emailById.get(e.contactId);
    const u = unsubscribes.find((c) => c.email === email && c.code === 0);
    const p = pauses.find((c) => c.email === email && c.scenario === e.scenario && c.code === 0);
    const bounced = suppressed[email] && JSON.parse(suppressed[email]).reason === 'bounced';
    const why = [u && `unsubscribed at ${elapsed(u.returnedAt).trim()}`, p && `paused at ${elapsed(p.returnedAt).trim()}`, bounced && 'address bounced (in another scenario)'].filter(Boolean).join(', ') || 'no outside change';
    return { ...e, state: e.value.slice(0, e.value.indexOf('|')), owner: kill ? `worker ${pid}, killed at ${elapsed(kill.at).trim()}` : exit ? `worker ${pid}, exited at ${elapsed(exit.at).trim()}` : `worker ${pid}`, enrollment: enrollments[e.scenario][e.contactId], why };
  });
  /** Sends a dead worker may have started (`sending`) that nobody will ever report in unknown-sends. */
  const unreported = leftovers.filter((l) => l.state === 'sending').length;
  const unknownArrived = unknownSends.filter((u) => receivedBy.has(idOf(u.scenario, u.step, u.contactId))).length;
  const unknownBound = POOL * (kills.length + unplannedExits.length) + POOL * redisRestarts.reduce((n, r) => n + r.live.length, 0);

  // The doctor, as an operator runs it.
  const doctorRun = await relance(['doctor', '--json']);
  let doctorReport;
  try { doctorReport = JSON.parse(doctorRun.stdout); } catch { doctorReport = undefined; }
  const differences = doctorReport?.differences ?? [];
  const doctor = doctorRun.code === 0 && differences.length === 0 ? 'clean' : doctorReport ? `${differences.length} differences` : `failed (exit ${doctorRun.code})`;

  // ------------------------------------------------------------------------------------------
  // The report.

  const fmt = (o) => Object.entries(o).map(([k, v]) => `${k} ${v}`).join(', ');
  console.log('\n== soak report ==');
  console.log(`contacts: ${imported} imported in ${imports.length} files (${imports.filter((i) => i.code !== 0).length} failed for good, ${imports.filter((i) => i.tries > 1).length} retried); enrollments: ${fmt(statuses)}`);
  console.log(`chaos injected by the sink: ${fmt(injected.random)}; dropped connections: ${fmt(injected.drop)}; refusals ${fmt(sinkStats.rejected)}, ${sinkStats.connections} SMTP connections`);
  console.log(`faults: ${kills.length} kill -9 of a worker (sends in flight just before each: ${kills.map((k) => k.inFlight).join(', ') || 'none'}), ${redisRestarts.length} Redis restart(s) (${REDIS_STOP}, live workers ${redisRestarts.map((r) => r.live.length).join(', ')}), ${unplannedExits.length} worker exit(s) on their own${unplannedExits.length ? ` (${unplannedExits.map((e) => `pid ${e.pid} code ${e.code}`).join('; ')})` : ''}`);
  console.log(`longest stall during the chaos (work due, nothing reaching the sink): ${longestGap.seconds.toFixed(1)} s (from ${elapsed(longestGap.at).trim()}); longest wait of due work for the sweep: ${sweepLag.seconds.toFixed(1)} s (from ${elapsed(sweepLag.at).trim()})`);
  console.log(`sent (ledger): ${sent}; ledger entries ${fmt(ledgerCounts)}`);
  console.log(`received (sink): ${messages.length} messages${unmatched ? `, ${unmatched} with a Message-ID of no (scenario, step, contact) of the soak` : ''}`);
  console.log(`duplicates (a Message-ID received more than once): ${duplicates}`);
  for (const [id, list] of duplicated.slice(0, 10)) console.log(`  ${id} ${JSON.stringify(byMessageId.get(id))}: ${list.length} times, MAIL FROM at ${list.map((m) => elapsed(m.startedAt).trim()).join(', ')}`);
  if (sentNotReceived.length) {
    console.log(`WARNING: ${sentNotReceived.length} sends recorded as sent that the sink never accepted, e.g. ${JSON.stringify(sentNotReceived.slice(0, 5))}`);
  }
  console.log(`lost (finished, not suppressed or paused, an email neither received nor unknown): ${lost.length}`);
  for (const l of lost.slice(0, 10)) console.log(`  ${JSON.stringify(l)}`);
  if (leftovers.length) {
    console.log(`WARNING: ${leftovers.length} reservations never settled (${unreported} of them \`sending\`: may have gone out, yet not in unknown-sends):`);
    for (const l of leftovers.slice(0, 20)) console.log(`  ${l.scenario} ${l.field} = ${l.value}: held by ${l.owner}; enrollment now ${l.enrollment}; contact ${l.why}`);
  }
  const observed = kills.reduce((n, k) => n + k.inFlight, 0) + redisRestarts.reduce((n, r) => n + r.inFlight, 0);
  console.log(`unknown (unknown-sends): ${unknown}${unreported ? ` + ${unreported} unreported` : ''} (${unknownArrived} of them did reach the sink; ${observed} sends were seen in flight just before the faults); bound ${unknownBound} = ${POOL} × (${kills.length} kills + ${unplannedExits.length} exits) + ${POOL} × ${redisRestarts.reduce((n, r) => n + r.live.length, 0)} workers alive at the Redis restart(s): at most ${POOL} SMTP transactions per worker process (its pool) are in flight when it dies or loses Redis`);
  const uf = fate(unsubscribes.filter((u) => u.code === 0));
  const pf = fate(paused);
  console.log(`unsubscribes: ${unsubscribes.length} issued on reserved sends (${unsubscribed.size} returned 0; ${uf.arrived} of those contacts' reserved emails still arrived, their transaction started before the command returned (${uf.during} while it ran)); sent after an unsubscribe returned: ${lateUnsubscribe.length}`);
  for (const l of lateUnsubscribe.slice(0, 10)) console.log(`  ${l.email}: MAIL FROM ${l.message.startedAt - l.returnedAt} ms after the command returned (issued ${elapsed(l.issuedAt).trim()}, returned ${elapsed(l.returnedAt).trim()}; its SMTP connection opened ${l.message.startedAt - l.message.connectedAt} ms before MAIL FROM); ledger at the look: ${l.ledger}`);
  console.log(`pauses: ${pauses.length} issued on reserved sends (${paused.length} returned 0; ${pf.arrived} of those still arrived, started before the command returned (${pf.during} while it ran)); sent after a pause returned: ${latePause.length}`);
  for (const l of latePause.slice(0, 10)) console.log(`  ${l.scenario}/${l.step} to ${l.email}: MAIL FROM ${l.message.startedAt - l.returnedAt} ms after the command returned (its connection opened ${l.message.startedAt - l.message.connectedAt} ms before MAIL FROM)`);
  const failedCommands = [...unsubscribes, ...pauses].filter((c) => c.code !== 0);
  if (failedCommands.length) console.log(`  ${failedCommands.length} commands did not return 0, e.g. ${failedCommands.slice(0, 3).map((c) => `exit ${c.code}: ${c.stderr.trim().split('\n').pop()}`).join(' | ')}`);
  if (errors.length) console.log(`WARNING: ${errors.length} enrollments ended in error, e.g. ${JSON.stringify(errors.slice(0, 5))}`);
  if (left.length) console.log(`WARNING: ${left.length} enrollments still in progress when the soak stopped waiting, e.g. ${JSON.stringify(left.slice(0, 5))}`);
  if (neverEnrolled.length) console.log(`WARNING: ${neverEnrolled.length} imported contacts missing from a scenario, e.g. ${JSON.stringify(neverEnrolled.slice(0, 5))}`);
  const logged = {};
  for (const w of allWorkers) for (const [what, n] of Object.entries(w.errors)) logged[what] = (logged[what] ?? 0) + n;
  console.log(`worker logs: ${allWorkers.length} worker processes in all; error and fatal lines:${Object.keys(logged).length ? '' : ' none'}`);
  for (const [what, n] of Object.entries(logged)) console.log(`  ${n} × ${what}`);
  console.log(`relance doctor --json: exit ${doctorRun.code}, ${doctor}`);
  for (const d of differences.slice(0, 20)) console.log(`  ${d.scenario}: ${d.kind}: ${d.what}`);
  if (!doctorReport) console.log(`  ${doctorRun.stderr.trim().slice(0, 1000)}`);
  console.log('timeline:');
  for (const e of timeline) console.log(`  ${elapsed(e.at)}  ${e.what}`);

  writeFileSync(join(runDir, 'messages.json'), JSON.stringify(messages));
  writeFileSync(join(runDir, 'soak-events.json'), JSON.stringify({ seed: SEED, t0, kills, unplannedExits, redisRestarts, unsubscribes, pauses, imports, timeline, leftovers, lost, duplicated, doctor: doctorReport }, null, 1));

  const failures = [];
  if (duplicates > 0) failures.push(`${duplicates} duplicates`);
  if (lost.length > 0) failures.push(`${lost.length} lost`);
  if (lateUnsubscribe.length > 0) failures.push(`${lateUnsubscribe.length} sent after an unsubscribe returned`);
  if (unknown + unreported > unknownBound) failures.push(`unknown ${unknown}${unreported ? ` + ${unreported} unreported` : ''} > bound ${unknownBound}`);
  if (doctor !== 'clean') failures.push(`doctor: ${doctor}`);
  // The doctor reports these only once older than the in-flight window (120 s): fail on them whatever their age.
  if (leftovers.length) failures.push(`${leftovers.length} reservations never settled`);
  if (interrupted) failures.push('interrupted');
  if (latePause.length) console.log(`WARNING: ${latePause.length} sent after a pause returned (the README promises none)`);
  console.log(failures.length ? `FAILED: ${failures.join('; ')}` : 'passed: no duplicate, nothing lost, nothing sent after an unsubscribe returned, unknown within its bound, doctor clean');
  console.log(JSON.stringify({
    bench: 'soak', minutes: MINUTES, sent, duplicates, lost: lost.length, unknown, unknown_bound: unknownBound,
    after_unsubscribe: lateUnsubscribe.length, after_pause: latePause.length, doctor,
    received: messages.length, unknown_unreported: unreported, unsettled: leftovers.length, kills: kills.length, redis_restarts: redisRestarts.length, in_progress: left.length, seed: SEED,
  }));
  exitCode = failures.length ? 1 : 0;
} catch (err) {
  console.error(`soak failed to run: ${err.stack ?? err}`);
  exitCode = 1;
} finally {
  await cleanup({ keepDir: args.keep || exitCode !== 0 });
}
process.exit(exitCode);
