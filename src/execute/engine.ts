import { Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import { LockHeldError, acquireLock, type Lock } from '../state/lock.js';
import { stepsQueue, QUEUE_NAME, type BatchJob } from '../schedule/queue.js';
import { nextDue } from '../enroll/due.js';
import { sweepOnce } from '../schedule/sweep.js';
import type { VirtualClock } from '../time/clock.js';
import { processBatch, type BatchStats, type EngineDeps } from './process-batch.js';

export interface EngineOptions extends EngineDeps {
  /** A second connection for the BullMQ worker (its blocking reads need one of their own). */
  workerRedis: Redis;
  concurrency?: number;
  onBatch?: (stats: BatchStats, job: BatchJob) => void;
}

/**
 * The execution engine of one process: a BullMQ worker running due batches, and, when this
 * process is the leader, the sweep that feeds it. Several processes on several machines share
 * the work; the sweep lock makes sure only one sweeps at a time.
 */
export class Engine {
  readonly queue;
  private worker: Worker<BatchJob, BatchStats> | undefined;
  private sweepLock: Lock | undefined;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly deps: EngineOptions) {
    this.queue = stepsQueue(deps.redis, deps.keys);
  }

  startWorker(): void {
    this.worker = new Worker<BatchJob, BatchStats>(QUEUE_NAME, async (job: Job<BatchJob>) => {
      const stats = await processBatch(this.deps, job.data);
      this.deps.onBatch?.(stats, job.data);
      return stats;
    }, { connection: this.deps.workerRedis, prefix: this.deps.keys.bullPrefix(), concurrency: this.deps.concurrency ?? 4 });
    this.worker.on('failed', (job, err) => this.deps.log?.error({ err, job: job?.id }, 'batch failed; BullMQ retries it'));
  }

  /** Sweeps every `intervalMs` while this process holds the sweep lock (single leader). */
  startSweeper(intervalMs = 1000): void {
    const tick = async () => {
      try {
        if (!this.sweepLock) this.sweepLock = await acquireLock(this.deps.redis, this.deps.keys, 'sweep', `sweep ${this.deps.workerId}`);
        await sweepOnce(this.deps.redis, this.deps.keys, this.queue, this.deps.clock.now());
      } catch (err) {
        if (!(err instanceof LockHeldError)) this.deps.log?.error({ err }, 'sweep failed');
      }
      this.timer = setTimeout(() => void tick(), intervalMs);
    };
    void tick();
  }

  async stop(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    await this.worker?.close();
    await this.sweepLock?.release().catch(() => undefined);
    await this.queue.close();
  }

  /**
   * Drives the engine on a virtual clock: sweep what is due, let the workers drain it, jump the
   * clock to the next due time, and so on until nothing is due before `until`. Used by `demo`,
   * `simulate`-style runs and tests; the real service uses `startSweeper`.
   */
  async runUntil(clock: VirtualClock, until: Date, external: { onTick?: (now: Date) => Promise<void>; next?: () => number | undefined } = {}): Promise<void> {
    for (;;) {
      await external.onTick?.(clock.now());
      const queued = await sweepOnce(this.deps.redis, this.deps.keys, this.queue, clock.now(), { maxJobs: 10_000 });
      if (queued > 0) {
        await this.drained();
        continue;
      }
      // Jump to whatever happens first: due work, or an outside event (a reply, a click).
      const due = await nextDue(this.deps.redis, this.deps.keys);
      const candidates = [due === undefined ? undefined : due * 1000, external.next?.()].filter((t): t is number => t !== undefined);
      if (candidates.length === 0) break;
      const next = Math.min(...candidates);
      if (next > until.getTime()) break;
      if (next > clock.now().getTime()) clock.set(new Date(next));
      else if (due !== undefined && due * 1000 <= clock.now().getTime()) {
        // Due now but nothing was queued: the bucket belongs to a paused scenario. Skip past it.
        if (external.next?.() === undefined) break;
        clock.set(new Date(Math.max(clock.now().getTime() + 60_000, external.next()!)));
      }
    }
  }

  private async drained(): Promise<void> {
    for (;;) {
      const counts = await this.queue.getJobCounts('waiting', 'active', 'delayed', 'prioritized', 'waiting-children');
      if (Object.values(counts).every((n) => n === 0)) return;
      await new Promise((r) => setTimeout(r, 2));
    }
  }
}
