import type { Redis } from 'ioredis';
import { isValidEmail, normalizeEmail } from '../contacts/normalize.js';
import { EVENT_TYPES, UnknownContactEventError, recordEvent, type EventType } from '../events/record-event.js';
import type { Keys } from '../state/keys.js';

/** Events one webhook call may carry. */
export const MAX_WEBHOOK_EVENTS = 100;
/** How far in the future an event's `at` may be (clocks differ a little). */
const FUTURE_S = 300;
const NAME = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;

export type EventResult = { index: number; ok: true; enrolled: string[] } | { index: number; ok: false; error: { code: string; message: string } };

const TYPES: ReadonlySet<string> = new Set(EVENT_TYPES);

/**
 * Records each event of a webhook call (source `webhook`), one at a time: a bad one (unknown
 * contact or scenario, a malformed field) is reported in its result and the others still count.
 */
export async function recordWebhookEvents(redis: Redis, keys: Keys, events: unknown[], now: Date): Promise<EventResult[]> {
  const results: EventResult[] = [];
  for (const [index, raw] of events.entries()) {
    const fail = (code: string, message: string): void => void results.push({ index, ok: false, error: { code, message } });
    const event = readEvent(raw, now);
    if (typeof event === 'string') { fail('BAD_REQUEST', event); continue; }
    if (event.scenario && !(await redis.hexists(keys.scenario(event.scenario), 'digest'))) { fail('NOT_FOUND', `no scenario "${event.scenario}"`); continue; }
    try {
      const recorded = await recordEvent(redis, keys, { ...event, source: 'webhook' });
      results.push({ index, ok: true, enrolled: recorded.enrolled });
    } catch (err) {
      if (!(err instanceof UnknownContactEventError)) throw err;
      fail('NOT_FOUND', 'no contact with this address');
    }
  }
  return results;
}

interface WebhookEvent {
  type: EventType;
  email: string;
  scenario?: string;
  step?: string;
  at: Date;
}

/** The event, or what is wrong with it. */
function readEvent(raw: unknown, now: Date): WebhookEvent | string {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return 'an event is an object';
  const get = (k: string): unknown => (Object.hasOwn(raw, k) ? (raw as Record<string, unknown>)[k] : undefined);
  const type = get('type');
  if (typeof type !== 'string' || !TYPES.has(type)) return `type must be one of ${EVENT_TYPES.join(', ')}`;
  const emailRaw = get('email');
  const email = typeof emailRaw === 'string' ? normalizeEmail(emailRaw) : '';
  if (!isValidEmail(email)) return 'email must be a valid address';
  const scenario = get('scenario');
  if (scenario !== undefined && (typeof scenario !== 'string' || !NAME.test(scenario))) return 'scenario must be a scenario name';
  const step = get('step');
  if (step !== undefined && (typeof step !== 'string' || !NAME.test(step))) return 'step must be a step id';
  if (step !== undefined && scenario === undefined) return 'a step needs its scenario';
  const atRaw = get('at');
  let at = now;
  if (atRaw !== undefined) {
    const ms = typeof atRaw === 'number' ? atRaw * 1000 : typeof atRaw === 'string' ? Date.parse(atRaw) : NaN;
    if (!Number.isFinite(ms) || ms <= 0) return 'at must be an ISO 8601 date or epoch seconds';
    if (ms > now.getTime() + FUTURE_S * 1000) return 'at is in the future';
    at = new Date(ms);
  }
  return { type: type as EventType, email, scenario: scenario as string | undefined, step: step as string | undefined, at };
}
