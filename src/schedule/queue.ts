import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Keys } from '../state/keys.js';
import type { BatchJob } from '../execute/process-batch.js';

export const QUEUE_NAME = 'steps';

/** The BullMQ queue of due batches, under relance's hash-tagged prefix. */
export function stepsQueue(redis: Redis, keys: Keys): Queue<BatchJob> {
  return new Queue<BatchJob>(QUEUE_NAME, {
    connection: redis,
    prefix: keys.bullPrefix(),
    defaultJobOptions: {
      attempts: 5,
      backoff: { type: 'exponential', delay: 1000 },
      removeOnComplete: { age: 3600, count: 10_000 },
      removeOnFail: { age: 7 * 86400 },
    },
  });
}
