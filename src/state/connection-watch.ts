import type { Redis } from 'ioredis';
import { RelanceError } from '../errors.js';
import { readiness } from './readiness.js';

/** Redis stayed unreachable for longer than the process is allowed to wait for it. */
export class RedisDownError extends RelanceError {
  override readonly code = 'REDIS_DOWN';
  override readonly exitCode = 69; // EX_UNAVAILABLE, like RedisUnavailableError at startup
}

export interface WatchLog {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
}

export interface ConnectionWatchOptions {
  log: WatchLog;
  /** Give up after this long without Redis; 0 never gives up. */
  downExitSeconds: number;
  /** Called once, when Redis has been unreachable for `downExitSeconds`; the watch stops then. */
  onGiveUp(err: RedisDownError): void;
  intervalMs?: number;
}

export interface ConnectionWatch {
  /** Since when Redis has been unreachable (epoch ms), if it is. */
  downSince(): number | undefined;
  stop(): void;
}

/**
 * Watches a long-running process's Redis connection: a readiness check every second. It logs
 * once when Redis becomes unreachable and once when it is back (the client reconnects by
 * itself meanwhile), and gives up after `downExitSeconds` so that a supervisor restarts the
 * process: a worker that cannot reach Redis sends nothing, and should not look alive.
 */
export function watchConnection(redis: Redis, options: ConnectionWatchOptions): ConnectionWatch {
  const intervalMs = options.intervalMs ?? 1_000;
  let since: number | undefined;
  let lastError: string | undefined;
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  // The client's own errors say why (ECONNREFUSED, a TLS failure…); a refused command says less.
  const onError = (err: Error) => { lastError = err.message; };
  redis.on('error', onError);

  const stop = () => {
    stopped = true;
    clearTimeout(timer);
    redis.off('error', onError);
  };

  const tick = async () => {
    // A Redis busy with a long script may answer PING late: only a really silent one counts as down.
    const state = await readiness(redis, { timeoutMs: Math.max(2_000, 2 * intervalMs) });
    if (stopped) return;
    const now = Date.now();
    if (state.ready) {
      if (since !== undefined) options.log.info({ downSeconds: round((now - since) / 1000) }, 'Redis is reachable again; resuming');
      since = undefined;
      lastError = undefined;
    } else {
      if (since === undefined) {
        since = now;
        options.log.warn({ status: state.status, err: lastError ?? state.error, exitAfterSeconds: options.downExitSeconds || null },
          options.downExitSeconds > 0
            ? `Redis is unreachable; reconnecting, and exiting if it is still unreachable in ${options.downExitSeconds} s`
            : 'Redis is unreachable; reconnecting');
      }
      const down = (now - since) / 1000;
      if (options.downExitSeconds > 0 && down >= options.downExitSeconds) {
        stop();
        options.onGiveUp(new RedisDownError(`Redis has been unreachable for ${round(down)} s (${lastError ?? state.error}); giving up after RELANCE_REDIS_DOWN_EXIT_SECONDS=${options.downExitSeconds} so that a supervisor restarts this process`));
        return;
      }
    }
    timer = setTimeout(() => void tick(), intervalMs);
    timer.unref(); // the watch alone never keeps a process alive
  };
  void tick();
  return { downSince: () => since, stop };
}

function round(n: number): number {
  return Math.round(n * 10) / 10;
}

/** Whether an error only says that Redis cannot be reached (reported by the watch, not per command). */
export function isConnectionError(err: Error & { code?: string }): boolean {
  return ['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EHOSTUNREACH'].includes(err.code ?? '')
    || /Connection is closed|Stream isn't writeable|max retries per request/i.test(err.message);
}
