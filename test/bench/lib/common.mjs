// Shared by the benches: a fresh dist/, a scenario on disk, contacts written
// straight into the store layout (src/state/DESIGN.md), and key cleanup.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const root = new URL('../../../', import.meta.url).pathname;

/** Newest modification time of the files under `dir` whose name ends with one of `exts`. */
function newest(dir, exts) {
  let latest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) latest = Math.max(latest, newest(path, exts));
    else if (exts.some((e) => entry.name.endsWith(e))) latest = Math.max(latest, statSync(path).mtimeMs);
  }
  return latest;
}

/** Runs `npm run build` when dist/ is missing or older than a source file. */
export function ensureBuilt() {
  const marker = join(root, 'dist/index.js');
  if (existsSync(marker) && existsSync(join(root, 'dist/execute/engine.js')) && statSync(marker).mtimeMs >= newest(join(root, 'src'), ['.ts', '.json'])) return;
  console.log('dist/ is missing or stale: running npm run build');
  execFileSync('npm', ['run', 'build'], { cwd: root, stdio: 'inherit' });
}

export const seconds = (start) => Number(process.hrtime.bigint() - start) / 1e9;

/** Every key under the bench's prefix: the library's own `deletePrefix`. */
export async function deleteAll(redis, keys) {
  const { deletePrefix } = await import(join(root, 'dist/state/delete-prefix.js'));
  await deletePrefix(redis, keys);
}

export async function usedMemory(redis) {
  return Number(/used_memory:(\d+)/.exec(await redis.info('memory'))[1]);
}

/** MEMORY USAGE … SAMPLES 0 (every element counted), 0 for a missing key. */
export async function memoryUsage(redis, key) {
  return Number((await redis.call('MEMORY', 'USAGE', key, 'SAMPLES', '0')) ?? 0);
}

const FIRST = ['Alice', 'Bruno', 'Chloé', 'David', 'Élodie', 'Farid', 'Gaëlle', 'Hugo'];
const LAST = ['Martin', 'Bernard', 'Dubois', 'Thomas', 'Robert', 'Richard', 'Petit', 'Durand'];
const COUNTRIES = ['FR', 'BE', 'CH', 'CA', 'LU', 'DE', 'ES', 'IT'];
/** The same synthetic contacts as the import bench: id i has the fields of CSV row i. */
export function contact(i) {
  return { email: `contact${i}@example${i % 97}.com`, firstName: FIRST[i % 8], lastName: LAST[(i >> 3) % 8], company: `Company ${i % 5000}`, country: COUNTRIES[(i >> 6) % 8], score: String(i % 100) };
}

/**
 * Writes contacts 1…n into the store layout (contact:ids, contact:data, list:<name>, lists,
 * contact:seq) with pipelined multi-field writes of 10,000 contacts each: what the importer ends
 * up writing, without the CSV.
 */
export async function seedContacts(redis, keys, list, n) {
  const CHUNK = 10_000;
  let pipeline = redis.pipeline();
  let queued = 0;
  for (let from = 1; from <= n; from += CHUNK) {
    const ids = [];
    const data = [];
    const members = [];
    for (let i = from; i < Math.min(from + CHUNK, n + 1); i++) {
      const c = contact(i);
      ids.push(c.email, i);
      data.push(i, JSON.stringify(c));
      members.push(i);
    }
    pipeline.hset(keys.contactIds(), ...ids).hset(keys.contactData(), ...data).sadd(keys.list(list), ...members);
    if (++queued === 10) {
      await pipeline.exec();
      pipeline = redis.pipeline();
      queued = 0;
    }
  }
  pipeline.sadd(keys.lists(), list).set(keys.contactSeq(), n);
  await pipeline.exec();
}

/**
 * A list scenario whose first step is an email with a realistic template (contact fields, scenario
 * variables, sender name), written to `dir` with its templates. No segment, no send window.
 * `followUp` adds a wait and a second email after the first (a typical outreach), otherwise the
 * run ends right after the first email.
 */
export function writeScenario(dir, { name, list, followUp = false }) {
  mkdirSync(join(dir, 'outreach'), { recursive: true });
  const steps = followUp
    ? `    - id: intro
      type: email
      template: outreach/intro
      subject: "{{firstName}}, month-end reporting at {{company}}"
    - id: wait-3-days
      type: wait
      for: 3 days
    - id: bump
      type: email
      template: outreach/intro
      subject: "Re: {{firstName}}, month-end reporting at {{company}}"
    - id: done
      type: exit
      outcome: end
`
    : `    - id: intro
      type: email
      template: outreach/intro
      subject: "{{firstName}}, month-end reporting at {{company}}"
    - id: done
      type: exit
      outcome: end
`;
  writeFileSync(join(dir, `${name}.yaml`), `apiVersion: relance/v1
kind: Scenario
metadata:
  name: ${name}
  title: Benchmark outreach
spec:
  entry:
    lists: [${list}]
  sender:
    name: Jordan Lee, Acme Analytics
    email: jordan.lee@acme-analytics.example
  variables:
    calendarUrl: https://meet.acme-analytics.example/jordan
    caseStudyUrl: https://www.acme-analytics.example/customers/brightwave
  steps:
${steps}`);
  writeFileSync(join(dir, 'outreach/intro.html.hbs'), `<p>Hi {{firstName}},</p>

<p>I'm reaching out because teams like {{company}} usually hit the same wall around your size:
the monthly numbers take days to put together, and nobody fully trusts them.</p>

<p>Acme Analytics plugs into your billing and CRM and keeps MRR, churn and CAC payback up to
date every day. Brightwave cut their month-end reporting from five days to one
(<a href="{{vars.caseStudyUrl}}">their story</a>).</p>

<p>Worth a 20-minute conversation? Here is my calendar: <a href="{{vars.calendarUrl}}">{{vars.calendarUrl}}</a></p>

<p>{{sender.name}}</p>
`);
  writeFileSync(join(dir, 'outreach/intro.txt.hbs'), `Hi {{firstName}},

I'm reaching out because teams like {{company}} usually hit the same wall around your size:
the monthly numbers take days to put together, and nobody fully trusts them.

Acme Analytics plugs into your billing and CRM and keeps MRR, churn and CAC payback up to
date every day. Brightwave cut their month-end reporting from five days to one:
{{vars.caseStudyUrl}}

Worth a 20-minute conversation? Here is my calendar: {{vars.calendarUrl}}

{{sender.name}}
`);
}

/** validatePaths → makePlan → applyPlan, as `relance apply` does; returns the plan and the result. */
export async function applyScenarios(redis, keys, dir, now = new Date()) {
  const { validatePaths } = await import(join(root, 'dist/validate/validate.js'));
  const { makePlan } = await import(join(root, 'dist/plan/make-plan.js'));
  const { applyPlan } = await import(join(root, 'dist/apply/apply.js'));
  const validation = await validatePaths([dir]);
  if (validation.errors.length) throw new Error(`the bench scenario is invalid: ${JSON.stringify(validation.errors, null, 1)}`);
  const plan = await makePlan(redis, keys, validation, { paths: [dir], now });
  const result = await applyPlan(redis, keys, plan, { now });
  return { plan, result };
}

/** Ctrl-C or SIGTERM in the middle of a bench: run `cleanup` (stop children, delete keys), then exit. */
export function onInterrupt(cleanup) {
  let stopping = false;
  const handler = async (signal) => {
    if (stopping) return;
    stopping = true;
    console.error(`\n${signal}: cleaning up`);
    try { await cleanup(); } finally { process.exit(130); }
  };
  process.once('SIGINT', handler);
  process.once('SIGTERM', handler);
}

/** utime + stime of a process, in seconds (Linux /proc; 0 elsewhere). */
export async function processCpuSeconds(pid) {
  try {
    const { readFile } = await import('node:fs/promises');
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100; // clock ticks (USER_HZ = 100)
  } catch {
    return 0;
  }
}

/**
 * CPU seconds the machine spent so far (Linux /proc/stat; zeros elsewhere): `busy` in every
 * process of this machine, `steal` taken from this virtual machine by its host.
 */
export async function machineCpu() {
  try {
    const { readFile } = await import('node:fs/promises');
    const [, ...ticks] = (await readFile('/proc/stat', 'utf8')).split('\n')[0].trim().split(/\s+/).map(Number);
    const [user, nice, system, , , irq, softirq, steal] = ticks;
    return { busy: (user + nice + system + irq + softirq) / 100, steal: steal / 100 };
  } catch {
    return { busy: 0, steal: 0 };
  }
}
