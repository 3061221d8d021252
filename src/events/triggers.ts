import type { Redis } from 'ioredis';
import { fieldsView } from '../audience/eligible.js';
import { notBusy, otherExclusive } from '../audience/exclusive.js';
import { scheduleOf } from '../compile/schedule.js';
import { evaluate } from '../conditions/evaluate.js';
import { contactFields } from '../contacts/store.js';
import { admit } from '../enroll/admit.js';
import type { Keys } from '../state/keys.js';
import { hitWindow } from '../state/rate-window.js';
import { readScenarioRecords, readVersion, type ScenarioRecord, type VersionRecord } from '../state/scenario-store.js';
import type { Trigger } from '../schema/scenario.gen.js';
import { rateLimitOf, triggerFor, triggerMatches } from '../triggers/index.js';
import type { ContactEvent } from './record-event.js';

const PER_SECONDS = { second: 1, minute: 60, hour: 3600, day: 86400 } as const;

/** What a trigger looks at: the event's type, where it happened, and when. */
type TriggerEvent = Pick<ContactEvent, 'scenario' | 'step' | 'form' | 'at'> & { type: ContactEvent['type'] | 'list-added' | 'api' | 'contact-created'; list?: string };

/** A running scenario that a trigger event can enter, with the trigger that matched. */
interface Candidate {
  record: ScenarioRecord;
  version: VersionRecord;
  trigger: Trigger;
}

/** Where a trigger event took the contact, and which scenarios' rate limits refused it (until when). */
export interface TriggerEntry {
  entered: string[];
  limited: Array<{ scenario: string; retryAfter: number }>;
}

/**
 * Enrolls the contact in every running scenario with a matching trigger (SPEC 3.1), within the
 * trigger's rate limit. Returns the scenarios it entered, and those whose limit said no.
 */
export async function enrollOnTrigger(redis: Redis, keys: Keys, event: TriggerEvent, id: string): Promise<TriggerEntry> {
  return (await enrollOnTriggers(redis, keys, [{ event, id }]))[0]!;
}

/**
 * The same for many events (those the HTTP server heard in one moment): the running scenarios are
 * looked at once for all, and an event no trigger takes costs nothing more.
 */
export async function enrollOnTriggers(redis: Redis, keys: Keys, events: Array<{ event: TriggerEvent; id: string }>): Promise<TriggerEntry[]> {
  const out = events.map((): TriggerEntry => ({ entered: [], limited: [] }));
  const triggering = events.some(({ event }) => triggerFor(event.type) !== undefined);
  const scenarios = triggering ? await runningVersions(redis, keys) : [];
  for (const [i, { event, id }] of events.entries()) {
    const on = triggerFor(event.type);
    const candidates = on ? candidatesIn(scenarios, on, event) : [];
    if (candidates.length === 0) continue;
    const contact = { id, fields: (await contactFields(redis, keys, id)) ?? {} };
    for (const candidate of candidates) {
      const { admitted, limitedFor } = await enrollMany(redis, keys, candidate, [contact], event.at);
      if (admitted > 0) out[i]!.entered.push(candidate.record.name);
      else if (limitedFor !== undefined) out[i]!.limited.push({ scenario: candidate.record.name, retryAfter: limitedFor });
    }
  }
  return out;
}

/**
 * For an import into `list`: reads once the running scenarios that `list-added` on that list or
 * `contact-created` triggers, and returns a function that enrols contacts as the import adds them
 * to the list (all of them for `list-added`, the new ones for `contact-created`). It returns how
 * many entered each scenario. With no such trigger, it returns at once.
 */
export async function importTriggers(redis: Redis, keys: Keys, list: string): Promise<(joined: Array<{ email: string; created: boolean }>, at: Date) => Promise<Map<string, number>>> {
  const onList = await triggeredBy(redis, keys, 'list-added', { list });
  const onCreated = await triggeredBy(redis, keys, 'contact-created', {});
  return async (joined, at) => {
    const entered = new Map<string, number>();
    const wanted = onList.length > 0 ? joined : onCreated.length > 0 ? joined.filter((c) => c.created) : [];
    if (wanted.length === 0) return entered;
    const ids = await redis.hmget(keys.contactIds(), ...wanted.map((c) => c.email));
    const present = wanted.flatMap((c, i) => (ids[i] ? [{ ...c, id: ids[i]! }] : []));
    const data = present.length > 0 ? await redis.hmget(keys.contactData(), ...present.map((c) => c.id)) : [];
    const contacts = present.map((c, i) => ({ id: c.id, created: c.created, fields: data[i] ? (JSON.parse(data[i]!) as Record<string, unknown>) : {} }));
    // One admission per scenario for the whole batch, not one per contact.
    for (const candidate of onList) entered.set(candidate.record.name, (await enrollMany(redis, keys, candidate, contacts, at)).admitted);
    const created = contacts.filter((c) => c.created);
    for (const candidate of created.length > 0 ? onCreated : []) {
      const n = (await enrollMany(redis, keys, candidate, created, at)).admitted;
      entered.set(candidate.record.name, (entered.get(candidate.record.name) ?? 0) + n);
    }
    for (const [name, n] of entered) if (n === 0) entered.delete(name);
    return entered;
  };
}

async function triggeredBy(redis: Redis, keys: Keys, on: Trigger['on'], event: { list?: string; form?: string; scenario?: string; step?: string }): Promise<Candidate[]> {
  return candidatesIn(await runningVersions(redis, keys), on, event);
}

function candidatesIn(running: Array<{ record: ScenarioRecord; version: VersionRecord }>, on: Trigger['on'], event: { list?: string; form?: string; scenario?: string; step?: string }): Candidate[] {
  const out: Candidate[] = [];
  for (const { record, version } of running) {
    const trigger = version.scenario.spec.entry.triggers?.find((t) => t.on === on && triggerMatches(t, event));
    if (trigger) out.push({ record, version, trigger });
  }
  return out;
}

const running = new Map<string, { rev: string | null; list: Array<{ record: ScenarioRecord; version: VersionRecord }> }>();

/**
 * The running scenarios with their versions. Every event asks (the HTTP server, thousands a
 * second), so they are read again only when `state-rev` moved: every change of a scenario
 * record (apply, pause, resume, archive) bumps it in the same transaction, and versions never
 * change.
 */
async function runningVersions(redis: Redis, keys: Keys): Promise<Array<{ record: ScenarioRecord; version: VersionRecord }>> {
  const rev = await redis.get(keys.stateRev());
  const hit = running.get(keys.prefix);
  if (hit && hit.rev === rev) return hit.list;
  const list: Array<{ record: ScenarioRecord; version: VersionRecord }> = [];
  for (const record of (await readScenarioRecords(redis, keys)).values()) {
    if (record.state !== 'running') continue;
    const version = await readVersion(redis, keys, record.name, record.digest);
    if (version) list.push({ record, version });
  }
  if (running.size > 64) running.clear();
  running.set(keys.prefix, { rev, list });
  return list;
}

/**
 * Contacts into one triggered scenario, those its rules let in now, in one admission.
 * Returns how many were admitted, and, when the rate limit held some back, the seconds until
 * its window ends.
 */
async function enrollMany(redis: Redis, keys: Keys, { record, version, trigger }: Candidate, contacts: Array<{ id: string; fields: Record<string, unknown> }>, at: Date): Promise<{ admitted: number; limitedFor?: number }> {
  const nowS = Math.floor(at.getTime() / 1000);
  const { end } = scheduleOf(version);
  if (end !== undefined && nowS >= end) return { admitted: 0 }; // nobody enters after `end`
  const when = trigger.when;
  let ids = (when ? contacts.filter((c) => evaluate(when, fieldsView(c.fields))) : contacts).map((c) => c.id);
  const limit = rateLimitOf(trigger);
  let limitedFor: number | undefined;
  if (limit && ids.length > 0) {
    const { allowed, retryAfter } = await allowedByRate(redis, keys, record.name, limit, at, ids.length);
    if (allowed < ids.length) limitedFor = retryAfter;
    ids = ids.slice(0, allowed);
  }
  if (version.scenario.spec.exclusive && ids.length > 0) ids = await notBusy(redis, keys, ids, await otherExclusive(redis, keys, record.name));
  const { admitted } = await admit(redis, keys, {
    scenario: record.name, version: record.digest.slice(0, 12), entry: version.graph.entry, now: nowS, due: nowS,
    cap: version.scenario.spec.limits?.maxActive ?? 0, reenter: version.scenario.spec.entry.reentry === 'always', ids,
  });
  return { admitted, limitedFor };
}

/** How many of `wanted` entries the rate limit still lets in this window (taken from it at once). */
async function allowedByRate(redis: Redis, keys: Keys, scenario: string, limit: { max: number; per: keyof typeof PER_SECONDS }, at: Date, wanted: number): Promise<{ allowed: number; retryAfter: number }> {
  const hit = await hitWindow(redis, keys, `rate:${scenario}`, PER_SECONDS[limit.per], at, wanted);
  return { allowed: Math.max(0, Math.min(wanted, limit.max - (hit.count - wanted))), retryAfter: hit.retryAfter };
}
