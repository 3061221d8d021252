import type { Redis } from 'ioredis';
import type { StepGraph } from '../schema/compiled.js';
import { slotOwner } from '../state/cluster.js';
import { countField, holdsPlace, isScheduled, minuteOf, unpackEnrollment } from '../state/enrollment.js';
import type { Keys } from '../state/keys.js';
import { readScenarioRecords, readVersion } from '../state/scenario-store.js';
import { taskId } from './tasks.js';

/** One way a derived structure disagrees with the enrollments it is derived from. */
export interface Difference {
  scenario: string;
  kind: 'count' | 'active' | 'blocked-missing' | 'blocked-stale' | 'unscheduled' | 'index-missing' | 'index-stale' | 'ledger-pending';
  /** What is wrong, in words. */
  what: string;
  /** Contact ids involved (at most a few are named in `what`). */
  contacts: string[];
}

export interface DoctorOptions {
  /** Contact ids in BullMQ jobs not yet finished, by scenario: scheduled, though in no bucket. */
  queued?: Map<string, Set<string>>;
  /** Reservations with no outcome older than this many seconds mean a worker died mid-send. */
  inFlightSeconds: number;
  now: Date;
}

/** What the doctor recomputed for one scenario, and how to put the derived structures right. */
export interface Diagnosis {
  scenario: string;
  differences: Difference[];
  repair: Repair;
}

/** The repairs of lua/repair-enrollments.lua, with bucket names instead of KEYS indexes. */
export interface Repair {
  counts: Array<[string, number]>;
  active: number;
  unblock: string[];
  block: Array<[string, string]>;
  schedule: Array<{ id: string; value: string; minute: number; due?: number }>;
  index: Array<{ minute: number; score: number }>;
  drop: number[];
  /** Reservations left by a dead worker: `attempted` ones become unknown, the others are released. */
  ledger: Array<{ field: string; contact: string; attempted: boolean }>;
}

const NAMED = 5;

/**
 * Recomputes, for every scenario that is not archived, each structure derived from its
 * enrollments (counts per version|step|status, the active total, the blocked queue, the due
 * buckets and index) and the send reservations left without an outcome, and lists every
 * difference with the contacts involved. Reads only.
 */
export async function diagnose(redis: Redis, keys: Keys, options: DoctorOptions): Promise<Diagnosis[]> {
  const out: Diagnosis[] = [];
  const index = await redis.zrange(keys.dueIndex(), 0, -1, 'WITHSCORES');
  const members = new Map<string, number>();
  for (let i = 0; i + 1 < index.length; i += 2) members.set(index[i]!, Number(index[i + 1]));
  for (const record of (await readScenarioRecords(redis, keys)).values()) {
    if (record.state === 'archived') continue;
    out.push(await diagnoseScenario(redis, keys, record.name, members, options));
  }
  return out;
}

async function diagnoseScenario(redis: Redis, keys: Keys, scenario: string, members: Map<string, number>, options: DoctorOptions): Promise<Diagnosis> {
  const differences: Difference[] = [];
  const repair: Repair = { counts: [], active: 0, unblock: [], block: [], schedule: [], index: [], drop: [], ledger: [] };
  const nowS = Math.floor(options.now.getTime() / 1000);
  const add = (kind: Difference['kind'], what: string, contacts: string[]) =>
    differences.push({ scenario, kind, what: contacts.length ? `${what} (contact${contacts.length > 1 ? 's' : ''} ${named(contacts)})` : what, contacts });

  // One transaction: the enrollments and what is derived from them, as of one instant.
  const [[, rawEnrollments], [, counts], [, blocked]] = (await redis.multi()
    .hgetall(keys.enrollments(scenario)).hgetall(keys.counts(scenario)).lrange(keys.blocked(scenario), 0, -1).exec()) as [[null, Record<string, string>], [null, Record<string, string>], [null, string[]]];
  const enrollments = new Map(Object.entries(rawEnrollments).map(([id, v]) => [id, { value: v, e: unpackEnrollment(v) }]));

  // Counts per version|step|status, and the active total.
  const expected = new Map<string, string[]>();
  let active = 0;
  for (const [id, { e }] of enrollments) {
    const field = countField(e);
    expected.set(field, [...(expected.get(field) ?? []), id]);
    if (holdsPlace(e.status)) active++;
  }
  for (const field of new Set([...expected.keys(), ...Object.keys(counts).filter((f) => !f.startsWith('_'))])) {
    const want = expected.get(field)?.length ?? 0;
    const have = Number(counts[field] ?? 0);
    if (want !== have) {
      add('count', `counts ${field}: ${have} counted, ${want} enrolled there`, expected.get(field) ?? []);
      repair.counts.push([field, want - have]);
    }
  }
  const activeHave = Number(counts._active ?? 0);
  if (activeHave !== active) {
    add('active', `active total: ${activeHave} counted, ${active} contact${active === 1 ? ' holds' : 's hold'} a place`, []);
    repair.active = active - activeHave;
  }

  // The blocked queue: every blocked contact once, nobody else.
  const inQueue = new Set<string>();
  const stale = new Set<string>();
  for (const id of blocked) {
    if (inQueue.has(id) || enrollments.get(id)?.e.status !== 'blocked') stale.add(id);
    inQueue.add(id);
  }
  if (stale.size) {
    add('blocked-stale', `blocked queue: ${stale.size} entr${stale.size > 1 ? 'ies' : 'y'} of contacts not blocked, or there twice`, [...stale]);
    repair.unblock.push(...stale);
    for (const id of stale) if (enrollments.get(id)?.e.status === 'blocked') repair.block.push([id, enrollments.get(id)!.value]);
  }
  const missing = [...enrollments].filter(([id, { e }]) => e.status === 'blocked' && !inQueue.has(id));
  if (missing.length) {
    add('blocked-missing', `blocked queue: ${missing.length} blocked contact${missing.length > 1 ? 's' : ''} missing from it (never let in)`, missing.map(([id]) => id));
    repair.block.push(...missing.map(([id, { value }]): [string, string] => [id, value]));
  }

  // Due buckets and the index.
  const inBuckets = new Set<string>();
  for (const key of await scanKeys(redis, keys.dueBuckets(scenario))) {
    const minute = Number(key.slice(key.lastIndexOf(':') + 1));
    const ids = await redis.lrange(key, 0, -1);
    for (const id of ids) inBuckets.add(id);
    const member = keys.dueMember(scenario, minute);
    if (ids.length > 0 && members.get(member) !== minute * 60) {
      add('index-missing', `due index: bucket of minute ${new Date(minute * 60_000).toISOString()} (${ids.length} due) is not in the index, the sweep never sees it`, ids);
      repair.index.push({ minute, score: minute * 60 });
    }
  }
  for (const member of members.keys()) {
    const { scenario: name, minute } = keys.parseDueMember(member);
    if (name !== scenario || (await redis.llen(keys.dueBucket(scenario, minute))) > 0) continue;
    add('index-stale', `due index: ${member} names an empty bucket`, []);
    repair.drop.push(minute);
  }

  // Every contact the engine must look at again is in a bucket or a queued job; a contact on a
  // task step waits for its open task.
  const queued = options.queued?.get(scenario) ?? new Set<string>();
  const graphs = new Map<string, StepGraph | undefined>();
  const lost: string[] = [];
  for (const [id, { value, e }] of enrollments) {
    if (inBuckets.has(id) || queued.has(id)) continue;
    if (isScheduled(e)) {
      lost.push(id);
      repair.schedule.push({ id, value, minute: minuteOf(Math.max(e.due, nowS)) });
    } else if (e.status === 'waiting' || e.status === 'deferred' || e.status === 'running') {
      // Waiting with nothing scheduled: only a task step does that, with its task open.
      if (!graphs.has(e.version)) graphs.set(e.version, (await readVersion(redis, keys, scenario, e.version))?.graph);
      const onTask = graphs.get(e.version)?.steps[e.step]?.step.type === 'task';
      if (onTask && (await redis.hexists(keys.tasks(), taskId(scenario, id, e.step)))) continue;
      lost.push(id);
      repair.schedule.push({ id, value, minute: minuteOf(nowS), due: nowS });
    }
  }
  if (lost.length) add('unscheduled', `${lost.length} contact${lost.length > 1 ? 's' : ''} in progress that nothing will look at again (in no due bucket, no queued job, no open task)`, lost);

  // Reservations with no outcome whose worker must have died: never attempted (released), or
  // attempted (outcome unknown).
  const left = await staleReservations(redis, keys, scenario, nowS - options.inFlightSeconds);
  const reserved = left.filter((p) => !p.attempted);
  const attempted = left.filter((p) => p.attempted);
  if (reserved.length) {
    add('ledger-pending', `send ledger: ${reserved.length} send${reserved.length > 1 ? 's' : ''} reserved more than ${options.inFlightSeconds} s ago and never attempted (released for a retry)`, reserved.map((p) => p.contact));
  }
  if (attempted.length) {
    add('ledger-pending', `send ledger: ${attempted.length} send${attempted.length > 1 ? 's' : ''} started more than ${options.inFlightSeconds} s ago with no outcome (outcome unknown)`, attempted.map((p) => p.contact));
  }
  repair.ledger.push(...left);
  return { scenario, differences, repair };
}

async function staleReservations(redis: Redis, keys: Keys, scenario: string, before: number): Promise<Repair['ledger']> {
  const out: Repair['ledger'] = [];
  let cursor = '0';
  do {
    const [next, flat] = await redis.hscan(keys.ledger(scenario), cursor, 'MATCH', '*', 'COUNT', 1000);
    cursor = next;
    for (let i = 0; i + 1 < flat.length; i += 2) {
      const value = flat[i + 1]!;
      const attempted = value.startsWith('sending|');
      if ((attempted || value.startsWith('pending|')) && Number(value.slice(value.lastIndexOf('|') + 1)) <= before) out.push({ field: flat[i]!, contact: flat[i]!.split('|')[0]!, attempted });
    }
  } while (cursor !== '0');
  return out;
}

async function scanKeys(redis: Redis, pattern: string): Promise<string[]> {
  // On a Cluster, SCAN sees one node: the one holding the pattern's hash tag.
  const node = await slotOwner(redis, pattern);
  const out: string[] = [];
  let cursor = '0';
  do {
    const [next, found] = await node.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
    cursor = next;
    out.push(...found);
  } while (cursor !== '0');
  return [...new Set(out)];
}

function named(ids: string[]): string {
  return ids.length > NAMED ? `${ids.slice(0, NAMED).join(', ')} and ${ids.length - NAMED} more` : ids.join(', ');
}
