import { pino } from 'pino';
import { startRuntime } from '../../execute/runtime.js';
import { workerConnection } from '../../state/redis.js';
import { withState } from '../state.js';
import { watchRedisOrExit } from '../watch-redis.js';

/** How long a SIGTERM waits for the batches in progress (a supervisor's grace is often 30 s). */
const STOP_SECONDS = 15;

/**
 * `relance worker`: runs scheduled work until SIGTERM. Start as many as you like, on as many
 * machines as you like, against the same Redis: one of them sweeps at a time (a lock), all run.
 * It rides out Redis restarts, and exits (69) when Redis stays away too long.
 */
export async function worker(options: { concurrency: string; sweep: boolean }): Promise<void> {
  const log = pino({ name: 'relance-worker', base: { pid: process.pid } });
  await withState(async ({ redis, keys }) => {
    const workerRedis = workerConnection(redis);
    const watch = watchRedisOrExit(redis, log);
    const runtime = startRuntime({ redis, workerRedis, keys, log, concurrency: Number(options.concurrency), sweep: options.sweep });
    await new Promise<void>((resolve) => {
      process.once('SIGTERM', resolve);
      process.once('SIGINT', resolve);
    });
    log.info('stopping: finishing the batches in progress');
    // Still watched: a stop stuck on a dead Redis ends in the exit above. A stop stuck on a live
    // one (BullMQ's close can wait forever after a Redis restart) ends after STOP_SECONDS: the
    // batches left are the sweeper's, as after a crash, and their sends are never made twice.
    let timer: NodeJS.Timeout | undefined;
    const stopped = await Promise.race([
      runtime.stop().then(() => true),
      new Promise<false>((resolve) => { timer = setTimeout(() => resolve(false), STOP_SECONDS * 1000); }),
    ]).finally(() => clearTimeout(timer));
    watch.stop();
    workerRedis.disconnect();
    if (!stopped) {
      log.warn({ seconds: STOP_SECONDS }, 'stopped without waiting longer for the batches in progress: the sweeper settles them');
      process.exit(0); // what did not close would keep the process alive
    }
  });
}
