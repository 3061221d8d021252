import { pino } from 'pino';
import { startRuntime } from '../../execute/runtime.js';
import { parseDuration, durationMs } from '../../time/duration.js';
import { RelanceError, UsageError } from '../../errors.js';
import { reconcileOnce } from '../../run/reconcile.js';
import { startServer } from '../../serve/start.js';
import { workerConnection } from '../../state/redis.js';
import { withState } from '../state.js';
import { watchRedisOrExit } from '../watch-redis.js';

/**
 * `relance run`: the long-running service. Reconciles every `--interval` until SIGTERM/SIGINT,
 * finishing the pass in progress before it exits. Logs are JSON lines (pino) on stdout. Unless
 * `--no-serve` (or `--once`), it is also the HTTP server (`relance serve`, RELANCE_PORT/HOST).
 */
export async function run(paths: string[], options: { interval: string; once?: boolean; pull?: boolean; prune?: boolean; worker: boolean; serve: boolean; concurrency: string }): Promise<void> {
  let intervalMs: number | undefined;
  try { intervalMs = durationMs(parseDuration(options.interval)); } catch { /* reported below */ }
  if (!intervalMs) throw new UsageError(`--interval: "${options.interval}" is not a duration such as 30s, 1m, 5 minutes`);
  const log = pino({ name: 'relance', base: { pid: process.pid } });
  let stopping = false;
  let wake: (() => void) | undefined;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'stopping after the current pass');
    wake?.();
  };
  process.once('SIGTERM', () => stop('SIGTERM'));
  process.once('SIGINT', () => stop('SIGINT'));
  await withState(async ({ redis, keys, source }) => {
    log.info({ paths, interval: options.interval, redis: source, prefix: keys.prefix, once: options.once === true }, 'relance run started');
    // First, so that a port in use fails the start before any work begins.
    const server = options.serve && !options.once ? await listen({ redis, keys, log }) : undefined;
    // One process can be the whole service: reconciler, sweeper and workers (SPEC 6).
    const workerRedis = options.worker && !options.once ? workerConnection(redis) : undefined;
    // A reconcile pass that fails on a Redis outage is retried next interval; an outage longer
    // than RELANCE_REDIS_DOWN_EXIT_SECONDS ends the service (69) for its supervisor to restart.
    const watch = options.once ? undefined : watchRedisOrExit(redis, log);
    const runtime = workerRedis ? startRuntime({ redis, workerRedis, keys, log, concurrency: Number(options.concurrency) }) : undefined;
    while (!stopping) {
      try {
        const outcome = await reconcileOnce(redis, keys, log, { paths, pull: options.pull, prune: options.prune });
        log.info({ outcome }, 'reconciled');
      } catch (err) {
        log.error({ err }, 'reconcile pass failed; retrying next interval');
        if (options.once) throw err;
      }
      if (options.once) break;
      await new Promise<void>((resolve) => { wake = resolve; setTimeout(resolve, intervalMs).unref(); });
    }
    // The server answers the requests in progress while the workers finish their batches.
    await Promise.all([runtime?.stop(), server?.app.close()]);
    watch?.stop();
    workerRedis?.disconnect();
  });
  log.info('relance run stopped');
}

async function listen(options: Parameters<typeof startServer>[0]): Promise<Awaited<ReturnType<typeof startServer>>> {
  try {
    const server = await startServer(options);
    options.log?.info({ listening: server.url }, 'http server listening');
    return server;
  } catch (err) {
    throw new RelanceError(`the HTTP server cannot listen: ${(err as Error).message} (set RELANCE_PORT, or run with --no-serve)`, { cause: err });
  }
}
