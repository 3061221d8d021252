import type { Redis } from 'ioredis';
import type { Keys } from '../state/keys.js';
import { runScript } from '../state/scripts.js';
import type { Diagnosis } from './doctor.js';

const FIRST_BUCKET = 7; // KEYS[7…] in lua/repair-enrollments.lua

/** Puts one scenario's derived structures right (lua/repair-enrollments.lua). Returns the repairs made. */
export async function repairScenario(redis: Redis, keys: Keys, diagnosis: Diagnosis, now: Date): Promise<number> {
  const { scenario, repair } = diagnosis;
  if (diagnosis.differences.length === 0) return 0;
  const nowS = Math.floor(now.getTime() / 1000);
  const buckets: string[] = [];
  const bucket = (minute: number): number => {
    const key = keys.dueBucket(scenario, minute);
    let index = buckets.indexOf(key);
    if (index < 0) index = buckets.push(key) - 1;
    return index + FIRST_BUCKET;
  };
  const emails = repair.ledger.length ? await redis.hmget(keys.contactData(), ...repair.ledger.map((l) => l.contact)) : [];
  const args = {
    counts: repair.counts,
    active: repair.active,
    unblock: repair.unblock,
    block: repair.block,
    schedule: repair.schedule.map((s) => [s.id, s.value, bucket(s.minute), keys.dueMember(scenario, s.minute), s.minute * 60, s.due ?? null]),
    index: repair.index.map((i) => [bucket(i.minute), keys.dueMember(scenario, i.minute), i.score]),
    drop: repair.drop.map((minute) => [bucket(minute), keys.dueMember(scenario, minute)]),
    ledger: repair.ledger.map((l, i) => [l.field, l.attempted ? `unknown|${nowS}` : '', keys.unknownSendField(scenario, l.field), JSON.stringify({ email: emailOf(emails[i]), at: now.toISOString(), by: 'doctor' })]),
  };
  return runScript<number>(redis, 'repair-enrollments',
    [keys.enrollments(scenario), keys.counts(scenario), keys.blocked(scenario), keys.dueIndex(), keys.ledger(scenario), keys.unknownSends(), ...buckets],
    [JSON.stringify(args)]);
}

function emailOf(json: string | null | undefined): string {
  try {
    return String((JSON.parse(json ?? '{}') as { email?: unknown }).email ?? '');
  } catch {
    return '';
  }
}
