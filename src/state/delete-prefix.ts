import type { Redis } from 'ioredis';
import { slotOwner } from './cluster.js';
import type { Keys } from './keys.js';

/** Deletes every key under a prefix (the demo's scratch state, a test's keys), in batches. */
export async function deletePrefix(redis: Redis, keys: Keys): Promise<void> {
  // On a Cluster, SCAN sees one node: the one holding the prefix's hash tag.
  const node = await slotOwner(redis, keys.scenarios());
  let cursor = '0';
  do {
    const [next, found] = await node.scan(cursor, 'MATCH', keys.all(), 'COUNT', 1000);
    cursor = next;
    if (found.length) await redis.unlink(...found);
  } while (cursor !== '0');
}
