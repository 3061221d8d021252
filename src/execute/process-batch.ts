import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { renderInline } from './render-inline.js';
import { PROVIDERS, providerOf } from '../quotas/providers.js';
import type { Scenario } from '../schema/scenario.gen.js';
import { minuteOf, packEnrollment, unpackEnrollment, type Enrollment } from '../state/enrollment.js';
import type { Keys } from '../state/keys.js';
import { readScenarioRecord, readVersion, type EnrollmentStatus, type VersionRecord } from '../state/scenario-store.js';
import { runScript } from '../state/scripts.js';
import type { Clock } from '../time/clock.js';
import { nextWeekStart, weekStart } from '../time/week.js';
import { SendWindow } from '../time/window.js';
import { addFlag, parseEngagement, type ContactState } from './contact-state.js';
import { SendFailure, taskId, type Deliverer, type TaskRecord, type WebhookCaller } from './effects.js';
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

export interface BatchJob {
  scenario: string;
  minute: number;
  ids: string[];
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

const versions = new Map<string, VersionRecord>();
const windows = new Map<string, SendWindow>();
const RUNNABLE: EnrollmentStatus[] = ['waiting', 'running', 'deferred'];
const BACKOFF_S = [60, 300, 900, 3600, 3 * 3600, 6 * 3600];
/**
 * A reservation older than this with no outcome means the worker died during the send
 * (RELANCE_IN_FLIGHT_SECONDS; longer than any SMTP timeout, so a live send is never mistaken).
 */
export const IN_FLIGHT_S = Number(process.env.RELANCE_IN_FLIGHT_SECONDS ?? 120);

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
    await redis.multi().rpush(keys.dueBucket(job.scenario, job.minute), ...job.ids).zadd(keys.dueIndex(), 'NX', job.minute * 60, `${job.scenario}|${job.minute}`).exec();
    return { ...stats, withdrawn: job.ids.length };
  }

  const ids = [...new Set(job.ids)];
  const [enrollments, data, engagement] = await Promise.all([
    redis.hmget(keys.enrollments(job.scenario), ...ids),
    redis.hmget(keys.contactData(), ...ids),
    redis.hmget(keys.engagement(job.scenario), ...ids),
  ]);
  const contacts: Array<{ state: ContactState; enrollment: Enrollment; old: string; version: VersionRecord }> = [];
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
  if (contacts.length === 0) return stats;
  const suppressed = await redis.hmget(keys.suppressed(), ...contacts.map((c) => c.state.email));
  contacts.forEach((c, i) => { c.state.suppressed = suppressed[i] !== null; });

  const results = contacts.map((c) => walk(c.version.graph, c.version.scenario, c.state, c.enrollment.step, c.enrollment.since * 1000, nowMs, windowOf(c.version)));
  stats.processed = contacts.length;

  // Emails: reserve (ledger, suppression, quota) atomically, then send the reserved ones.
  const emailIdx = results.flatMap((r, i) => (r.effect?.kind === 'email' ? [i] : []));
  const decisions = await reserve(deps, job.scenario, emailIdx.map((i) => ({ contact: contacts[i]!, result: results[i]! })), nowMs);
  const outcomes = new Map<number, Outcome>();
  await inBatches(emailIdx, deps.sendConcurrency ?? 50, async (i, n) => {
    const decision = decisions[n]!;
    const c = contacts[i]!;
    const effect = results[i]!.effect as Extract<WalkResult['effect'], { kind: 'email' }>;
    // An address refused earlier for this step is never tried again.
    if (decision === 'failed') { outcomes.set(i, { decision: 'rejected', error: 'an earlier attempt of this send was refused' }); return; }
    if (decision !== 'ok') { outcomes.set(i, { decision: decision as Outcome['decision'] }); return; }
    try {
      const threadOf = effect.step.thread ? (c.version.graph.steps[effect.step.thread]?.step as never) : undefined;
      const sent = await deps.deliverer.deliver({ scenarioName: job.scenario, scenario: c.version.scenario, step: effect.step, contact: c.state, threadOf });
      outcomes.set(i, { decision: 'sent-now', messageId: sent.messageId });
    } catch (err) {
      const kind = err instanceof SendFailure ? err.kind : 'temporary';
      outcomes.set(i, { decision: kind === 'bounce' ? 'bounced' : kind === 'rejected' ? 'rejected' : 'failed', error: (err as Error).message });
    }
  });

  // Webhooks and tasks.
  await inBatches(results.flatMap((r, i) => (r.effect?.kind === 'webhook' ? [i] : [])), 20, async (i) => {
    const c = contacts[i]!;
    try {
      await deps.webhooks.call({ scenarioName: job.scenario, step: (results[i]!.effect as Extract<WalkResult['effect'], { kind: 'webhook' }>).step, contact: c.state });
      outcomes.set(i, { decision: 'sent-now' });
    } catch (err) {
      outcomes.set(i, { decision: 'failed', error: (err as Error).message });
    }
  });
  const tasks = results.flatMap((r, i) => (r.effect?.kind === 'task' ? [i] : []));
  if (tasks.length) {
    const tx = redis.multi();
    for (const i of tasks) {
      const c = contacts[i]!;
      const step = (results[i]!.effect as Extract<WalkResult['effect'], { kind: 'task' }>).step;
      const task: TaskRecord = { id: taskId(job.scenario, c.state.id, step), scenario: job.scenario, contactId: c.state.id, email: c.state.email, step: step.id, title: renderInline(step.title, c.state.fields), assignee: step.assignee, createdAt: new Date(nowMs).toISOString() };
      tx.hsetnx(keys.tasks(), task.id, JSON.stringify(task));
    }
    await tx.exec();
  }

  // Hard bounces suppress the address for every scenario before anything else is recorded.
  for (const [i, o] of outcomes) if (o.decision === 'bounced') await suppressBounced(deps, contacts[i]!.state, o.error ?? 'bounced');

  // Commit every contact's move in one script (compare-and-set on the enrollment).
  const ops: CommitOp[] = [];
  const buckets: string[] = [];
  contacts.forEach((c, i) => {
    const op = commitOp(deps, job.scenario, c, results[i]!, outcomes.get(i), nowS, buckets, stats);
    if (op) ops.push(op);
  });
  if (ops.length) {
    const nowMinute = minuteOf(nowS);
    const skipped = await runScript<string[]>(redis, 'commit-batch', [
      keys.enrollments(job.scenario), keys.counts(job.scenario), keys.engagement(job.scenario), keys.ledger(job.scenario), keys.contactData(), keys.dueIndex(), keys.errors(job.scenario),
      keys.blocked(job.scenario), keys.dueBucket(job.scenario, nowMinute), ...buckets,
    ], [JSON.stringify(ops), nowS, `${job.scenario}|${nowMinute}`, nowMinute * 60]);
    stats.stale += skipped.length;
  }
  const unknown = [...outcomes.entries()].filter(([, o]) => o.decision === 'pending');
  if (unknown.length) {
    await redis.hset(keys.unknownSends(), Object.fromEntries(unknown.map(([i]) => [`${job.scenario}|${ledgerField(contacts[i]!.state.id, results[i]!.step, contacts[i]!.enrollment.since)}`, JSON.stringify({ email: contacts[i]!.state.email, at: new Date(nowMs).toISOString() })])));
  }
  return stats;
}

type Outcome = { decision: 'ok' | 'sent' | 'pending' | 'busy' | 'suppressed' | 'quota' | 'sent-now' | 'failed' | 'bounced' | 'rejected'; messageId?: string; error?: string };

interface CommitOp {
  id: string;
  old: string;
  new: string;
  from: string;
  to: string;
  bucket: number;
  member: string;
  score: number;
  eng: string | null;
  fields: string | null;
  ledger: string | null;
  value: string | null;
  done: boolean;
  passed: string[];
  reason: string | null;
  /** How a finished run ended (success, failure, end): counted for status and reports. */
  outcome: string | null;
}

function commitOp(deps: EngineDeps, scenario: string, c: { state: ContactState; enrollment: Enrollment; old: string; version: VersionRecord }, r: WalkResult, outcome: Outcome | undefined, nowS: number, buckets: string[], stats: BatchStats): CommitOp | undefined {
  const e = c.enrollment;
  let next: { step: string; status: WalkResult['status'] | 'deferred'; due: number; attempts: number } = { step: r.step, status: r.status, due: dueSeconds(r.due), attempts: 0 };
  let eng: string | null = null;
  let ledger: string | null = null;
  let value: string | null = null;
  const email = r.effect?.kind === 'email' ? r.effect.step : undefined;
  if (r.effect && r.effect.kind !== 'task') {
    const d = outcome?.decision;
    const field = email ? ledgerField(c.state.id, email.id, e.since) : null;
    if (d === 'sent-now' || d === 'sent' || d === 'pending') {
      // Went out (now, before a crash, or possibly: outcome unknown, never sent again).
      next = { step: r.after!.step, status: r.after!.status, due: dueSeconds(r.after!.due), attempts: 0 };
      if (email) {
        addFlag(c.state.engagement, 'received', email.id);
        eng = JSON.stringify(c.state.engagement);
        if (d === 'sent-now') { ledger = field; value = `sent|${outcome!.messageId ?? ''}|${nowS}`; stats.sent++; }
        if (d === 'pending') stats.unknown++;
      }
    } else if (d === 'busy') {
      // Another worker is sending this right now. Leave the enrollment exactly as it is (a new
      // position would mean a new ledger key) and look at the contact again next minute.
      return requeue(deps, scenario, c, nowS + 60, buckets);
    } else if (d === 'suppressed') {
      next = { step: r.step, status: 'finished', due: 0, attempts: 0 };
      stats.suppressed++;
    } else if (d === 'quota') {
      // Over quota: deferred to the next week, never dropped (000).
      const zone = c.version.scenario.spec.schedule?.timezone ?? 'UTC';
      next = { step: r.step, status: 'deferred', due: Math.floor(nextWeekStart(new Date(nowS * 1000), zone).getTime() / 1000), attempts: e.attempts };
      stats.deferred++;
    } else if (d === 'bounced') {
      // 5xx on the address: a hard bounce. The address is suppressed for every scenario.
      if (email) addFlag(c.state.engagement, 'bounced', email.id);
      eng = JSON.stringify(c.state.engagement);
      ledger = field;
      value = `failed|bounced|${nowS}`;
      next = { step: r.step, status: 'finished', due: 0, attempts: 0 };
      stats.bounced++;
    } else if (d === 'rejected') {
      // A permanent refusal of this message (not of the address): no retry, visible as an error.
      ledger = field;
      value = `failed|rejected|${nowS}`;
      next = { step: r.step, status: 'error', due: 0, attempts: e.attempts };
    } else {
      // 4xx, a timeout, a webhook error: the reservation is cleared and the step retried later.
      ledger = field;
      value = '';
      const attempts = e.attempts + 1;
      const limit = r.effect.kind === 'webhook' ? r.effect.step.retries ?? 5 : BACKOFF_S.length;
      if (attempts > limit) {
        next = { step: r.step, status: 'error', due: 0, attempts };
      } else {
        next = { step: r.step, status: 'waiting', due: nowS + BACKOFF_S[Math.min(attempts - 1, BACKOFF_S.length - 1)]!, attempts };
        stats.retried++;
      }
    }
  }
  const status: EnrollmentStatus = next.status === 'waiting' && next.due === 0 && r.effect?.kind !== 'task' ? 'finished' : next.status;
  const passed = r.effect && r.effect.kind !== 'task' && next.step === r.step ? r.passed.slice(0, r.beforeEffect) : r.passed;
  // A contact that moved (even back to the step it was on, in a loop) starts a new visit.
  const packed = packEnrollment({ version: e.version, step: next.step, status, since: passed.length > 0 ? nowS : e.since, due: next.due, attempts: next.attempts });
  if (packed === c.old) {
    // Nothing changed (a wait not over yet): the sweep consumed its entry, so queue it again.
    return RUNNABLE.includes(status) && next.due > 0 ? requeue(deps, scenario, c, Math.max(next.due, nowS + 60), buckets) : undefined;
  }
  const done = ['finished', 'replied', 'error'].includes(status);
  if (done) stats.finished++;
  let bucket = 0;
  const minute = minuteOf(next.due);
  if (!done && next.due > 0) {
    const key = deps.keys.dueBucket(scenario, minute);
    let index = buckets.indexOf(key);
    if (index < 0) { buckets.push(key); index = buckets.length - 1; }
    bucket = index + 10; // KEYS[10…]
  }
  return {
    id: c.state.id, old: c.old, new: packed,
    from: `${e.version}|${e.step}|${e.status}`, to: `${e.version}|${next.step}|${status}`,
    bucket, member: `${scenario}|${minute}`, score: minute * 60,
    // Engagement is written only when this pass changed it for real (a send, a bounce): the walk
    // marked the email received optimistically, which a deferred or failed send must not keep.
    eng,
    fields: r.fields ? JSON.stringify(merged(c.state.fields, r.fields)) : null,
    ledger, value, done,
    // Through-counts only count moves that happened: after a failed send, only the steps before it.
    passed,
    reason: status === 'error' ? (outcome?.error ?? (next.step === r.after?.step ? r.after.reason : r.reason) ?? 'unknown error').slice(0, 500) : null,
    outcome: status === 'finished' ? (next.step === r.after?.step ? r.after.outcome : r.outcome) ?? 'end' : null,
  };
}

/**
 * Due times are whole minutes, rounded up: work is swept per minute, so a contact due at
 * 09:00:12 runs at 09:01:00 rather than early at 09:00:00 (when its wait is not over).
 */
function dueSeconds(ms: number): number {
  return ms <= 0 ? 0 : Math.ceil(ms / 60_000) * 60;
}

/** Queues the contact again at `dueS` without changing its enrollment. */
function requeue(deps: EngineDeps, scenario: string, c: { state: ContactState; enrollment: Enrollment; old: string }, dueS: number, buckets: string[]): CommitOp {
  const minute = minuteOf(dueS);
  const key = deps.keys.dueBucket(scenario, minute);
  let index = buckets.indexOf(key);
  if (index < 0) { buckets.push(key); index = buckets.length - 1; }
  const at = `${c.enrollment.version}|${c.enrollment.step}|${c.enrollment.status}`;
  return { id: c.state.id, old: c.old, new: c.old, from: at, to: at, bucket: index + 10, member: `${scenario}|${minute}`, score: minute * 60, eng: null, fields: null, ledger: null, value: null, done: false, passed: [], reason: null, outcome: null };
}

/**
 * The ledger's key for one send: contact, step, and when the contact's current position began.
 * A retried pass (a crash, a BullMQ retry) starts from the same position and finds the same key,
 * so it cannot send twice; a scenario that loops back to the email weeks later is a new visit.
 */
export function ledgerField(contactId: string, step: string, since: number): string {
  return `${contactId}|${step}|${since}`;
}

/** Field changes from score and update steps; `null` (an `unset`) removes the field. */
function merged(fields: Record<string, unknown>, changes: Record<string, unknown>): Record<string, unknown> {
  const out = { ...fields, ...changes };
  for (const [k, v] of Object.entries(changes)) if (v === null) delete out[k];
  return out;
}

async function suppressBounced(deps: EngineDeps, contact: ContactState, reason: string): Promise<void> {
  await deps.redis.hsetnx(deps.keys.suppressed(), contact.email, JSON.stringify({ reason: 'bounced', at: deps.clock.now().toISOString(), source: `smtp: ${reason.slice(0, 200)}` }));
}

async function reserve(deps: EngineDeps, scenario: string, sends: Array<{ contact: { state: ContactState; version: VersionRecord; enrollment: Enrollment }; result: WalkResult }>, nowMs: number): Promise<string[]> {
  if (sends.length === 0) return [];
  const quotaKeys: string[] = [];
  const args: Array<string | number> = [];
  for (const { contact, result } of sends) {
    const s = contact.version.scenario;
    const step = (result.effect as { step: { id: string; from?: { email: string } } }).step;
    const sender = step.from?.email ?? s.spec.sender?.email ?? 'unknown';
    const provider = providerOf(contact.state.email);
    const zone = s.spec.schedule?.timezone ?? 'UTC';
    const week = weekStart(new Date(nowMs), zone).toISOString().slice(0, 10);
    const key = deps.keys.quota(sender, provider, week);
    let index = quotaKeys.indexOf(key);
    if (index < 0) { quotaKeys.push(key); index = quotaKeys.length - 1; }
    args.push(ledgerField(contact.state.id, step.id, contact.enrollment.since), contact.state.email, index + 3, quotaLimit(s, provider));
  }
  return runScript<string[]>(deps.redis, 'reserve-sends', [deps.keys.ledger(scenario), deps.keys.suppressed(), ...quotaKeys], [deps.workerId, Math.floor(nowMs / 1000), 8 * 86400, IN_FLIGHT_S, ...args]);
}

function quotaLimit(scenario: Scenario, provider: keyof typeof PROVIDERS): number {
  return scenario.spec.quotas?.[provider] ?? PROVIDERS[provider].limit;
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

/** Sends follow days, hours and holidays; `start`/`end` only bound entry (admission). */
function windowOf(v: VersionRecord): SendWindow {
  let w = windows.get(v.digest);
  if (!w) {
    const schedule = v.scenario.spec.schedule;
    windows.set(v.digest, (w = new SendWindow(schedule ? { ...schedule, start: undefined, end: undefined } : undefined)));
  }
  return w;
}

async function inBatches<T>(items: T[], size: number, fn: (item: T, index: number) => Promise<void>): Promise<void> {
  let next = 0;
  const run = async () => { while (next < items.length) { const i = next++; await fn(items[i]!, i); } };
  await Promise.all(Array.from({ length: Math.min(size, items.length) }, run));
}
