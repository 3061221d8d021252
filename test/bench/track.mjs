// Opens and clicks against the real `relance serve` (bin/relance.js, from dist/) over loopback.
// Setup, not timed: BENCH_CONTACTS contacts (default 10,000) in a list scenario with two emails,
// applied for real (enrolled, due now, no worker running); 10 tracked links stored as the worker
// stores them; a `sent` ledger entry per contact, an hour old; an open and a click token each.
// Timed: autocannon (in this process) for BENCH_SECONDS (default 10) with BENCH_CONNECTIONS
// (default 20) connections, 3 opens for 1 click, each request a token of another contact.
// Baseline, same run, same load: a bare fastify server in a process of its own answering the
// same 43-byte GIF on one route (`/*`), no token, no Redis.
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
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { applyScenarios, deleteAll, ensureBuilt, memoryUsage, onInterrupt, processCpuSeconds, root, seconds, seedContacts, writeScenario } from './lib/common.mjs';

const CONTACTS = Number(process.env.BENCH_CONTACTS ?? 10_000);
const DURATION = Number(process.env.BENCH_SECONDS ?? 10);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 20);
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

const redisCpu = async () => {
  const info = await redis.info('cpu');
  return Number(/used_cpu_user:([\d.]+)/.exec(info)[1]) + Number(/used_cpu_sys:([\d.]+)/.exec(info)[1]);
};

/**
 * autocannon over `paths` (each request the next one), DURATION seconds, against `server`; with the
 * CPU each party used per request (µs): the server, Redis, and the load tool (this process).
 */
async function load(server, paths) {
  let next = 0;
  const before = [await processCpuSeconds(server.child.pid), await redisCpu(), process.cpuUsage()];
  const result = await autocannon({
    url: server.url, connections: CONNECTIONS, duration: DURATION,
    requests: [{ method: 'GET', headers: { 'user-agent': UA }, setupRequest: (req) => ({ ...req, path: paths[next++ % paths.length] }) }],
  });
  const own = process.cpuUsage(before[2]);
  const per = (s) => Math.round((s * 1e6) / Math.max(1, result.requests.total));
  result.cpu = {
    serverSeconds: (await processCpuSeconds(server.child.pid)) - before[0],
    server: per((await processCpuSeconds(server.child.pid)) - before[0]),
    redis: per((await redisCpu()) - before[1]),
    load: per((own.user + own.system) / 1e6),
  };
  return result;
}

const summary = (r) => `${r.requests.total.toLocaleString('en')} requests in ${DURATION} s (${Math.round(r.requests.average).toLocaleString('en')}/s), p50 ${r.latency.p50} ms, p99 ${r.latency.p99} ms, max ${r.latency.max} ms; ${r['2xx'].toLocaleString('en')} 2xx, ${r['3xx'].toLocaleString('en')} 3xx, ${r.non2xx - r['3xx']} other, ${r.errors} errors, ${r.timeouts} timeouts
    CPU per request: server ${r.cpu.server} µs (${r.cpu.serverSeconds.toFixed(1)} s in all), Redis ${r.cpu.redis} µs, load tool ${r.cpu.load} µs`;

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
  // BENCH_SERVE_NODE_ARGS: node options for relance serve, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof".
  const nodeArgs = (process.env.BENCH_SERVE_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const serve = await spawnServer([...nodeArgs, join(root, 'bin/relance.js'), 'serve', '--port', '0', '--host', '127.0.0.1'], { REDIS_URL: url, RELANCE_PREFIX: keys.prefix.replace(/^\{|\}$/g, ''), RELANCE_SECRET: SECRET });
  const bare = await spawnServer(['--input-type=module', '-e', BARE], {});
  console.log(`setup: ${CONTACTS.toLocaleString('en')} contacts enrolled, 10 links, ${CONTACTS.toLocaleString('en')} ledger entries, ${paths.length.toLocaleString('en')} signed URLs in ${seconds(start).toFixed(2)} s; relance serve pid ${serve.child.pid}, bare fastify pid ${bare.child.pid}`);

  // Warm both up (JIT, connections), then measure.
  await autocannon({ url: bare.url, connections: CONNECTIONS, amount: 2000 });
  await autocannon({ url: serve.url, connections: CONNECTIONS, amount: 2000, requests: [{ method: 'GET', path: paths[0] }] });
  await new Promise((r) => setTimeout(r, 500));
  const eventsBefore = await redis.xlen(keys.events(NAME));

  const baseline = await load(bare, paths);

  start = process.hrtime.bigint();
  const result = await load(serve, paths);
  const expected = eventsBefore + result['2xx'] + result['3xx'];
  let logged = await redis.xlen(keys.events(NAME));
  for (let last = -1, still = 0; logged < expected && still < 40; await new Promise((r) => setTimeout(r, 50))) {
    logged = await redis.xlen(keys.events(NAME));
    still = logged === last ? still + 1 : 0;
    last = logged;
  }
  const drained = seconds(start);
  // The same server answering the pixel for invalid tokens: what the app costs without recording.
  const invalid = paths.filter((p) => p.startsWith('/o/')).map((p) => p.replace(/\.([A-Za-z0-9_-]+)\.gif$/, '.AAAA$1.gif'));
  const unrecorded = await load(serve, invalid);
  const streamBytes = await memoryUsage(redis, keys.events(NAME));
  const bytesPerEvent = streamBytes / logged;
  const ratio = result.requests.average / baseline.requests.average;

  console.log(`relance serve: ${summary(result)}`);
  console.log(`  events logged: ${(logged - eventsBefore).toLocaleString('en')} of ${(expected - eventsBefore).toLocaleString('en')} answered (${Math.max(0, expected - logged)} dropped; ${serve.child.warnings} warnings/errors logged), all in the log ${drained.toFixed(1)} s after the load began`);
  console.log(`  Redis: event stream ${streamBytes.toLocaleString('en')} bytes for ${logged.toLocaleString('en')} entries (${bytesPerEvent.toFixed(0)} bytes/event)`);
  console.log(`  same server, pixel with invalid tokens (nothing recorded): ${summary(unrecorded)}`);
  console.log(`baseline: bare fastify GIF route: ${summary(baseline)}`);
  console.log(`ratio: ${ratio.toFixed(2)} of the bare route's throughput`);
  console.log(JSON.stringify({ bench: 'track', requests: result.requests.total, per_second: Math.round(result.requests.average), p99_ms: result.latency.p99, baseline_per_second: Math.round(baseline.requests.average), ratio: Number(ratio.toFixed(2)), redis_bytes_per_event: Math.round(bytesPerEvent) }));
} finally {
  await cleanup();
}
