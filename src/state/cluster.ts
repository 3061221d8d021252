import { Cluster, type Redis, type RedisOptions } from 'ioredis';
import { RedisConfigError, reconnectBackoff, reconnectDelay } from './redis-config.js';
import { RedisUnavailableError, redactUrl, redisOptions, refuseEviction } from './redis.js';

/*
 * Redis Cluster: `REDIS_CLUSTER_NODES=host:port,host:port,…` (a few masters are enough: the client
 * discovers the rest). An entry may be a URL, `redis://user:pass@host:port` or `rediss://…`: the
 * first URL's credentials and TLS apply to every node, since nodes found through CLUSTER SLOTS
 * inherit only the shared options.
 *
 * Every relance key and BullMQ's prefix share one hash tag (`{relance}`, keys.ts), so all of
 * them live in one slot on one master: scripts and MULTI never cross slots. A cluster gives
 * failover, not write scaling (DESIGN.md, Capacity).
 *
 * The engine types its client as ioredis `Redis`. A `Cluster` answers every call it makes with
 * the same signature (keyed commands, defineCommand/EVALSHA, MULTI, pipeline, quit, duplicate,
 * BullMQ's connection), routed by key to the slot's master, so `connectCluster` hands it out as
 * `Redis` (the one cast). The exceptions are keyless commands, which a Cluster sends to a random
 * node: SCAN goes through `slotOwner` (delete-prefix, doctor), and CONFIG is checked on each
 * master here.
 */

export interface ClusterSpec {
  nodes: Array<{ host: string; port: number }>;
  /** Shared by every node: credentials and TLS from the first URL entry. */
  options: Pick<RedisOptions, 'username' | 'password' | 'tls'>;
}

/** Parses `REDIS_CLUSTER_NODES`; undefined when unset or empty. */
export function parseClusterNodes(spec: string | undefined): ClusterSpec | undefined {
  const entries = (spec ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  if (!entries.length) return undefined;
  const out: ClusterSpec = { nodes: [], options: {} };
  for (const entry of entries) {
    const text = /^[a-z][a-z0-9+.-]*:\/\//i.test(entry) ? entry : `redis://${entry}`;
    const url = URL.canParse(text) ? new URL(text) : undefined;
    if (!url || (url.protocol !== 'redis:' && url.protocol !== 'rediss:') || !url.hostname) throw new RedisConfigError(`REDIS_CLUSTER_NODES: "${redactUrl(entry)}" is not host:port, redis://… or rediss://…`);
    out.nodes.push({ host: url.hostname.replace(/^\[|\]$/g, ''), port: Number(url.port || 6379) });
    if (out.options.password === undefined && url.password) {
      out.options.password = decodeURIComponent(url.password);
      if (url.username) out.options.username = decodeURIComponent(url.username);
    }
    if (url.protocol === 'rediss:') out.options.tls ??= {};
  }
  return out;
}

/**
 * Connects to a Redis Cluster, waits for its slot map, and refuses it if any master evicts keys.
 * The result is typed `Redis` for the engine (see above); its `isCluster` is true.
 */
export async function connectCluster(spec: ClusterSpec, env: NodeJS.ProcessEnv = process.env): Promise<Redis> {
  const backoff = reconnectBackoff(env);
  let connected = false;
  const cluster = new Cluster(spec.nodes, {
    lazyConnect: true,
    enableReadyCheck: true,
    // The standalone options (fail fast, never resend a script whose reply was lost); ioredis
    // forces its own retry and offline queue on the node connections.
    redisOptions: { ...redisOptions(env), ...spec.options },
    // The first connection fails at once, as for a single Redis; later, reconnect with back-off.
    clusterRetryStrategy: (times) => (connected ? reconnectDelay(times, backoff) : null),
  });
  let cause: Error | undefined;
  cluster.on('error', (err: Error) => { cause ??= err; });
  const where = spec.nodes.map((n) => `${n.host}:${n.port}`).join(',');
  try {
    await cluster.connect();
  } catch (err) {
    cluster.disconnect();
    throw new RedisUnavailableError(`cannot connect to the Redis Cluster at ${where}: ${(cause ?? (err as Error)).message}`);
  }
  connected = true;
  try {
    for (const master of cluster.nodes('master')) await refuseEviction(master);
  } catch (err) {
    cluster.disconnect();
    throw err;
  }
  return cluster as unknown as Redis;
}

/**
 * The connection that holds `key`'s slot: the client itself on a single Redis, the slot's
 * master on a Cluster. Keyless commands (SCAN) must go there to see relance's keys.
 */
export async function slotOwner(redis: Redis, key: string): Promise<Redis> {
  if (!redis.isCluster) return redis;
  const cluster = redis as unknown as Cluster;
  const slot = (await cluster.cluster('KEYSLOT', key)) as number;
  const owner = cluster.slots[slot]?.[0];
  const node = cluster.nodes('master').find((n) => `${n.options.host}:${n.options.port}` === owner);
  if (!node) throw new RedisUnavailableError(`no master of the Redis Cluster holds slot ${slot} (${key}); the cluster is resharding or down`);
  return node;
}
