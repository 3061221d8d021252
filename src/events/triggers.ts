import type { Redis } from 'ioredis';
import { notBusy, otherExclusive, scheduleBound } from '../apply/admission.js';
import { evaluate } from '../conditions/evaluate.js';
import { minuteOf } from '../state/enrollment.js';
import type { Keys } from '../state/keys.js';
import { readScenarioRecords, readVersion } from '../state/scenario-store.js';
import { runScript } from '../state/scripts.js';
import type { Trigger } from '../schema/scenario.gen.js';
import type { ContactEvent } from './record-event.js';

/** Which trigger an event type can fire. */
const ON: Partial<Record<ContactEvent['type'], Trigger['on']>> = {
  'form-submitted': 'form-submitted', opened: 'email-opened', clicked: 'email-clicked', bounced: 'email-bounced', unsubscribed: 'email-unsubscribed',
};

const PER_SECONDS = { second: 1, minute: 60, hour: 3600, day: 86400 } as const;

/**
 * Enrolls the contact in every running scenario with a matching trigger (SPEC 3.1), within the
 * trigger's rate limit. Returns the scenarios it entered.
 */
export async function enrollOnTrigger(redis: Redis, keys: Keys, event: ContactEvent | { type: 'list-added' | 'api' | 'contact-created'; email: string; list?: string; at: Date }, id: string): Promise<string[]> {
  const type = event.type;
  const on = type === 'list-added' || type === 'api' || type === 'contact-created' ? type : ON[type];
  if (!on) return [];
  const entered: string[] = [];
  const data = await redis.hget(keys.contactData(), id);
  const fields = data ? (JSON.parse(data) as Record<string, unknown>) : {};
  for (const record of (await readScenarioRecords(redis, keys)).values()) {
    if (record.state !== 'running') continue;
    const version = await readVersion(redis, keys, record.name, record.digest);
    if (!version) continue;
    const trigger = version.scenario.spec.entry.triggers?.find((t) => t.on === on && matches(t, event));
    if (!trigger) continue;
    const end = scheduleBound(version.scenario, 'end');
    if (end !== undefined && event.at.getTime() / 1000 >= end) continue; // nobody enters after `end`
    if (trigger.when && !evaluate(trigger.when, { field: (n) => fields[n], engaged: () => false, formSubmitted: () => false })) continue;
    const limit = trigger.rateLimit ?? (on === 'api' ? { max: 30, per: 'minute' as const } : undefined);
    if (limit && !(await withinRate(redis, keys, record.name, limit, event.at))) continue;
    if (version.scenario.spec.exclusive && (await notBusy(redis, keys, [id], await otherExclusive(redis, keys, record.name))).length === 0) continue;
    if (version.scenario.spec.entry.reentry === 'always') await redis.hdel(keys.enrollments(record.name), id);
    const nowS = Math.floor(event.at.getTime() / 1000);
    const minute = minuteOf(nowS);
    const [admitted] = await runScript<number[]>(redis, 'admit', [keys.enrollments(record.name), keys.counts(record.name), keys.dueBucket(record.name, minute), keys.dueIndex(), keys.blocked(record.name)],
      [record.digest.slice(0, 12), version.graph.entry, nowS, version.scenario.spec.limits?.maxActive ?? 0, nowS, `${record.name}|${minute}`, id]);
    if (admitted) entered.push(record.name);
  }
  return entered;
}

function matches(t: Trigger, event: { type: string; scenario?: string; step?: string; list?: string; form?: string }): boolean {
  if (t.list && t.list !== event.list) return false;
  if (t.form && t.form !== event.form) return false;
  if (t.scenario && t.scenario !== event.scenario) return false;
  if (t.step && t.step !== event.step) return false;
  return true;
}

async function withinRate(redis: Redis, keys: Keys, scenario: string, limit: { max: number; per: keyof typeof PER_SECONDS }, at: Date): Promise<boolean> {
  const window = Math.floor(at.getTime() / 1000 / PER_SECONDS[limit.per]);
  const key = keys.scratch(`rate:${scenario}:${window}`);
  const [[, count]] = (await redis.multi().incr(key).expire(key, PER_SECONDS[limit.per] * 2).exec()) as [[null, number], unknown];
  return count <= limit.max;
}
