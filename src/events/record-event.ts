import type { Redis } from 'ioredis';
import { RelanceError } from '../errors.js';
import { addFlag, parseEngagement } from '../execute/contact-state.js';
import { minuteOf } from '../state/enrollment.js';
import type { Keys } from '../state/keys.js';
import { readScenarioRecords, readVersion } from '../state/scenario-store.js';
import { runScript } from '../state/scripts.js';
import { enrollOnTrigger } from './triggers.js';

export type EventType = 'delivered' | 'opened' | 'clicked' | 'replied' | 'bounced' | 'unsubscribed' | 'form-submitted' | 'converted';

export interface ContactEvent {
  type: EventType;
  email: string;
  /** The scenario and email step it concerns (opens, clicks, replies); none for global events. */
  scenario?: string;
  step?: string;
  /** For form-submitted: the form (default: the form of `scenario`). */
  form?: string;
  at: Date;
}

export class UnknownContactEventError extends RelanceError {
  override readonly code = 'EVENT_UNKNOWN_CONTACT';
}

const FLAG = { delivered: 'delivered', opened: 'opened', clicked: 'clicked', replied: 'replied', bounced: 'bounced' } as const;

/**
 * Records what a contact did and wakes the contact wherever it waits, so wait-for conditions and
 * exit rules (a reply ends the run at once) are re-evaluated now, not at the end of the wait.
 * Unsubscribes and bounces suppress the address for every scenario, including sends already queued.
 */
export async function recordEvent(redis: Redis, keys: Keys, event: ContactEvent): Promise<{ woken: number; enrolled: string[] }> {
  const email = event.email.trim().toLowerCase();
  const id = await redis.hget(keys.contactIds(), email);
  if (!id) throw new UnknownContactEventError(`no contact ${email}`);
  if (event.type === 'unsubscribed' || event.type === 'bounced') {
    const reason = event.type === 'unsubscribed' ? 'unsubscribed' : 'bounced';
    await redis.hsetnx(keys.suppressed(), email, JSON.stringify({ reason, at: event.at.toISOString(), source: event.scenario ? `${event.scenario}/${event.step ?? ''}` : 'event' }));
  }
  const records = [...(await readScenarioRecords(redis, keys)).values()].filter((r) => r.state !== 'archived');
  let woken = 0;
  for (const record of records) {
    const concerned = !event.scenario || event.scenario === record.name;
    const scoped = event.type in FLAG && event.scenario === record.name && event.step;
    if (scoped || (concerned && (event.type === 'form-submitted' || event.type === 'converted'))) {
      const engagement = parseEngagement(await redis.hget(keys.engagement(record.name), id));
      if (scoped) addFlag(engagement, FLAG[event.type as keyof typeof FLAG], event.step!);
      if (event.type === 'form-submitted') engagement.f = 1;
      if (event.type === 'converted') engagement.v = 1;
      if (await redis.hexists(keys.enrollments(record.name), id)) await redis.hset(keys.engagement(record.name), id, JSON.stringify(engagement));
    }
    if (concerned || event.type === 'unsubscribed' || event.type === 'bounced') woken += await wake(redis, keys, record.name, id, event.at);
  }
  const form = event.type === 'form-submitted' ? event.form ?? (await formOf(redis, keys, event.scenario)) : undefined;
  const enrolled = await enrollOnTrigger(redis, keys, { ...event, email, form }, id);
  return { woken, enrolled };
}

async function formOf(redis: Redis, keys: Keys, scenario: string | undefined): Promise<string | undefined> {
  if (!scenario) return undefined;
  const digest = await redis.hget(keys.scenario(scenario), 'digest');
  return digest ? (await readVersion(redis, keys, scenario, digest))?.scenario.spec.form?.id : undefined;
}

export async function wake(redis: Redis, keys: Keys, scenario: string, id: string, at: Date): Promise<number> {
  const nowS = Math.floor(at.getTime() / 1000);
  const minute = minuteOf(nowS);
  return runScript<number>(redis, 'wake', [keys.enrollments(scenario), keys.dueBucket(scenario, minute), keys.dueIndex()], [id, nowS, `${scenario}|${minute}`, minute * 60]);
}
