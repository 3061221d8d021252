import { hostname } from 'node:os';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { resolveSecret } from '../delivery/tokens.js';
import type { Keys } from '../state/keys.js';
import { systemClock, type Clock } from '../time/clock.js';
import { createTransport, resolveTransportConfig } from '../transports/index.js';
import { templateDeliverer } from './deliverer.js';
import { Engine } from './engine.js';
import { isConnectionError } from '../state/connection-watch.js';
import { httpWebhooks } from './webhook-caller.js';

export interface RuntimeOptions {
  redis: Redis;
  workerRedis: Redis;
  keys: Keys;
  log: Logger;
  concurrency?: number;
  sweep?: boolean;
  clock?: Clock;
  env?: NodeJS.ProcessEnv;
}

/**
 * Starts this process's share of the execution: BullMQ workers, and the sweep when this
 * process wins the leader lock. Transport from SMTP_URL (else the .eml outbox), secret from
 * RELANCE_SECRET (else .relance/secret), public links from RELANCE_PUBLIC_URL.
 */
export function startRuntime(options: RuntimeOptions): { engine: Engine; stop: () => Promise<void> } {
  const env = options.env ?? process.env;
  const clock = options.clock ?? systemClock;
  const transportConfig = resolveTransportConfig(env);
  const transport = createTransport(transportConfig);
  const deliverer = templateDeliverer({ redis: options.redis, keys: options.keys, transport, secret: resolveSecret({ env }), clock, publicUrl: env.RELANCE_PUBLIC_URL, bounceAddress: env.RELANCE_BOUNCE_ADDRESS });
  const workerId = `${hostname()}:${process.pid}`;
  const engine = new Engine({
    redis: options.redis, workerRedis: options.workerRedis, keys: options.keys, clock, deliverer,
    webhooks: httpWebhooks({ env }), log: options.log, workerId, concurrency: options.concurrency,
    onBatch: (stats, job) => { if (stats.processed) options.log.info({ scenario: job.scenario, ...stats }, 'batch done'); },
  });
  // BullMQ re-emits each failed reconnection attempt on the queue and would print it; the
  // connection watch (state/connection-watch.ts) reports outages, once each.
  engine.queue.on('error', (err) => { if (!isConnectionError(err)) options.log.error({ err }, 'queue error'); });
  engine.startWorker();
  if (options.sweep !== false) engine.startSweeper();
  options.log.info({ workerId, transport: transportConfig.kind, concurrency: options.concurrency ?? 4, sweep: options.sweep !== false }, 'engine started');
  return { engine, stop: async () => { await engine.stop(); await transport.close(); } };
}
