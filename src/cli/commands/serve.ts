import { pino } from 'pino';
import { startServer } from '../../serve/start.js';
import { withState } from '../state.js';
import { watchRedisOrExit } from '../watch-redis.js';

/**
 * `relance serve`: the HTTP server (tracking, unsubscribe, forms, API, health, metrics) until
 * SIGTERM. Start as many as you like behind a load balancer: they share nothing but Redis.
 * Prints one JSON line `{"listening":"http://…"}` on stdout once it accepts connections.
 */
export async function serve(options: { port?: string; host?: string }): Promise<void> {
  const log = pino({ name: 'relance-serve', base: { pid: process.pid } });
  await withState(async ({ redis, keys }) => {
    const watch = watchRedisOrExit(redis, log);
    const { app, url } = await startServer({ redis, keys, log, port: options.port === undefined ? undefined : Number(options.port), host: options.host });
    process.stdout.write(`${JSON.stringify({ listening: url })}\n`);
    await new Promise<void>((resolve) => {
      process.once('SIGTERM', resolve);
      process.once('SIGINT', resolve);
    });
    log.info('stopping: answering the requests in progress');
    await app.close();
    watch.stop();
  });
}
