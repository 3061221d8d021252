import type { Redis } from 'ioredis';
import { RelanceError } from '../errors.js';
import { suppress } from '../contacts/suppression.js';
import { wake, type EngagementFlag } from '../enroll/wake.js';
import type { Keys } from '../state/keys.js';
import { readScenarioRecords, readVersion } from '../state/scenario-store.js';
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
    await suppress(redis, keys, email, event.type, event.scenario ? `${event.scenario}/${event.step ?? ''}` : 'event', event.at);
  }
  const records = [...(await readScenarioRecords(redis, keys)).values()].filter((r) => r.state !== 'archived');
  let woken = 0;
  for (const record of records) {
    const concerned = !event.scenario || event.scenario === record.name;
    if (!concerned && event.type !== 'unsubscribed' && event.type !== 'bounced') continue;
    if (await wake(redis, keys, record.name, id, event.at, concerned ? flagsOf(event) : [])) woken++;
  }
  const form = event.type === 'form-submitted' ? event.form ?? (await formOf(redis, keys, event.scenario)) : undefined;
  const enrolled = await enrollOnTrigger(redis, keys, { ...event, email, form }, id);
  return { woken, enrolled };
}

/** The engagement an event records in the scenario it concerns (opens and clicks need their email). */
function flagsOf(event: ContactEvent): EngagementFlag[] {
  if (event.type === 'form-submitted') return [{ kind: 'form' }];
  if (event.type === 'converted') return [{ kind: 'converted' }];
  if (event.type === 'unsubscribed' || !event.scenario || !event.step) return [];
  return [{ kind: event.type, step: event.step }];
}

async function formOf(redis: Redis, keys: Keys, scenario: string | undefined): Promise<string | undefined> {
  if (!scenario) return undefined;
  const digest = await redis.hget(keys.scenario(scenario), 'digest');
  return digest ? (await readVersion(redis, keys, scenario, digest))?.scenario.spec.form?.id : undefined;
}
