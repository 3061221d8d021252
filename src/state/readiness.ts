import type { Redis } from 'ioredis';

export interface Readiness {
  ready: boolean;
  /** ioredis's connection status: `ready` when connected, `reconnecting`, `connecting`, `end`… */
  status: string;
  /** PING's round trip, when it answered. */
  pingMs?: number;
  /** Why not ready. */
  error?: string;
}

/**
 * Whether this process can use Redis right now: its connection is up and PING answers in time.
 * Cheap enough to poll every second; `/readyz` and `relance health` answer from it.
 */
export async function readiness(redis: Redis, { timeoutMs = 2_000 }: { timeoutMs?: number } = {}): Promise<Readiness> {
  const status = redis.status;
  if (status !== 'ready') return { ready: false, status, error: `connection ${status}` };
  const started = performance.now();
  let timer: NodeJS.Timeout | undefined;
  try {
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`PING did not answer within ${timeoutMs} ms`)), timeoutMs);
    });
    await Promise.race([redis.ping(), timeout]);
    return { ready: true, status, pingMs: Math.round((performance.now() - started) * 100) / 100 };
  } catch (err) {
    return { ready: false, status: redis.status, error: (err as Error).message };
  } finally {
    clearTimeout(timer);
  }
}

/** This Redis's replication role (`master`, `slave`), or nothing when INFO is not allowed (ACL). */
export async function roleOf(redis: Redis): Promise<string | undefined> {
  try {
    return /^role:(\w+)/m.exec(await redis.info('replication'))?.[1];
  } catch {
    return undefined; // INFO may be forbidden (ACL): nothing to say then
  }
}
