import type { Redis } from 'ioredis';
import type { Keys } from '../state/keys.js';
import { acquireLock } from '../state/lock.js';
import { diagnose, type Difference, type DoctorOptions } from './doctor.js';
import { repairScenario } from './repair.js';

export interface DoctorRun {
  differences: Difference[];
  /** With `fix`: repairs made, and what is still different afterwards (normally nothing). */
  repaired?: number;
  after?: Difference[];
}

/**
 * `relance doctor`: recomputes every derived structure from the enrollments and reports each
 * difference; with `fix`, repairs them under the apply lock and checks again. `queued` is asked
 * afresh for each look (jobs come and go while the workers run).
 */
export async function runDoctor(redis: Redis, keys: Keys, options: Omit<DoctorOptions, 'queued'> & { queued?: () => Promise<Map<string, Set<string>>>; fix?: boolean }): Promise<DoctorRun> {
  const look = async () => confirmed(redis, keys, options);
  if (!options.fix) return { differences: await look() };
  const lock = await acquireLock(redis, keys, 'apply', 'doctor --fix');
  try {
    const first = await diagnose(redis, keys, { ...options, queued: await options.queued?.() });
    let repaired = 0;
    for (const d of first) repaired += await repairScenario(redis, keys, d, options.now);
    return { differences: first.flatMap((d) => d.differences), repaired, after: await look() };
  } finally {
    await lock.release();
  }
}

/**
 * A contact can look unscheduled for an instant while a worker moves it (its job done, its new
 * bucket not read yet): such a contact is reported only if a second look finds it the same.
 */
async function confirmed(redis: Redis, keys: Keys, options: Omit<DoctorOptions, 'queued'> & { queued?: () => Promise<Map<string, Set<string>>> }): Promise<Difference[]> {
  const first = (await diagnose(redis, keys, { ...options, queued: await options.queued?.() })).flatMap((d) => d.differences);
  if (!first.some((d) => d.kind === 'unscheduled')) return first;
  const again = (await diagnose(redis, keys, { ...options, queued: await options.queued?.() })).flatMap((d) => d.differences);
  const still = new Set(again.filter((d) => d.kind === 'unscheduled').flatMap((d) => d.contacts.map((id) => `${d.scenario}|${id}`)));
  return first.flatMap((d) => {
    if (d.kind !== 'unscheduled') return [d];
    const contacts = d.contacts.filter((id) => still.has(`${d.scenario}|${id}`));
    if (contacts.length === d.contacts.length) return [d];
    return contacts.length ? [{ ...d, contacts, what: `${contacts.length} of them still so after a second look: ${d.what}` }] : [];
  });
}
