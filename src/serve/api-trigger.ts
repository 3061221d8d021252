import type { Redis } from 'ioredis';
import { enrollOnTrigger } from '../events/triggers.js';
import type { Keys } from '../state/keys.js';
import { readScenarioRecords, readVersion } from '../state/scenario-store.js';
import { rateLimitOf } from '../triggers/index.js';
import { retryAfter } from './rate-limit.js';

const PER_SECONDS = { second: 1, minute: 60, hour: 3600, day: 86400 } as const;

export interface ApiTriggerResult {
  /** Scenarios the contact entered. */
  entered: string[];
  /** Scenarios whose `api` trigger refused the entry for its rate limit, and when its window ends. */
  limited: Array<{ scenario: string; retryAfter: number }>;
}

interface RateWindow {
  scenario: string;
  key: string;
  max: number;
  seconds: number;
}

/**
 * Fires the `api` trigger (SPEC 3.1: 30 entries a minute unless the trigger says otherwise). The
 * limit is the trigger's own, counted in Redis by enrollOnTrigger across every process; it does not
 * say which scenario it refused, so the window counters it keeps are read before and after: a
 * counter that moved past its max, for a scenario not entered, refused this contact.
 * (The key is events/triggers.ts's `rate:<scenario>:<window>`: keep both in step.)
 */
export async function fireApiTrigger(redis: Redis, keys: Keys, contactId: string, email: string, at: Date): Promise<ApiTriggerResult> {
  const windows = await apiWindows(redis, keys, at);
  const before = windows.length > 0 ? await redis.mget(...windows.map((w) => w.key)) : [];
  const entered = await enrollOnTrigger(redis, keys, { type: 'api', email, at }, contactId);
  const after = windows.length > 0 ? await redis.mget(...windows.map((w) => w.key)) : [];
  const limited = windows.flatMap((w, i) => {
    const was = Number(before[i] ?? 0);
    const now = Number(after[i] ?? 0);
    return !entered.includes(w.scenario) && now > was && now > w.max ? [{ scenario: w.scenario, retryAfter: retryAfter(w.seconds, at) }] : [];
  });
  return { entered, limited };
}

/** The rate windows of the running scenarios an `api` trigger enters. */
async function apiWindows(redis: Redis, keys: Keys, at: Date): Promise<RateWindow[]> {
  const out: RateWindow[] = [];
  for (const record of (await readScenarioRecords(redis, keys)).values()) {
    if (record.state !== 'running') continue;
    const version = await readVersion(redis, keys, record.name, record.digest);
    const trigger = version?.scenario.spec.entry.triggers?.find((t) => t.on === 'api');
    const limit = trigger ? rateLimitOf(trigger) : undefined;
    if (!limit) continue;
    const seconds = PER_SECONDS[limit.per];
    const window = Math.floor(at.getTime() / 1000 / seconds);
    out.push({ scenario: record.name, key: keys.scratch(`rate:${record.name}:${window}`), max: limit.max, seconds });
  }
  return out;
}
