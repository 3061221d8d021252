import { Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import { LockHeldError, acquireLock, type Lock } from '../state/lock.js';
import { stepsQueue, QUEUE_NAME, type BatchJob } from '../schedule/queue.js';
import { nextDue, requeue } from '../enroll/due.js';
import { isConnectionError } from '../state/connection-watch.js';
import { sweepOnce } from '../schedule/sweep.js';
import { collectReservations, deadWorkers } from './collect-reservations.js';
import type { VirtualClock } from '../time/clock.js';
import { WORKER_TIMEOUT_S, heartbeat } from './ledger.js';
import { processBatch, type BatchStats, type EngineDeps } from './process-batch.js';

/** How long a batch's BullMQ lock lasts without renewal (RELANCE_JOB_LOCK_SECONDS). */
const JOB_LOCK_S = Number(process.env.RELANCE_JOB_LOCK_SECONDS ?? 10);
/** How often BullMQ looks for batches whose worker died (RELANCE_STALLED_CHECK_SECONDS). */
const STALLED_CHECK_S = Number(process.env.RELANCE_STALLED_CHECK_SECONDS ?? 5);

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
  private beating: NodeJS.Timeout | undefined;

  constructor(private readonly deps: EngineOptions) {
    this.queue = stepsQueue(deps.redis, deps.keys);
  }

  startWorker(): void {
    // Alive, on Redis's clock: reservations of a worker that stops beating are free for others.
    const beat = () => void heartbeat(this.deps.redis, this.deps.keys, this.deps.workerId).catch(() => undefined);
    beat();
    this.beating = setInterval(beat, (WORKER_TIMEOUT_S * 1000) / 4);
    this.beating.unref();
    this.worker = new Worker<BatchJob, BatchStats>(QUEUE_NAME, async (job: Job<BatchJob>) => {
      const stats = await processBatch(this.deps, job.data);
      this.deps.onBatch?.(stats, job.data);
      return stats;
    }, {
      connection: this.deps.workerRedis, prefix: this.deps.keys.bullPrefix(), concurrency: this.deps.concurrency ?? 4,
      // A crashed worker's batches go back to the queue within JOB_LOCK_S + STALLED_CHECK_S
      // (BullMQ's defaults, 30 s each, would leave them a minute).
      lockDuration: JOB_LOCK_S * 1000, stalledInterval: STALLED_CHECK_S * 1000,
      // A batch whose worker died is run again however often that happens: running one twice is
      // harmless (the commit compares and sets, the ledger refuses a second send), dropping it is not.
      maxStalledCount: Number.MAX_SAFE_INTEGER,
    });
    // BullMQ reports its connections' reconnection attempts here: the outage is logged once, by the watch.
    this.worker.on('error', (err) => { if (!isConnectionError(err)) this.deps.log?.error({ err }, 'worker error'); });
    this.worker.on('failed', (job, err) => {
      if (!job) return;
      if (job.attemptsMade < (job.opts.attempts ?? 1)) {
        this.deps.log?.error({ err, job: job.id }, 'batch failed; BullMQ retries it');
        return;
      }
      // Out of retries (Redis away too long, say): its contacts go back to their bucket, never lost.
      this.deps.log?.error({ err, job: job.id, scenario: job.data.scenario, contacts: job.data.ids.length }, 'batch failed for good; its contacts are due again');
      void requeue(this.deps.redis, this.deps.keys, job.data.scenario, job.data.minute, job.data.ids).catch((e: unknown) => this.deps.log?.error({ err: e }, 'could not requeue a failed batch: `relance doctor --fix` will'));
    });
  }

  /** Sweeps every `intervalMs` while this process holds the sweep lock (single leader). */
  startSweeper(intervalMs = 1000): void {
    let failed = 0; // ticks failed in a row: an outage is logged when it starts and once a minute, not every tick
    const tick = async () => {
      try {
        // After failures (a Redis outage) the lock may have expired, and another process taken it.
        if (failed && this.sweepLock && !(await this.sweepLock.renew())) {
          await this.sweepLock.release().catch(() => undefined);
          this.sweepLock = undefined;
        }
        if (!this.sweepLock) this.sweepLock = await acquireLock(this.deps.redis, this.deps.keys, 'sweep', `sweep ${this.deps.workerId}`);
        await sweepOnce(this.deps.redis, this.deps.keys, this.queue, this.deps.clock.now());
        await this.collectIfDue();
        if (failed) this.deps.log?.info({ failedTicks: failed }, 'sweep resumed');
        failed = 0;
      } catch (err) {
        if (err instanceof LockHeldError) failed = 0;
        else if (failed++ % 60 === 0) this.deps.log?.error({ err, failedTicks: failed }, 'sweep failed; retrying every tick');
      }
      this.timer = setTimeout(() => void tick(), intervalMs);
    };
    void tick();
  }

  private lastCheck = 0;
  private lastCollect = Date.now();

  /**
   * The sweeper settles the reservations of batches that are gone (collect-reservations.ts):
   * within 30 s of a worker's death, and every 10 minutes in any case.
   */
  private async collectIfDue(): Promise<void> {
    if (Date.now() - this.lastCheck < 30_000) return;
    this.lastCheck = Date.now();
    const dead = await deadWorkers(this.deps.redis, this.deps.keys);
    if (dead.length === 0 && Date.now() - this.lastCollect < 600_000) return;
    this.lastCollect = Date.now();
    const settled = await collectReservations(this.deps.redis, this.deps.keys, this.deps.clock.now());
    if (dead.length) await this.deps.redis.hdel(this.deps.keys.workers(), ...dead);
    if (settled || dead.length) this.deps.log?.warn({ settled, deadWorkers: dead }, 'settled the send reservations of batches that are gone');
  }

  async stop(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    await this.worker?.close();
    if (this.beating) {
      clearInterval(this.beating);
      await heartbeat(this.deps.redis, this.deps.keys, this.deps.workerId, true).catch(() => undefined);
    }
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
