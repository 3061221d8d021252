import type { Redis } from 'ioredis';
import type { Keys } from '../state/keys.js';
import { runScript } from '../state/scripts.js';
import { WORKER_TIMEOUT_S } from './ledger.js';

/**
 * After a worker is killed, a send it had reserved for a contact who moved on meanwhile (paused,
 * left the scenario) would stay reserved for good: a reservation is taken over only by another
 * reservation of the same send. The sweeper collects them (lua/collect-reservations.lua): when a
 * worker's heartbeat has stopped, and every `everyMs` in any case (a batch that failed leaves
 * some too). Each ledger is scanned in pages; only what the script confirms is settled.
 * Returns how many reservations were settled.
 */
export async function collectReservations(redis: Redis, keys: Keys, now: Date): Promise<number> {
  const nowS = Math.floor(now.getTime() / 1000);
  let settled = 0;
  for (const scenario of await redis.smembers(keys.scenarios())) {
    let cursor = '0';
    do {
      const [next, flat] = await redis.hscan(keys.ledger(scenario), cursor, 'COUNT', 1000);
      cursor = next;
      const found: Array<{ field: string; value: string }> = [];
      for (let i = 0; i < flat.length; i += 2) {
        const value = flat[i + 1]!;
        if (value.startsWith('pending|') || value.startsWith('sending|')) found.push({ field: flat[i]!, value });
      }
      if (found.length === 0) continue;
      const data = await redis.hmget(keys.contactData(), ...found.map((f) => f.field.split('|')[0]!));
      const args = found.flatMap((f, i) => {
        const email = data[i] ? String((JSON.parse(data[i]!) as { email?: unknown }).email ?? '') : '';
        return [f.field, f.value, `${keys.unknownSendField(scenario, f.field)}\n${JSON.stringify({ email, at: now.toISOString(), by: 'sweeper' })}`];
      });
      settled += await runScript<number>(redis, 'collect-reservations', [keys.ledger(scenario), keys.workers(), keys.unknownSends()], [WORKER_TIMEOUT_S, nowS, ...args]);
    } while (cursor !== '0');
  }
  return settled;
}

/** Workers whose heartbeat stopped (Redis's clock), forgotten once their reservations are collected. */
export async function deadWorkers(redis: Redis, keys: Keys): Promise<string[]> {
  const [seconds] = await redis.time();
  const beats = await redis.hgetall(keys.workers());
  return Object.entries(beats).filter(([, beat]) => Number(seconds) - Number(beat.split('|')[0]) >= WORKER_TIMEOUT_S).map(([id]) => id);
}
