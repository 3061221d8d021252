import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Keys } from '../state/keys.js';

export const QUEUE_NAME = 'steps';

/** One BullMQ job: contacts of one scenario due in one minute, run together by a worker. */
export interface BatchJob {
  scenario: string;
  minute: number;
  ids: string[];
}

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

/** Contact ids in jobs not yet finished, by scenario (the doctor counts them as scheduled). */
export async function queuedIds(queue: Queue<BatchJob>): Promise<Map<string, Set<string>>> {
  const out = new Map<string, Set<string>>();
  const jobs = await queue.getJobs(['waiting', 'active', 'delayed', 'prioritized', 'waiting-children']);
  for (const job of jobs) {
    if (!job?.data) continue;
    let ids = out.get(job.data.scenario);
    if (!ids) out.set(job.data.scenario, (ids = new Set()));
    for (const id of job.data.ids) ids.add(id);
  }
  return out;
}
