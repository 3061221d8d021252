// `relance report` on 1,000,000 emails sent: the zip of one scenario, made by the command's code
// (dist/cli/commands/report.js) in a child process of its own (test/bench/lib/report-child.mjs),
// so that its peak RSS (VmHWM) is the report's alone.
// Setup, not timed: a two-email scenario applied for real while its list is empty; then, under a
// fresh key prefix, written straight into the store layout (src/state/DESIGN.md) with pipelines:
// BENCH_ROWS / 2 contacts (default 500,000), a finished enrollment and two `sent` ledger entries
// each (BENCH_ROWS rows), and an event log: a delivery report for 20% of the sends, an open for
// 30% (a second open for 5%), a click for 8%, a reply for 1%, a bot's open for 3%, and a form
// submission (no email named: placed by last touch) for 2% of the contacts.
// Timed: the whole command (Redis opened, the event log pass, Global.csv, Resume.csv, the form
// submissions, the zip renamed into place).
// Baseline, same run: the same rows (the Global.csv the report wrote, read back into memory
// first), written by a bare loop as CSV into a yazl zip stream at the same deflate level.
// The prefix is deleted at the end; BENCH_KEEP=1 leaves it (and prints it) to profile the report
// again: `RELANCE_PREFIX=<prefix> node test/bench/lib/report-child.mjs bench-report DIR`.
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { finished } from 'node:stream/promises';
import { applyScenarios, deleteAll, ensureBuilt, onInterrupt, root, seconds, seedContacts, writeScenario } from './lib/common.mjs';

const ROWS = Number(process.env.BENCH_ROWS ?? 1_000_000);
const CONTACTS = Math.ceil(ROWS / 2);
const LIST = 'bench-report';
const NAME = 'bench-report';

try {
  ensureBuilt();
} catch (err) {
  // Another change in the tree may not type-check yet; tsc emitted dist/ all the same.
  console.error(`npm run build failed (${err.message.split('\n')[0]}); running on dist/ as it is`);
}
const { Keys } = await import(join(root, 'dist/state/keys.js'));
const { shortDigest } = await import(join(root, 'dist/compile/normalize.js'));
const { default: yazl } = await import('yazl');
const { Redis } = await import('ioredis');
const { default: yauzl } = await import('yauzl');

const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
const keys = new Keys(`bench-report-${randomUUID().slice(0, 8)}`);
const dir = mkdtempSync(join(tmpdir(), 'relance-bench-report-'));
let child;
async function cleanup() {
  if (child && child.exitCode === null) child.kill('SIGKILL');
  if (process.env.BENCH_KEEP) console.log(`kept: prefix ${keys.prefix}`);
  else await deleteAll(redis, keys).catch(() => {});
  redis.disconnect();
  rmSync(dir, { recursive: true, force: true });
}
onInterrupt(cleanup);

/** Runs `queue(pipeline, i)` for i in [0, n), `per` calls per pipeline, two pipelines in flight. */
async function pipelined(n, per, queue) {
  let inFlight = [];
  for (let from = 0; from < n; from += per) {
    const p = redis.pipeline();
    for (let i = from; i < Math.min(n, from + per); i++) queue(p, i);
    inFlight.push(p.exec().then((replies) => { for (const [err] of replies) if (err) throw err; }));
    if (inFlight.length >= 2) { await inFlight.shift(); }
  }
  await Promise.all(inFlight);
}

try {
  // Setup: the scenario applied (empty list: nobody admitted), then the state written directly.
  writeScenario(dir, { name: NAME, list: LIST, followUp: true });
  const { plan } = await applyScenarios(redis, keys, dir, new Date());
  const version = shortDigest(plan.changes.find((c) => c.name === NAME).desired.digest);
  let start = process.hrtime.bigint();
  await seedContacts(redis, keys, LIST, CONTACTS);
  const T = Math.floor(Date.now() / 1000) - 30 * 86_400;
  const since1 = (c) => T + (c % 3600);
  const since2 = (c) => since1(c) + 3 * 86_400;
  const BATCH = 5000;
  await pipelined(Math.ceil(CONTACTS / BATCH), 1, (p, b) => {
    const ledger = [];
    const enrollments = [];
    for (let c = b * BATCH + 1; c <= Math.min(CONTACTS, (b + 1) * BATCH); c++) {
      ledger.push(`${c}|intro|${since1(c)}`, `sent|<${c}.intro@bench>|${since1(c) + 1}`, `${c}|bump|${since2(c)}`, `sent|<${c}.bump@bench>|${since2(c) + 1}`);
      enrollments.push(c, `${version}|done|finished|${since2(c) + 1}|0|0`);
    }
    p.hset(keys.ledger(NAME), ...ledger).hset(keys.enrollments(NAME), ...enrollments);
  });
  // Events: a cheap deterministic spread over the sends (contact × step).
  const events = keys.events(NAME);
  const hash = (n) => ((n * 2654435761) >>> 0) % 1000;
  let eventCount = 0;
  await pipelined(CONTACTS, 2000, (p, i) => {
    const c = i + 1;
    for (const [step, since] of [['intro', since1(c)], ['bump', since2(c)]]) {
      const h = hash(c * 2 + (step === 'bump' ? 1 : 0));
      const add = (e, dt, extra = []) => { p.xadd(events, '*', 'e', e, 'c', String(c), 't', String(since + dt), 'o', 'bench', 's', step, 'i', String(since), 'v', version, ...extra); eventCount++; };
      if (h < 200) add('delivered', 30);
      if (h < 300) add('opened', 600, ['n', '1']);
      if (h < 50) add('opened', 900);
      if (h < 80) add('clicked', 700, ['n', '1', 'x', '{"link":"AbCdEfGhIjKlMnOp"}']);
      if (h >= 990) add('replied', 5000, ['n', '1']);
      if (h >= 960 && h < 990) add('opened', 5, ['b', '1']);
    }
    if (hash(c) < 20) {
      p.xadd(events, '*', 'e', 'form-submitted', 'c', String(c), 't', String(since1(c) + 7200), 'o', 'form', 'v', version, 'n', '1', 'x', JSON.stringify({ email: `contact${c}@example${c % 97}.com`, company: `Company ${c % 5000}`, budget: String(c % 50 * 1000) }));
      eventCount++;
    }
  });
  console.log(`setup: ${CONTACTS.toLocaleString('en')} contacts, ${(CONTACTS * 2).toLocaleString('en')} sent ledger entries, ${eventCount.toLocaleString('en')} events written in ${seconds(start).toFixed(1)} s`);

  // Timed: the report, in a process of its own, through the command's code.
  const out = join(dir, 'reports');
  child = spawn(process.execPath, [join(root, 'test/bench/lib/report-child.mjs'), NAME, out], {
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, RELANCE_PREFIX: keys.prefix.replace(/^\{|\}$/g, '') },
  });
  let stdout = '';
  child.stdout.on('data', (c) => { stdout += c; });
  const [code] = await once(child, 'exit');
  if (code !== 0) throw new Error(`the report process exited with ${code}: ${stdout}`);
  const lines = stdout.trim().split('\n');
  const report = JSON.parse(lines.pop());
  // `bench-report: <path> (Global.csv 1,000,000 rows, Resume.csv 15 rows, …)`
  const printed = lines.find((l) => l.startsWith(`${NAME}: `)) ?? '';
  const zipPath = /^[^:]+: (\S+) \(/.exec(printed)?.[1];
  const globalRows = Number((/Global\.csv ([\d,]+) rows/.exec(printed)?.[1] ?? '0').replace(/,/g, ''));
  if (!zipPath || globalRows !== CONTACTS * 2) throw new Error(`unexpected report: ${printed}`);
  const zipBytes = statSync(zipPath).size;

  // Baseline: Global.csv's rows in memory (read back from the zip, not timed), then a bare loop.
  const rows = await readGlobal(zipPath);
  if (rows.length !== CONTACTS * 2) throw new Error(`read back ${rows.length} rows`);
  start = process.hrtime.bigint();
  const zip = new yazl.ZipFile();
  const file = createWriteStream(join(dir, 'baseline.zip'));
  zip.outputStream.pipe(file);
  const entry = new PassThrough({ highWaterMark: 1 << 20 });
  zip.addReadStream(entry, 'Global.csv', { compressionLevel: 1 });
  zip.end();
  const quote = (cell) => (/[",\r\n]/.test(cell) ? `"${cell.replace(/"/g, '""')}"` : cell);
  let chunk = '\uFEFF';
  for (let i = 0; i < rows.length; i++) {
    chunk += rows[i].map(quote).join(',') + '\r\n';
    if (chunk.length > 1 << 16) {
      if (!entry.write(chunk)) await once(entry, 'drain');
      chunk = '';
    }
  }
  entry.end(chunk);
  await finished(file);
  const baselineSeconds = seconds(start);

  const ratio = report.seconds / baselineSeconds;
  console.log(`report: ${ROWS.toLocaleString('en')} Global.csv rows in ${report.seconds.toFixed(2)} s (${Math.round(ROWS / report.seconds).toLocaleString('en')} rows/s), peak RSS ${report.peak_rss_mb.toFixed(0)} MB, zip ${(zipBytes / 1e6).toFixed(1)} MB; ${printed}`);
  console.log(`baseline: the same ${rows.length.toLocaleString('en')} rows from memory, a bare CSV loop into a yazl zip stream (deflate level 1), in ${baselineSeconds.toFixed(2)} s`);
  console.log(`ratio: ${ratio.toFixed(2)}× the baseline's time`);
  console.log(JSON.stringify({ bench: 'report', rows: ROWS, seconds: Number(report.seconds.toFixed(3)), peak_rss_mb: Number(report.peak_rss_mb.toFixed(1)), baseline_seconds: Number(baselineSeconds.toFixed(3)), ratio: Number(ratio.toFixed(2)) }));
} finally {
  await cleanup();
}

/** Global.csv of a report zip, as rows of cells (a simple CSV reader: this file's quoting). */
async function readGlobal(path) {
  const zipfile = await yauzl.openPromise(path, { lazyEntries: true });
  let text = '';
  await new Promise((resolve, reject) => {
    zipfile.on('entry', (entry) => {
      if (entry.fileName !== 'Global.csv') return zipfile.readEntry();
      zipfile.openReadStream(entry, (err, stream) => {
        if (err) return reject(err);
        const parts = [];
        stream.on('data', (c) => parts.push(c));
        stream.on('end', () => { text = Buffer.concat(parts).toString('utf8'); resolve(); });
        stream.on('error', reject);
      });
    });
    zipfile.on('end', resolve);
    zipfile.readEntry();
  });
  zipfile.close();
  const out = [];
  for (const line of text.replace(/^\uFEFF/, '').split('\r\n').slice(1)) {
    if (line === '') continue;
    out.push(line.includes('"') ? splitQuoted(line) : line.split(','));
  }
  return out;
}

function splitQuoted(line) {
  const cells = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') { cell += '"'; i++; }
      else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') { cells.push(cell); cell = ''; }
    else cell += ch;
  }
  cells.push(cell);
  return cells;
}
