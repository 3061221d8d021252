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
 * Records an event of a contact in a scenario (lua/engage.lua): one entry in the scenario's log;
 * unless a bot made it, the engagement `flags` it implies, and the contact woken if it waits.
 * `first` says whether a flag was new (the first open of that email, say): what counts contacts.
 * `now` (the engine's clock: the event's time unless told) is when the woken contact is due.
 */
export async function engage(redis: Redis, keys: Keys, scenario: string, event: LogEvent, flags: EngagementFlag[], now = event.at): Promise<{ woken: boolean; first: boolean }> {
  const nowS = Math.floor(now.getTime() / 1000);
  const minute = minuteOf(nowS);
  const oldest = now.getTime() - retentionDays() * 86_400_000;
  const [woken, first] = await runScript<[number, number]>(redis, 'engage',
    [keys.events(scenario), keys.enrollments(scenario), keys.dueBucket(scenario, minute), keys.dueIndex(), keys.engagement(scenario)],
    [event.contactId, nowS, keys.dueMember(scenario, minute), minute * 60, Math.max(0, oldest), event.bot ? '1' : '0', flags.length, ...flags.map(flagArg), ...entryFields(event)]);
  return { woken: woken === 1, first: first === 1 };
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
