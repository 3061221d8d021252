import type { Redis } from 'ioredis';
import { minuteOf } from '../state/enrollment.js';
import type { Keys } from '../state/keys.js';
import { runScript } from '../state/scripts.js';
import { flagArg, type EngagementFlag } from './wake.js';

/** What a contact did, as the event log records it. */
export const EVENT_TYPES = [
  'delivered', 'opened', 'clicked', 'replied', 'auto-replied', 'bounced', 'soft-bounced', 'complained',
  'unsubscribed', 'form-submitted', 'converted', 'task-done', 'unmatched',
] as const;
export type EventType = (typeof EVENT_TYPES)[number];

/** Where an event came from. */
export const EVENT_SOURCES = ['pixel', 'link', 'one-click', 'page', 'form', 'api', 'webhook', 'cli', 'smtp', 'inbound', 'engine'] as const;
export type EventSource = (typeof EVENT_SOURCES)[number];

export interface LogEvent {
  type: EventType;
  contactId: string;
  source: EventSource;
  /** When it happened (a late event keeps its own time; the stream id says when it was heard). */
  at: Date;
  /** The email step it concerns, and which visit of it (the send's `since`). */
  step?: string;
  visit?: number;
  /** Made by a scanner or a proxy: logged, but never engagement. */
  bot?: boolean;
  /** Anything else worth keeping: a link id, a reason, the fields of a form (text). */
  detail?: Record<string, string>;
}

/** How long the event log keeps entries (RELANCE_EVENT_RETENTION_DAYS, default 400: a year of reports and more). */
export function retentionDays(env: NodeJS.ProcessEnv = process.env): number {
  const days = Number(env.RELANCE_EVENT_RETENTION_DAYS ?? 400);
  return Number.isFinite(days) && days > 0 ? days : 400;
}

/** The log entry's fields, short names (DESIGN.md lists them): about 60 bytes an event in a stream. */
function entryFields(event: LogEvent): string[] {
  const out = ['e', event.type, 'c', event.contactId, 't', String(Math.floor(event.at.getTime() / 1000)), 'o', event.source];
  if (event.step !== undefined) out.push('s', event.step);
  if (event.visit !== undefined) out.push('i', String(event.visit));
  if (event.bot) out.push('b', '1');
  if (event.detail && Object.keys(event.detail).length > 0) out.push('x', JSON.stringify(event.detail));
  return out;
}

/**
 * One event as engage.lua reads it: `[id, bot, [flag…], [field, value…]]`. A call's events go as
 * one JSON argument, which Redis decodes in C (cjson): a batch of 45 opens is one argument for
 * the client to write, where it was 900, and costs Redis less than reading them (measured:
 * about 5 µs an event in the script, against 5.4 for separate arguments and 11 for splitting a
 * joined string in Lua).
 */
function eventArg(event: LogEvent, flags: EngagementFlag[]): [string, string, string[], string[]] {
  return [event.contactId, event.bot ? '1' : '0', event.bot ? [] : flags.map(flagArg), entryFields(event)];
}

/** An event to record in a scenario, with the engagement flags it implies (none for a bot's). */
export interface Engagement {
  event: LogEvent;
  flags: EngagementFlag[];
}

/** What recording one event did: the contact woken, a flag new (`first`), or no such contact. */
export interface Engaged {
  woken: boolean;
  first: boolean;
  /** The contact was erased since the event's email was sent: nothing was recorded. */
  unknown: boolean;
}

/** Events per script call: a call blocks Redis while it runs, so a big batch goes in slices. */
const PER_CALL = 256;

/**
 * Records events of contacts in one scenario, in order (lua/engage.lua): each is one entry in the
 * scenario's log; unless a bot made it, the engagement `flags` it implies, and the contact woken
 * if it waits and a flag was new (or the event carries none). `first` says whether a flag was new (the first open of that email, say): what
 * counts contacts. `now` (the engine's clock) is when a woken contact is due.
 */
export async function engageMany(redis: Redis, keys: Keys, scenario: string, items: Engagement[], now: Date): Promise<Engaged[]> {
  const nowS = Math.floor(now.getTime() / 1000);
  const minute = minuteOf(nowS);
  const oldest = Math.max(0, now.getTime() - retentionDays() * 86_400_000);
  const out: Engaged[] = [];
  for (let from = 0; from < items.length; from += PER_CALL) {
    const events = items.slice(from, from + PER_CALL).map(({ event, flags }) => eventArg(event, flags));
    const args: Array<string | number> = [nowS, keys.dueMember(scenario, minute), minute * 60, oldest, JSON.stringify(events)];
    const replies = await runScript<number[]>(redis, 'engage',
      [keys.events(scenario), keys.enrollments(scenario), keys.dueBucket(scenario, minute), keys.dueIndex(), keys.engagement(scenario), keys.contactData()], args);
    for (let i = 0; i < replies.length; i += 2) out.push({ woken: replies[i] === 1, first: replies[i + 1] === 1, unknown: replies[i] === -1 });
  }
  return out;
}

/** One event (engageMany of one); `now` is the event's time unless told. */
export async function engage(redis: Redis, keys: Keys, scenario: string, event: LogEvent, flags: EngagementFlag[], now = event.at): Promise<Engaged> {
  return (await engageMany(redis, keys, scenario, [{ event, flags }], now))[0]!;
}

/** Logs an event that concerns no scenario in particular (an unsubscribe typed at the CLI). */
export async function logGlobal(redis: Redis, keys: Keys, event: LogEvent, now = event.at): Promise<void> {
  const oldest = Math.max(0, now.getTime() - retentionDays() * 86_400_000);
  await redis.xadd(keys.globalEvents(), 'MINID', '~', oldest, '*', ...entryFields(event));
}

/** Logs an event of a scenario that sets no flag and wakes nobody (the script that moved the contact did). */
export async function logOnly(redis: Redis, keys: Keys, scenario: string, event: LogEvent, now = event.at): Promise<void> {
  const oldest = Math.max(0, now.getTime() - retentionDays() * 86_400_000);
  await redis.xadd(keys.events(scenario), 'MINID', '~', oldest, '*', ...entryFields(event));
}
