import type { Redis } from 'ioredis';
import type { Socket } from 'node:net';

interface Queued {
  run(): Promise<unknown>;
  resolve(value: unknown): void;
  reject(reason: unknown): void;
}

const queues = new WeakMap<Redis, Queued[]>();

/**
 * Sends a command together with every other command coalesced on this connection in the same
 * turn of the event loop: the socket is corked while they are written, so a worker's per-send
 * checks and outcome records, from many sends at once, cost one write (and one read on Redis's
 * side) instead of one each. Each caller gets its own reply or error, as with the command alone.
 */
export function coalesced<T>(redis: Redis, run: () => Promise<T>): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    let queue = queues.get(redis);
    if (!queue) {
      queues.set(redis, (queue = []));
      setImmediate(() => flush(redis));
    }
    queue.push({ run, resolve: resolve as (value: unknown) => void, reject });
  });
}

function flush(redis: Redis): void {
  const items = queues.get(redis) ?? [];
  queues.delete(redis);
  const socket = (redis as unknown as { stream?: Socket }).stream;
  const cork = items.length > 1 && socket?.writable === true;
  if (cork) socket.cork();
  try {
    for (const item of items) item.run().then(item.resolve, item.reject);
  } finally {
    if (cork) socket.uncork();
  }
}
