// Opens and clicks against the real `relance serve` (bin/relance.js, from dist/) over loopback.
// Setup, not timed: BENCH_CONTACTS contacts (default 10,000) in a list scenario with two emails,
// applied for real (enrolled, due now, no worker running); 10 tracked links stored as the worker
// stores them; a `sent` ledger entry per contact, an hour old; an open and a click token each.
// Warm-up, not timed: BENCH_WARMUP_SECONDS (default 3) of the same load on each server.
// Timed: autocannon (in this process) for BENCH_SECONDS (default 10) with BENCH_CONNECTIONS
// (default 20) connections, 3 opens for 1 click, each request a token of another contact.
// Baseline, same run, same load: a bare fastify server in a process of its own answering the
// same 43-byte GIF on one route (`/*`), no token, no Redis. The two take turns, BENCH_ROUNDS
// (default 5) slices each of BENCH_SECONDS / BENCH_ROUNDS, summed: this machine's speed drifts.
// BENCH_LOAD=wrk: wrk (one thread, a Lua script for the paths) instead of autocannon, when
// installed: a load tool that costs a third of autocannon's CPU, so that each server is bound by
// its own thread rather than by the cores it shares with the load tool.
// Also printed: the same server answering the pixel for invalid tokens (nothing to record), to
// tell the app's own cost from recording's.
// Printed for each run: the CPU per request of the server, Redis and the load tool (they share
// the machine's cores, so what one saves the others can use).
// Afterwards: waits until every event is in the scenario's log (they are recorded behind the
// answer), then Redis bytes per event = MEMORY USAGE of the stream / XLEN.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { applyScenarios, deleteAll, ensureBuilt, memoryUsage, onInterrupt, processCpuSeconds, root, seconds, seedContacts, writeScenario } from './lib/common.mjs';

const CONTACTS = Number(process.env.BENCH_CONTACTS ?? 10_000);
const DURATION = Number(process.env.BENCH_SECONDS ?? 10);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 20);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const WARMUP = Number(process.env.BENCH_WARMUP_SECONDS ?? 3);
const WRK = process.env.BENCH_LOAD === 'wrk';
const NAME = 'bench-track';
const STEP = 'intro';
const VISIT = Math.floor(Date.now() / 1000) - 7200;
const SECRET = 'bench-secret-0123456789abcdef0123456789abcdef';
// BENCH_UA: another user agent (a scanner's: bot events skip the entry triggers' reads).
const UA = process.env.BENCH_UA ?? 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36';

ensureBuilt();
const { Keys } = await import(join(root, 'dist/state/keys.js'));
const { signToken } = await import(join(root, 'dist/delivery/tokens.js'));
const { Redis } = await import('ioredis');
const { default: autocannon } = await import('autocannon');

const url = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const redis = new Redis(url);
const keys = new Keys(`bench-track-${randomUUID().slice(0, 8)}`);
const dir = mkdtempSync(join(tmpdir(), 'relance-bench-track-'));
const children = [];
async function stop(child) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}
async function cleanup() {
  await Promise.all(children.map(stop));
  await deleteAll(redis, keys).catch(() => {});
  redis.disconnect();
  rmSync(dir, { recursive: true, force: true });
}
onInterrupt(cleanup);
process.once('exit', () => { for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL'); });

/** Spawns a server process and resolves with its URL once it prints `{"listening":"…"}`. */
async function spawnServer(args, env) {
  const child = spawn(process.execPath, args, { cwd: root, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'] });
  children.push(child);
  let out = '';
  const listening = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${args.join(' ')} did not listen in 20 s: ${out}`)), 20_000);
    child.warnings = 0;
    child.stdout.on('data', (chunk) => {
      child.warnings += (String(chunk).match(/"level":[456]\d/g) ?? []).length;
      out = (out + chunk).slice(-20_000); // keep draining: a full pipe would stall the server
      const m = /\{"listening":"([^"]+)"\}/.exec(out);
      if (m) { clearTimeout(timer); resolve(m[1]); }
    });
    child.once('exit', (code) => { clearTimeout(timer); reject(new Error(`${args[0]} exited (${code}): ${out}`)); });
  });
  return { child, url: listening };
}

// The bare route: fastify, the same GIF, nothing else.
const BARE = `
const Fastify = (await import('fastify')).default;
const gif = Buffer.from('R0lGODlhAQABAIAAAP///wAAACH5BAEAAAAALAAAAAABAAEAAAICRAEAOw==', 'base64');
const app = Fastify({ logger: false });
app.get('/*', async (request, reply) => reply.header('cache-control', 'no-store').type('image/gif').send(gif));
await app.listen({ port: 0, host: '127.0.0.1' });
process.stdout.write(JSON.stringify({ listening: 'http://127.0.0.1:' + app.server.address().port }) + '\\n');
process.once('SIGTERM', () => app.close().then(() => process.exit(0)));
`;

/** Waits until the scenario's log holds `expected` entries, or stops growing for 2 s; its length. */
async function drain(expected) {
  let logged = await redis.xlen(keys.events(NAME));
  for (let last = -1, still = 0; logged < expected && still < 40; await new Promise((r) => setTimeout(r, 50))) {
    logged = await redis.xlen(keys.events(NAME));
    still = logged === last ? still + 1 : 0;
    last = logged;
  }
  return logged;
}

const redisCpu = async () => {
  const info = await redis.info('cpu');
  return Number(/used_cpu_user:([\d.]+)/.exec(info)[1]) + Number(/used_cpu_sys:([\d.]+)/.exec(info)[1]);
};

/**
 * autocannon over `paths` (each request the next one), `duration` seconds, against `server`; with
 * the CPU each party used (seconds): the server, Redis, and the load tool (this process).
 */
const cursors = new Map(); // per server: each slice goes on where its last one stopped
async function load(server, paths, duration) {
  const result = await (WRK ? loadWrk(server, paths, duration) : loadAutocannon(server, paths, duration));
  // A server that died is a failed run, not a slice of zero requests.
  const { exitCode, signalCode } = server.child;
  if (exitCode !== null || signalCode !== null) throw new Error(`the server (pid ${server.child.pid}) exited (${exitCode ?? signalCode}) during the run: see its stderr above`);
  return result;
}

async function loadAutocannon(server, paths, duration) {
  let next = cursors.get(server) ?? 0;
  const before = [await processCpuSeconds(server.child.pid), await redisCpu(), process.cpuUsage()];
  const result = await autocannon({
    url: server.url, connections: CONNECTIONS, duration,
    requests: [{ method: 'GET', headers: { 'user-agent': UA }, setupRequest: (req) => ({ ...req, path: paths[next++ % paths.length] }) }],
  });
  const own = process.cpuUsage(before[2]);
  cursors.set(server, next);
  result.cpu = { server: (await processCpuSeconds(server.child.pid)) - before[0], redis: (await redisCpu()) - before[1], load: (own.user + own.system) / 1e6 };
  return result;
}

// wrk's script: each request the next path of the file (each thread from its own point), the
// same user agent; the result as one JSON line.
const WRK_SCRIPT = `
local paths, n = {}, 0
function init(args)
  for line in io.lines(args[1]) do paths[#paths + 1] = line end
  n = tonumber(args[2]) or 0
end
function request()
  n = n % #paths + 1
  return wrk.format("GET", paths[n], { ["User-Agent"] = ${JSON.stringify(UA)} })
end
function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format('{"requests":%d,"us":%d,"p50":%d,"p99":%d,"max":%d,"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d}\\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99), latency.max, e.connect, e.read, e.write, e.status, e.timeout))
end
`;

/** The same with wrk (one thread): its CPU is read from the shell that waited for it (cutime + cstime). */
async function loadWrk(server, paths, duration) {
  const file = join(dir, `paths-${paths.length}.txt`);
  if (!existsSync(file)) writeFileSync(file, paths.join('\n') + '\n');
  const script = join(dir, 'wrk.lua');
  if (!existsSync(script)) writeFileSync(script, WRK_SCRIPT);
  const next = cursors.get(server) ?? 0;
  const before = [await processCpuSeconds(server.child.pid), await redisCpu()];
  const shell = spawn('sh', ['-c', 'wrk "$@"; cat /proc/$$/stat', 'sh', '-t1', `-c${CONNECTIONS}`, `-d${duration}s`, '-s', script, server.url, '--', file, String(next)], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  shell.stdout.on('data', (d) => { out += d; });
  await once(shell, 'exit');
  const line = /^\{"requests".*$/m.exec(out);
  if (!line) throw new Error(`wrk printed no result: ${out}`);
  const w = JSON.parse(line[0]);
  const stat = out.slice(out.lastIndexOf(')') + 2).split(' ');
  const load = (Number(stat[13]) + Number(stat[14])) / 100;
  cursors.set(server, (next + w.requests) % paths.length);
  // Non-2xx/3xx answers are wrk's `status` errors.
  return {
    requests: { total: w.requests }, duration: w.us / 1e6, latency: { p50: w.p50 / 1000, p99: w.p99 / 1000, max: w.max / 1000 },
    '2xx': w.requests - w.status, '3xx': 0, non2xx: w.status, errors: w.connect + w.read + w.write, timeouts: w.timeout,
    cpu: { server: (await processCpuSeconds(server.child.pid)) - before[0], redis: (await redisCpu()) - before[1], load },
  };
}

/** Slices of one server's load, summed: requests, seconds, CPU; p50 weighted by requests, p99 and max the worst slice's. */
function total(slices) {
  const sum = (f) => slices.reduce((s, r) => s + f(r), 0);
  const requests = sum((r) => r.requests.total);
  return {
    requests, seconds: sum((r) => r.duration), perSecond: requests / sum((r) => r.duration),
    p50: sum((r) => r.latency.p50 * r.requests.total) / Math.max(1, requests), p99: Math.max(...slices.map((r) => r.latency.p99)), max: Math.max(...slices.map((r) => r.latency.max)),
    ok: sum((r) => r['2xx']), redirects: sum((r) => r['3xx']), other: sum((r) => r.non2xx - r['3xx']), errors: sum((r) => r.errors), timeouts: sum((r) => r.timeouts),
    cpu: { server: sum((r) => r.cpu.server), redis: sum((r) => r.cpu.redis), load: sum((r) => r.cpu.load) },
  };
}

const summary = (t) => {
  const per = (s) => Math.round((s * 1e6) / Math.max(1, t.requests));
  return `${t.requests.toLocaleString('en')} requests in ${t.seconds.toFixed(1)} s (${Math.round(t.perSecond).toLocaleString('en')}/s), p50 ${t.p50.toFixed(1)} ms, p99 ${t.p99} ms, max ${t.max} ms; ${t.ok.toLocaleString('en')} 2xx, ${t.redirects.toLocaleString('en')} 3xx, ${t.other} other, ${t.errors} errors, ${t.timeouts} timeouts
    CPU per request: server ${per(t.cpu.server)} µs (${t.cpu.server.toFixed(1)} s in all), Redis ${per(t.cpu.redis)} µs, load tool ${per(t.cpu.load)} µs`;
};

try {
  // Setup.
  let start = process.hrtime.bigint();
  await seedContacts(redis, keys, NAME, CONTACTS);
  // A real scenario, applied: every recorded event reads the running scenarios (entry triggers).
  writeScenario(dir, { name: NAME, list: NAME, followUp: true });
  const { result: applied } = await applyScenarios(redis, keys, dir);
  if (applied.applied[0]?.admission?.admitted !== CONTACTS) throw new Error(`apply admitted ${applied.applied[0]?.admission?.admitted} contacts, expected ${CONTACTS}`);
  const ids = Array.from({ length: CONTACTS }, (_, i) => String(i + 1));
  const links = Array.from({ length: 10 }, (_, i) => [`link${String(i).padStart(12, '0')}`, `https://www.acme-analytics.example/page/${i}?utm_source=relance`]);
  await redis.hset(keys.links(NAME), ...links.flat());
  const sentAt = Math.floor(Date.now() / 1000) - 3600;
  const pipeline = redis.pipeline();
  for (const id of ids) pipeline.hset(keys.ledger(NAME), `${id}|${STEP}|${VISIT}`, `sent|<${id}.${STEP}@acme-analytics.example>|${sentAt}`);
  await pipeline.exec();
  const paths = [];
  for (const id of ids) {
    const p = { scenario: NAME, contactId: id, step: STEP, visit: VISIT };
    const open = `/o/${signToken({ ...p, kind: 'open' }, SECRET)}.gif`;
    paths.push(open, open, open, `/c/${signToken({ ...p, kind: 'click', link: links[Number(id) % 10][0] }, SECRET)}`);
  }
  // BENCH_SERVE_NODE_ARGS, BENCH_BARE_NODE_ARGS: node options for relance serve and for the bare
  // route, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof".
  const nodeArgs = (process.env.BENCH_SERVE_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const serve = await spawnServer([...nodeArgs, join(root, 'bin/relance.js'), 'serve', '--port', '0', '--host', '127.0.0.1'], { REDIS_URL: url, RELANCE_PREFIX: keys.prefix.replace(/^\{|\}$/g, ''), RELANCE_SECRET: SECRET });
  const bare = await spawnServer([...(process.env.BENCH_BARE_NODE_ARGS ?? '').split(' ').filter(Boolean), '--input-type=module', '-e', BARE], {});
  console.log(`setup: ${CONTACTS.toLocaleString('en')} contacts enrolled, 10 links, ${CONTACTS.toLocaleString('en')} ledger entries, ${paths.length.toLocaleString('en')} signed URLs in ${seconds(start).toFixed(2)} s; relance serve pid ${serve.child.pid}, bare fastify pid ${bare.child.pid}`);

  // Warm both up with the paths measured (not timed): V8 optimises a function only after many
  // calls, and relance's requests run far more code (token, recorder, Redis client) than the
  // bare route's; a short warm-up measured the compiler at work, not the server.
  const warmed = await redis.xlen(keys.events(NAME));
  const warm = [await load(bare, paths, WARMUP), await load(serve, paths, WARMUP)];
  const eventsBefore = await drain(warmed + warm[1]['2xx'] + warm[1]['3xx']);

  // Interleaved: ROUNDS slices of each, bare then relance, so that both see the same machine (a
  // shared host's speed drifts over a minute). After each relance slice, its events are let into
  // the log (not timed) before the bare route's next slice, so that recording never runs under
  // the baseline's load; how far behind the log was when a slice ended is printed.
  const slice = DURATION / ROUNDS;
  const bareSlices = [];
  const serveSlices = [];
  let expected = eventsBefore;
  let logged = eventsBefore;
  let behind = 0;
  start = process.hrtime.bigint();
  for (let round = 0; round < ROUNDS; round++) {
    bareSlices.push(await load(bare, paths, slice));
    const r = await load(serve, paths, slice);
    serveSlices.push(r);
    expected += r['2xx'] + r['3xx'];
    logged = await redis.xlen(keys.events(NAME));
    behind = Math.max(behind, expected - logged);
    logged = await drain(expected);
  }
  const baseline = total(bareSlices);
  const result = total(serveSlices);
  // The same server answering the pixel for invalid tokens: what the app costs without recording.
  const invalid = paths.filter((p) => p.startsWith('/o/')).map((p) => p.replace(/\.([A-Za-z0-9_-]+)\.gif$/, '.AAAA$1.gif'));
  const unrecorded = total([await load(serve, invalid, slice)]);
  const streamBytes = await memoryUsage(redis, keys.events(NAME));
  const bytesPerEvent = streamBytes / logged;
  const ratio = result.perSecond / baseline.perSecond;

  console.log(`relance serve: ${summary(result)}`);
  const rates = (slices) => slices.map((r) => Math.round(r.requests.total / r.duration).toLocaleString('en')).join(', ');
  console.log(`  requests per second, slice by slice: relance ${rates(serveSlices)}; bare ${rates(bareSlices)}`);
  console.log(`  events logged: ${(logged - eventsBefore).toLocaleString('en')} of ${(expected - eventsBefore).toLocaleString('en')} answered (${Math.max(0, expected - logged)} dropped; ${serve.child.warnings} warnings/errors logged); at the end of a slice the log was at most ${behind.toLocaleString('en')} events behind`);
  console.log(`  Redis: event stream ${streamBytes.toLocaleString('en')} bytes for ${logged.toLocaleString('en')} entries (${bytesPerEvent.toFixed(0)} bytes/event)`);
  console.log(`  same server, pixel with invalid tokens (nothing recorded, one slice): ${summary(unrecorded)}`);
  console.log(`baseline: bare fastify GIF route, ${ROUNDS} slices between relance's: ${summary(baseline)}`);
  console.log(`ratio: ${ratio.toFixed(2)} of the bare route's throughput`);
  console.log(JSON.stringify({ bench: 'track', requests: result.requests, per_second: Math.round(result.perSecond), p99_ms: result.p99, baseline_per_second: Math.round(baseline.perSecond), ratio: Number(ratio.toFixed(2)), redis_bytes_per_event: Math.round(bytesPerEvent) }));
} finally {
  await cleanup();
}
