import { pino } from 'pino';
import { startRuntime } from '../../execute/runtime.js';
import { workerConnection } from '../../state/redis.js';
import { withState } from '../state.js';
import { watchRedisOrExit } from '../watch-redis.js';

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
    await runtime.stop(); // still watched: a stop stuck on a dead Redis ends in the exit above
    watch.stop();
    workerRedis.disconnect();
  });
}
