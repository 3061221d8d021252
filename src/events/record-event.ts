import type { Redis } from 'ioredis';
import { RelanceError } from '../errors.js';
import { suppress } from '../contacts/suppression.js';
import { engage, engageMany, logGlobal, type EventSource, type EventType, type LogEvent } from '../enroll/engage.js';
import { wake, type EngagementFlag } from '../enroll/wake.js';
import type { Keys } from '../state/keys.js';
import { readScenarioRecords, readVersion } from '../state/scenario-store.js';
import { enrollOnTrigger, enrollOnTriggers } from './triggers.js';

export { EVENT_SOURCES, EVENT_TYPES, type EventSource, type EventType } from '../enroll/engage.js';

export interface ContactEvent {
  type: EventType;
  email: string;
  /** The scenario and email step it concerns (opens, clicks, replies); none for global events. */
  scenario?: string;
  step?: string;
  /** Which visit of the step (the send's `since`, carried by its tokens). */
  visit?: number;
  /** For form-submitted: the form (default: the form of `scenario`). */
  form?: string;
  at: Date;
  /** Where it came from (default: cli). */
  source?: EventSource;
  /** A scanner's or a proxy's: logged, never engagement, never a trigger. */
  bot?: boolean;
  /** Kept in the log: a link id, a reason, the fields of a form (as text). */
  detail?: Record<string, string>;
}

export interface RecordedEvent {
  contactId: string;
  woken: number;
  enrolled: string[];
  /** The event set a flag not set before in its scenario (a first open): it counts a contact. */
  first: boolean;
}

export class UnknownContactEventError extends RelanceError {
  override readonly code = 'EVENT_UNKNOWN_CONTACT';
}

/** Events that suppress the address for every scenario. */
const SUPPRESSING = new Set<EventType>(['unsubscribed', 'bounced', 'complained']);

/**
 * Records what a contact did: once in the event log (the scenario's, or the global one), and as
 * the engagement the engine reads, waking the contact wherever it waits, so wait-for conditions
 * and exit rules (a reply ends the run at once) are looked at now, not at the end of the wait.
 * Unsubscribes, hard bounces and complaints suppress the address for every scenario, including
 * sends already queued. A bot's event is logged and does nothing else.
 */
export async function recordEvent(redis: Redis, keys: Keys, event: ContactEvent): Promise<RecordedEvent> {
  const email = event.email.trim().toLowerCase();
  const id = await redis.hget(keys.contactIds(), email);
  if (!id) throw new UnknownContactEventError(`no contact ${email}`);
  return recordForContact(redis, keys, id, { ...event, email });
}

/** The same, for a contact already known by id (a tracking token names it). */
export async function recordForContact(redis: Redis, keys: Keys, id: string, event: ContactEvent): Promise<RecordedEvent> {
  const source = event.source ?? 'cli';
  const suppressing = SUPPRESSING.has(event.type) && !event.bot;
  if (suppressing) {
    await suppress(redis, keys, event.email, event.type === 'complained' ? 'complaint' : event.type === 'bounced' ? 'bounced' : 'unsubscribed', event.scenario ? `${event.scenario}/${event.step ?? ''}` : source, event.at);
  }
  const logged = logEntry(id, event);
  let first = false;
  let woken = 0;
  if (event.scenario) {
    const result = await engage(redis, keys, event.scenario, logged, flagsOf(event));
    first = result.first;
    if (result.woken) woken++;
  } else {
    await logGlobal(redis, keys, logged);
  }
  if (event.bot) return { contactId: id, woken, enrolled: [], first };
  // Every other scenario looks at a suppressed contact again at once (it leaves on unsubscribe);
  // an event of no scenario (a form, a conversion typed at the CLI) is the contact's in all.
  const everywhere = event.scenario ? [] : flagsOf(event);
  if (suppressing || everywhere.length > 0) {
    for (const record of (await readScenarioRecords(redis, keys)).values()) {
      if (record.state === 'archived' || record.name === event.scenario) continue;
      if (await wake(redis, keys, record.name, id, event.at, everywhere)) woken++;
    }
  }
  const form = event.type === 'form-submitted' ? event.form ?? (await formOf(redis, keys, event.scenario)) : undefined;
  const { entered: enrolled } = await enrollOnTrigger(redis, keys, { ...event, form }, id);
  return { contactId: id, woken, enrolled, first };
}

/** An event of a scenario that suppresses nothing (an open, a click), for a contact known by id. */
export type ScenarioEvent = Omit<ContactEvent, 'email' | 'scenario'> & { scenario: string };

/**
 * Many such events at once (the opens and clicks the HTTP server heard in one moment): one script
 * call per scenario, the entry triggers looked at once for all. Returns, for each, what it did, or
 * undefined when its contact was erased since (nothing is recorded for it).
 */
export async function recordScenarioEvents(redis: Redis, keys: Keys, items: Array<{ id: string; event: ScenarioEvent }>, now: Date): Promise<Array<RecordedEvent | undefined>> {
  const byScenario = new Map<string, number[]>();
  for (const [i, { event }] of items.entries()) {
    if (SUPPRESSING.has(event.type)) throw new Error(`recordScenarioEvents takes no ${event.type} event`);
    const at = byScenario.get(event.scenario);
    if (at) at.push(i);
    else byScenario.set(event.scenario, [i]);
  }
  const out: Array<RecordedEvent | undefined> = new Array(items.length);
  await Promise.all([...byScenario].map(async ([scenario, at]) => {
    const engaged = await engageMany(redis, keys, scenario, at.map((i) => ({ event: logEntry(items[i]!.id, items[i]!.event), flags: flagsOf(items[i]!.event) })), now);
    at.forEach((i, k) => { out[i] = engaged[k]!.unknown ? undefined : { contactId: items[i]!.id, woken: engaged[k]!.woken ? 1 : 0, enrolled: [], first: engaged[k]!.first }; });
  }));
  const people = items.flatMap(({ id, event }, i) => (out[i] && !event.bot ? [{ i, id, event }] : []));
  const entries = await enrollOnTriggers(redis, keys, people);
  people.forEach(({ i }, k) => { out[i]!.enrolled = entries[k]!.entered; });
  return out;
}

function logEntry(id: string, event: Omit<ContactEvent, 'email'>): LogEvent {
  return { type: event.type, contactId: id, source: event.source ?? 'cli', at: event.at, step: event.step, visit: event.visit, bot: event.bot, detail: event.detail };
}

/** The engagement an event records in the scenario it concerns (opens and clicks need their email). */
function flagsOf(event: Omit<ContactEvent, 'email'>): EngagementFlag[] {
  if (event.bot) return [];
  if (event.type === 'form-submitted') return [{ kind: 'form' }];
  if (event.type === 'converted') return [{ kind: 'converted' }];
  if (!event.step) return [];
  if (event.type === 'delivered' || event.type === 'opened' || event.type === 'clicked' || event.type === 'replied' || event.type === 'bounced') return [{ kind: event.type, step: event.step }];
  return [];
}

async function formOf(redis: Redis, keys: Keys, scenario: string | undefined): Promise<string | undefined> {
  if (!scenario) return undefined;
  const digest = await redis.hget(keys.scenario(scenario), 'digest');
  return digest ? (await readVersion(redis, keys, scenario, digest))?.scenario.spec.form?.id : undefined;
}
