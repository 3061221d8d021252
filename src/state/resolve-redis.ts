import { connect } from 'node:net';
import type { Redis } from 'ioredis';
import { startEmbeddedRedis } from './embedded-redis.js';
import { connectCluster, parseClusterNodes } from './cluster.js';
import { RedisConfigError, sentinelsFrom } from './redis-config.js';
import { connectRedis, RedisUnavailableError, UnsafeRedisError } from './redis.js';

export type RedisSource = 'env' | 'local' | 'embedded';

export interface OpenRedisOptions {
  /** The Redis to use; `REDIS_URL` by default. When set, it is used or startup fails. */
  url?: string;
  /** Where an embedded server keeps its files; `.relance/redis` by default. */
  embeddedDir?: string;
  /** The port tried on 127.0.0.1 when no URL is given (tests point it elsewhere). */
  localPort?: number;
  /** False: never start an embedded server (`relance health` checks, it does not start). */
  embedded?: boolean;
}

export interface OpenedRedis {
  redis: Redis;
  url: string;
  source: RedisSource;
  /** Quits the client, and releases the embedded server (the last user stops it). */
  close(): Promise<void>;
}

/**
 * The Redis relance runs on: `REDIS_URL` (or `REDIS_SENTINELS`), else one answering on
 * 127.0.0.1:6379, else an embedded `redis-server` under `.relance/`. Every path goes through
 * `connectRedis`, which refuses a Redis that would evict keys.
 */
export async function openRedis({ url = process.env.REDIS_URL, embeddedDir, localPort = 6379, embedded: startEmbedded = true }: OpenRedisOptions = {}): Promise<OpenedRedis> {
  // A Redis the user named is used or fails: silently running on another Redis would split the state.
  const sentinels = sentinelsFrom();
  // REDIS_CLUSTER_NODES: a Redis Cluster (state/cluster.ts), never mixed with the others.
  const cluster = parseClusterNodes(process.env.REDIS_CLUSTER_NODES);
  if (cluster) {
    if (url || sentinels) throw new RedisConfigError('REDIS_CLUSTER_NODES is set with REDIS_URL or REDIS_SENTINELS: relance runs on one Redis, unset all but one');
    return opened(await connectCluster(cluster), `cluster ${cluster.nodes.map((n) => `${n.host}:${n.port}`).join(',')}`, 'env');
  }
  if (url || sentinels) {
    try {
      return opened(await connectRedis(url ?? ''), url ?? '', 'env');
    } catch (err) {
      if (!(err instanceof RedisUnavailableError)) throw err;
      const unset = sentinels ? 'REDIS_SENTINELS' : 'REDIS_URL';
      throw new RedisUnavailableError(`${err.message}. Check that this Redis runs, or unset ${unset} to let relance use 127.0.0.1:6379 or start its own.`, { cause: err });
    }
  }

  const local = `redis://127.0.0.1:${localPort}`;
  if (await listening(localPort)) {
    // Something answers there, so it is the user's Redis: use it or say why not, never work around it.
    try {
      return opened(await connectRedis(local), local, 'local');
    } catch (err) {
      const hint = ` (REDIS_URL is not set, so relance used the Redis at 127.0.0.1:${localPort}; set REDIS_URL to choose another)`;
      if (err instanceof UnsafeRedisError) throw new UnsafeRedisError(err.message + hint, { cause: err });
      if (err instanceof RedisUnavailableError) throw new RedisUnavailableError(err.message + hint, { cause: err });
      throw err;
    }
  }

  if (!startEmbedded) throw new RedisUnavailableError(`REDIS_URL is not set and no Redis answers at 127.0.0.1:${localPort}`);
  let embedded;
  try {
    embedded = await startEmbeddedRedis({ dir: embeddedDir });
  } catch (err) {
    if (!(err instanceof RedisUnavailableError)) throw err;
    throw new RedisUnavailableError(`REDIS_URL is not set and no Redis answers at 127.0.0.1:${localPort}; ${err.message}`, { cause: err });
  }
  try {
    return opened(await connectRedis(embedded.url), embedded.url, 'embedded', embedded.stop);
  } catch (err) {
    await embedded.stop();
    throw err;
  }
}

function opened(redis: Redis, url: string, source: RedisSource, release?: () => Promise<void>): OpenedRedis {
  return {
    redis, url, source,
    async close() {
      await redis.quit().catch(() => redis.disconnect());
      await release?.();
    },
  };
}

/** Whether anything accepts a TCP connection on 127.0.0.1:port; a local refusal is immediate. */
function listening(port: number, timeoutMs = 500): Promise<boolean> {
  return new Promise((answer) => {
    const socket = connect({ host: '127.0.0.1', port });
    const done = (yes: boolean) => { socket.destroy(); answer(yes); };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}
