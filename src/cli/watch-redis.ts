import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { watchConnection, type ConnectionWatch } from '../state/connection-watch.js';
import { downExitSeconds } from '../state/redis-config.js';

/**
 * For `relance worker` and `relance run`: logs Redis outages, and after
 * RELANCE_REDIS_DOWN_EXIT_SECONDS without Redis exits with code 69 so that a supervisor restarts
 * the process. The exit is immediate: a graceful stop would wait for Redis to finish the batches.
 */
export function watchRedisOrExit(redis: Redis, log: Logger): ConnectionWatch {
  return watchConnection(redis, {
    log,
    downExitSeconds: downExitSeconds(),
    onGiveUp(err) {
      log.fatal({ code: err.code }, err.message);
      process.stderr.write(`relance: ${err.message}\n`);
      process.exit(err.exitCode);
    },
  });
}
