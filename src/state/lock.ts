import { randomUUID } from 'node:crypto';
import { hostname, userInfo } from 'node:os';
import type { Redis } from 'ioredis';
import { RelanceError } from '../errors.js';
import type { Keys } from './keys.js';
import { runScript } from './scripts.js';

export class LockHeldError extends RelanceError {
  override readonly code = 'LOCK_HELD';
  override readonly exitCode = 75;
  constructor(readonly holder: LockHolder) {
    super(`another apply holds the lock: ${holder.who} (pid ${holder.pid}), ${holder.command}, since ${holder.since}; try again when it is done`);
  }
}

export interface LockHolder {
  who: string;
  pid: number;
  command: string;
  since: string;
}

export interface Lock {
  holder: LockHolder;
  /** Extends the lock now; false when it was lost (it expired, during a Redis outage say): stop acting as its holder. */
  renew(): Promise<boolean>;
  release(): Promise<void>;
}

const TTL_MS = 30_000;

/** Who is acting: CI's actor when there is one, else user@host. */
export function actor(): string {
  return process.env.RELANCE_ACTOR ?? process.env.GITHUB_ACTOR ?? `${safeUser()}@${hostname()}`;
}

function safeUser(): string {
  try { return userInfo().username; } catch { return 'unknown'; }
}

/**
 * Takes a named lock (SET NX with a TTL, renewed while held) that says who holds it, so a
 * second apply can say who is in the way. A crashed holder's lock expires by itself.
 */
export async function acquireLock(redis: Redis, keys: Keys, name: string, command: string): Promise<Lock> {
  const token = randomUUID();
  const holder: LockHolder = { who: actor(), pid: process.pid, command, since: new Date().toISOString() };
  const key = keys.lock(name);
  const ok = await redis.set(key, `${token} ${JSON.stringify(holder)}`, 'PX', TTL_MS, 'NX');
  if (ok !== 'OK') {
    const value = (await redis.get(key)) ?? '';
    let current: LockHolder = { who: 'unknown', pid: 0, command: 'unknown', since: 'unknown' };
    try { current = JSON.parse(value.slice(value.indexOf(' ') + 1)) as LockHolder; } catch { /* expired meanwhile */ }
    throw new LockHeldError(current);
  }
  const timer = setInterval(() => { void runScript(redis, 'extend-lock', [key], [token, TTL_MS]).catch(() => undefined); }, TTL_MS / 3);
  timer.unref();
  return {
    holder,
    renew: async () => (await runScript<number>(redis, 'extend-lock', [key], [token, TTL_MS])) === 1,
    release: async () => {
      clearInterval(timer);
      await runScript(redis, 'release-lock', [key], [token]);
    },
  };
}
