import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { scheduleOf } from '../compile/schedule.js';
import { suppress, suppressedMany } from '../contacts/suppression.js';
import type { Move } from '../enroll/commit.js';
import { commitMoves } from '../enroll/commit.js';
import { requeue } from '../enroll/due.js';
import { readEngagement, readPacked } from '../enroll/read.js';
import { openTasks, taskId, type TaskRecord } from '../enroll/tasks.js';
import type { BatchJob } from '../schedule/queue.js';
import { minuteOf, unpackEnrollment, type Enrollment } from '../state/enrollment.js';
import type { Keys } from '../state/keys.js';
import { readScenarioRecord, readVersion, type EnrollmentStatus, type VersionRecord } from '../state/scenario-store.js';
import type { Clock } from '../time/clock.js';
import { SendWindow } from '../time/window.js';
import { settle, type EffectOutcome } from './advance.js';
import { parseEngagement, type ContactState } from '../conditions/contact-state.js';
import { SendFailure, SendWithdrawn, type Deliverer, type SendAttempt, type WebhookCaller } from './effects.js';
import { asBatch, outcomeRecord, ledgerField, ledgerValue, reserveSends, type BatchOwner } from './ledger.js';
import { renderInline } from '../delivery/render-inline.js';
import { walk, type WalkResult } from './walk.js';

export interface EngineDeps {
  redis: Redis;
  keys: Keys;
  clock: Clock;
  deliverer: Deliverer;
  webhooks: WebhookCaller;
  log?: Logger;
  workerId: string;
  /** How many sends of a batch go out at once (the transport's pool does the rest). */
  sendConcurrency?: number;
}

export interface BatchStats {
  processed: number;
  stale: number;
  sent: number;
  deferred: number;
  suppressed: number;
  unknown: number;
  retried: number;
  bounced: number;
  finished: number;
  withdrawn: number;
}

interface Due {
  state: ContactState;
  enrollment: Enrollment;
  /** The enrollment exactly as read: the compare-and-set value of the commit. */
  old: string;
  version: VersionRecord;
}

const versions = new Map<string, VersionRecord>();
const windows = new Map<string, SendWindow>();
const RUNNABLE: EnrollmentStatus[] = ['waiting', 'running', 'deferred'];

/**
 * Runs one batch of due contacts of one scenario: walks each through its version's graph,
 * reserves and performs sends and webhooks, and commits every move in one script.
 */
export async function processBatch(deps: EngineDeps, job: BatchJob): Promise<BatchStats> {
  const { redis, keys } = deps;
  const stats: BatchStats = { processed: 0, stale: 0, sent: 0, deferred: 0, suppressed: 0, unknown: 0, retried: 0, bounced: 0, finished: 0, withdrawn: 0 };
  const nowMs = deps.clock.now().getTime();
  const nowS = Math.floor(nowMs / 1000);
  const record = await readScenarioRecord(redis, keys, job.scenario);
  if (!record || record.state === 'archived' || record.state === 'completed') return { ...stats, stale: job.ids.length };
  if (record.state === 'paused') {
    // Pause withdraws queued work: the contacts go back to their bucket until resume.
    await requeue(redis, keys, job.scenario, job.minute, job.ids);
    return { ...stats, withdrawn: job.ids.length };
  }

  const contacts = await readDue(deps, job, nowS, stats);
  if (contacts.length === 0) return stats;
  const results = contacts.map((c) => walk({ graph: c.version.graph, scenario: c.version.scenario, contact: c.state, step: c.enrollment.step, since: c.enrollment.since * 1000, now: nowMs, window: windowOf(c.version) }));
  stats.processed = contacts.length;

  const outcomes = new Map<number, EffectOutcome>();
  await asBatch(redis, keys, deps.workerId, (owner) => sendEmails(deps, job.scenario, owner, contacts, results, nowMs, outcomes));
  await inBatches(results.flatMap((r, i) => (r.effect?.kind === 'webhook' ? [i] : [])), 20, async (i) => {
    const c = contacts[i]!;
    try {
      await deps.webhooks.call({ scenarioName: job.scenario, step: (results[i]!.effect as Extract<WalkResult['effect'], { kind: 'webhook' }>).step, contact: c.state });
      outcomes.set(i, { kind: 'done' });
    } catch (err) {
      outcomes.set(i, { kind: 'failed', error: (err as Error).message });
    }
  });
  const tasks: TaskRecord[] = [];
  results.forEach((r, i) => {
    if (r.effect?.kind !== 'task') return;
    const c = contacts[i]!;
    const step = r.effect.step;
    tasks.push({ id: taskId(job.scenario, c.state.id, step.id), scenario: job.scenario, contactId: c.state.id, email: c.state.email, step: step.id, title: renderInline(step.title, c.state.fields), assignee: step.assignee, createdAt: new Date(nowMs).toISOString() });
  });
  await openTasks(redis, keys, tasks);

  // Hard bounces suppress the address for every scenario before anything else is recorded.
  for (const [i, o] of outcomes) {
    if (o.kind === 'bounced') await suppress(redis, keys, contacts[i]!.state.email, 'bounced', `smtp: ${o.error.slice(0, 200)}`, deps.clock.now());
  }

  // Commit every contact's move in one script (compare-and-set on the enrollment).
  const moves: Move[] = [];
  contacts.forEach((c, i) => {
    const move = moveOf(c, results[i]!, outcomes.get(i), nowMs, stats);
    if (move) moves.push(move);
  });
  stats.stale += (await commitMoves(redis, keys, job.scenario, moves, nowS)).length;
  const unknown = [...outcomes.entries()].filter(([, o]) => o.kind === 'unknown');
  if (unknown.length) {
    await redis.hset(keys.unknownSends(), Object.fromEntries(unknown.map(([i]) => [keys.unknownSendField(job.scenario, ledgerField(contacts[i]!.state.id, results[i]!.step, contacts[i]!.enrollment.since)), JSON.stringify({ email: contacts[i]!.state.email, at: new Date(nowMs).toISOString() })])));
  }
  return stats;
}

/** The batch's contacts that are still due here, with what they did and whether they are suppressed. */
async function readDue(deps: EngineDeps, job: BatchJob, nowS: number, stats: BatchStats): Promise<Due[]> {
  const { redis, keys } = deps;
  const ids = [...new Set(job.ids)];
  const [enrollments, data, engagement] = await Promise.all([
    readPacked(redis, keys, job.scenario, ids),
    redis.hmget(keys.contactData(), ...ids),
    readEngagement(redis, keys, job.scenario, ids),
  ]);
  const contacts: Due[] = [];
  for (let i = 0; i < ids.length; i++) {
    const old = enrollments[i];
    const json = data[i];
    if (!old || !json) { stats.stale++; continue; }
    const enrollment = unpackEnrollment(old);
    // A contact rescheduled to a later minute, paused or finished since this entry was queued is
    // not due here (buckets are per minute: a contact due at 09:00:21 runs with the 09:00 bucket).
    if (!RUNNABLE.includes(enrollment.status) || enrollment.due === 0 || minuteOf(enrollment.due) > Math.max(job.minute, minuteOf(nowS))) { stats.stale++; continue; }
    const version = await versionOf(redis, keys, job.scenario, enrollment.version);
    if (!version) { stats.stale++; continue; }
    const fields = JSON.parse(json) as Record<string, unknown>;
    contacts.push({ state: { id: ids[i]!, email: String(fields.email), fields, engagement: parseEngagement(engagement[i]), suppressed: false }, enrollment, old, version });
  }
  if (contacts.length === 0) return contacts;
  const suppressed = await suppressedMany(redis, keys, contacts.map((c) => c.state.email));
  contacts.forEach((c, i) => { c.state.suppressed = suppressed[i]!; });
  return contacts;
}

/**
 * Reserves the batch's emails (ledger, suppression, quota) atomically, then sends the reserved
 * ones, each through its last-moment check (the deliverer's SendLauncher) and with its outcome recorded at once.
 */
async function sendEmails(deps: EngineDeps, scenario: string, owner: BatchOwner, contacts: Due[], results: WalkResult[], nowMs: number, outcomes: Map<number, EffectOutcome>): Promise<void> {
  const { redis, keys } = deps;
  const nowS = Math.floor(nowMs / 1000);
  const emailIdx = results.flatMap((r, i) => (r.effect?.kind === 'email' ? [i] : []));
  const decisions = await reserveSends(redis, keys, scenario, owner, nowMs, emailIdx.map((i) => {
    const c = contacts[i]!;
    const step = (results[i]!.effect as Extract<WalkResult['effect'], { kind: 'email' }>).step;
    return { contactId: c.state.id, email: c.state.email, step, since: c.enrollment.since, scenario: c.version.scenario, zone: windowOf(c.version).zone };
  }));
  await inBatches(emailIdx, deps.sendConcurrency ?? 50, async (i, n) => {
    const decision = decisions[n]!;
    if (!('field' in decision)) { outcomes.set(i, decision); return; }
    const c = contacts[i]!;
    const step = (results[i]!.effect as Extract<WalkResult['effect'], { kind: 'email' }>).step;
    const attempt: SendAttempt = {
      begin: { scenario, contactId: c.state.id, email: c.state.email, enrollment: c.old, ledgerField: decision.field, quotaKey: decision.quotaKey, owner: owner.token, nowS },
      finish: (outcome) => {
        const record = outcomeRecord(scenario, decision.field, outcome, nowS, c.state.email);
        // A later step replies in this email's thread: it needs the id this send went with.
        if (record && outcome.kind === 'done' && outcome.messageId && threadTargets(c.version).has(step.id)) record.thread = { contactId: c.state.id, step: step.id, messageId: outcome.messageId };
        return record;
      },
    };
    try {
      const threadOf = step.thread ? (c.version.graph.steps[step.thread]?.step as never) : undefined;
      const sent = await deps.deliverer.deliver({ scenarioName: scenario, scenario: c.version.scenario, step, contact: c.state, threadOf, visit: c.enrollment.since, zone: scheduleOf(c.version).zone, attempt });
      outcomes.set(i, { kind: 'done', messageId: sent.messageId });
    } catch (err) {
      if (err instanceof SendWithdrawn) { outcomes.set(i, err.reason === 'suppressed' ? { kind: 'suppressed' } : { kind: 'withdrawn' }); return; }
      const kind = err instanceof SendFailure ? err.kind : 'temporary';
      const error = (err as Error).message;
      outcomes.set(i, kind === 'bounce' ? { kind: 'bounced', error } : kind === 'rejected' ? { kind: 'rejected', error } : { kind: 'failed', error });
    }
  });
}

/** The enrollment owner's move for one contact, from the step machine's decision; counted in `stats`. */
function moveOf(c: Due, pass: WalkResult, outcome: EffectOutcome | undefined, nowMs: number, stats: BatchStats): Move | undefined {
  const nowS = Math.floor(nowMs / 1000);
  const s = settle(c.enrollment, pass, outcome, nowMs, windowOf(c.version).zone);
  const email = pass.effect?.kind === 'email' ? pass.effect.step : undefined;
  if (email && outcome) {
    if (outcome.kind === 'done') stats.sent++;
    else if (outcome.kind === 'unknown') stats.unknown++;
    else if (outcome.kind === 'suppressed') stats.suppressed++;
    else if (outcome.kind === 'quota') stats.deferred++;
    else if (outcome.kind === 'bounced') stats.bounced++;
  }
  if (pass.effect && pass.effect.kind !== 'task' && outcome?.kind === 'failed' && s.next.status !== 'error') stats.retried++;
  if (s.next !== c.enrollment && ['finished', 'replied', 'error'].includes(s.next.status)) stats.finished++;
  const field = email ? ledgerField(c.state.id, email.id, c.enrollment.since) : undefined;
  const value = field && s.ledger && outcome ? ledgerValue(s.ledger === 'unknown' ? { kind: 'unknown' } : outcome, nowS) : undefined;
  const ledger = field && value !== undefined ? { field, value } : undefined;
  if (s.next === c.enrollment && s.requeueAt === undefined && !ledger) return undefined;
  return {
    id: c.state.id, old: c.old, next: s.next, requeueAt: s.requeueAt, flags: s.flags,
    fields: s.fields ? merged(c.state.fields, s.fields) : undefined,
    ledger, passed: s.passed, reason: s.next.status === 'error' ? s.reason : undefined, outcome: s.outcome,
  };
}

/** Field changes from score and update steps; `null` (an `unset`) removes the field. */
function merged(fields: Record<string, unknown>, changes: Record<string, unknown>): Record<string, unknown> {
  const out = { ...fields, ...changes };
  for (const [k, v] of Object.entries(changes)) if (v === null) delete out[k];
  return out;
}

async function versionOf(redis: Redis, keys: Keys, scenario: string, version: string): Promise<VersionRecord | undefined> {
  const cacheKey = `${keys.prefix}|${scenario}|${version}`;
  let v = versions.get(cacheKey);
  if (!v) {
    v = await readVersion(redis, keys, scenario, version);
    if (v) versions.set(cacheKey, v); // versions are immutable: cache them for good
  }
  return v;
}

const threads = new Map<string, Set<string>>();

/** The email steps of a version that another step replies to (`thread:`). */
function threadTargets(v: VersionRecord): Set<string> {
  let targets = threads.get(v.digest);
  if (!targets) {
    targets = new Set(Object.values(v.graph.steps).flatMap((n) => {
      const thread = (n.step as { thread?: unknown }).thread;
      return typeof thread === 'string' ? [thread] : [];
    }));
    threads.set(v.digest, targets);
  }
  return targets;
}

/** Sends follow days, hours and holidays of the version's compiled schedule. */
function windowOf(v: VersionRecord): SendWindow {
  let w = windows.get(v.digest);
  if (!w) windows.set(v.digest, (w = new SendWindow(scheduleOf(v).window)));
  return w;
}

async function inBatches<T>(items: T[], size: number, fn: (item: T, index: number) => Promise<void>): Promise<void> {
  let next = 0;
  const run = async () => { while (next < items.length) { const i = next++; await fn(items[i]!, i); } };
  await Promise.all(Array.from({ length: Math.min(size, items.length) }, run));
}
