import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { dueBuckets, readBucket, trimBucket } from '../enroll/due.js';
import type { Keys } from '../state/keys.js';
import type { BatchJob } from './queue.js';

export interface SweepOptions {
  /** Contacts per BullMQ job: one job per contact would cap throughput at BullMQ's job rate. */
  batchSize?: number;
  /** Most jobs queued per sweep, so one sweep stays short and the queue does not balloon. */
  maxJobs?: number;
}

/**
 * Moves due work from the compact per-minute buckets into BullMQ, in batches. Run by a single
 * leader (the caller holds the `sweep` lock). Paused scenarios' buckets are left where they are.
 * Returns the number of jobs queued.
 */
export async function sweepOnce(redis: Redis, keys: Keys, queue: Queue<BatchJob>, now: Date, options: SweepOptions = {}): Promise<number> {
  const batchSize = options.batchSize ?? 100;
  const maxJobs = options.maxJobs ?? 2000;
  const buckets = await dueBuckets(redis, keys, Math.floor(now.getTime() / 1000));
  const states = new Map<string, string | null>();
  let queued = 0;
  for (const bucket of buckets) {
    if (queued >= maxJobs) break;
    const { scenario, minute } = bucket;
    if (!states.has(scenario)) states.set(scenario, await redis.hget(keys.scenario(scenario), 'state'));
    const state = states.get(scenario);
    if (state === 'paused') continue;
    const ids = await readBucket(redis, keys, bucket, Math.min(batchSize * (maxJobs - queued), 50_000));
    if (state !== 'running' && state !== 'scheduled') {
      // Archived or unknown: nothing in the bucket will ever run.
      await trimBucket(redis, keys, bucket, ids.length);
      continue;
    }
    const jobs: Array<{ name: string; data: BatchJob }> = [];
    for (let i = 0; i < ids.length; i += batchSize) {
      // No custom job id: the same contacts may rightly be queued again in the same minute (a
      // wake, a resume). A sweep that crashed before trimming re-queues a batch; running it twice
      // is harmless (the commit compares and sets, the ledger refuses a second send).
      jobs.push({ name: 'batch', data: { scenario, minute, ids: ids.slice(i, i + batchSize) } });
    }
    if (jobs.length) await queue.addBulk(jobs);
    await trimBucket(redis, keys, bucket, ids.length);
    queued += jobs.length;
  }
  return queued;
}
