import type { FastifyInstance } from 'fastify';
import type { Redis } from 'ioredis';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { nextDue } from '../enroll/due.js';
import { readCountsHash } from '../enroll/read.js';
import { stepsQueue } from '../schedule/queue.js';
import type { Keys } from '../state/keys.js';
import type { ServeDeps } from './deps.js';

/** A scrape must not outlast Prometheus's scrape timeout (10 s by default) nor pile up on a slow Redis. */
const SCRAPE_BUDGET_MS = 1_500;
const QUEUE_STATES = ['waiting', 'active', 'delayed', 'failed'] as const;
/** The app's metrics, decorated on the root instance under this symbol (see countEvent). */
const METRICS = Symbol.for('relance.serve.metrics');

export interface ServeMetrics {
  registry: Registry;
  httpEvents: Counter<'type' | 'bot'>;
}

/**
 * GET /metrics (Prometheus text): the process's default metrics, HTTP request durations, what
 * this server recorded (relance_http_events_total), and gauges read from Redis at scrape time
 * with cheap commands only. A registry of the app's own: several apps can live in one process.
 * Registered without encapsulation (skip-override) so that its onResponse hook times every
 * route of the app, the other plugins' and the not-found handler included.
 */
export async function metricsRoutes(app: FastifyInstance, deps: ServeDeps): Promise<void> {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const metrics: ServeMetrics = {
    registry,
    httpEvents: new Counter({ name: 'relance_http_events_total', help: 'Events this server recorded (opens, clicks, unsubscribes, forms…), by type and whether a bot or a link scanner made them', labelNames: ['type', 'bot'], registers: [registry] }),
  };
  app.decorate(METRICS, metrics);

  const duration = new Histogram({
    name: 'relance_http_request_duration_seconds',
    help: 'HTTP requests by method, route pattern and status code',
    labelNames: ['method', 'route', 'status_code'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });
  app.addHook('onResponse', (request, reply, done) => {
    // The pattern (`/t/:token`), never the URL: tokens and addresses must not become label values.
    const route = request.routeOptions.url ?? 'unmatched';
    duration.observe({ method: request.method, route, status_code: String(reply.statusCode) }, reply.elapsedTime / 1000);
    done();
  });

  const gauges = redisGauges(registry);
  const queue = stepsQueue(deps.redis, deps.keys);
  queue.on('error', () => undefined); // an outage shows as relance_redis_up 0, not as a crash
  app.addHook('onClose', async () => { await queue.close(); }); // a shared connection: BullMQ leaves it open

  app.get('/metrics', { schema: { response: { 200: { type: 'string' } } } }, async (_request, reply) => {
    const snapshot = await withBudget(readSnapshot(deps.redis, deps.keys, () => deps.clock.now(), () => queue.getJobCounts(...QUEUE_STATES)));
    gauges.apply(snapshot);
    return reply.type(registry.contentType).send(await registry.metrics());
  });
}
(metricsRoutes as unknown as Record<symbol, boolean>)[Symbol.for('skip-override')] = true;

/**
 * Counts `n` events (default 1) this server recorded: `countEvent(request.server, 'opened', isBot)`.
 * A no-op in an app without the metrics plugin (a route family tested on its own).
 */
export function countEvent(app: FastifyInstance, type: string, bot: boolean, n = 1): void {
  const metrics = (app as unknown as Record<symbol, ServeMetrics | undefined>)[METRICS];
  // Types come from code, but a label value must never come from a request: cap the vocabulary.
  metrics?.httpEvents.inc({ type: /^[a-z][a-z-]{0,31}$/.test(type) ? type : 'other', bot: bot ? 'true' : 'false' }, n);
}

interface Snapshot {
  queue: Record<string, number>;
  sweepLagSeconds: number;
  sends: number;
  contacts: Array<{ scenario: string; status: string; count: number }>;
  eventLog: Array<{ scenario: string; entries: number }>;
}

/** One read of Redis: SMEMBERS, ZRANGE 0 0, and per scenario HLEN, XLEN and its counts hash. */
async function readSnapshot(redis: Redis, keys: Keys, now: () => Date, jobCounts: () => Promise<Record<string, number>>): Promise<Snapshot> {
  const [names, first, queue] = await Promise.all([redis.smembers(keys.scenarios()), nextDue(redis, keys), jobCounts()]);
  const nowS = Math.floor(now().getTime() / 1000);
  const per = await Promise.all(names.map(async (scenario) => {
    const [sends, entries, counts] = await Promise.all([redis.hlen(keys.ledger(scenario)), redis.xlen(keys.events(scenario)), readCountsHash(redis, keys, scenario)]);
    return { scenario, sends, entries, byStatus: byStatus(counts) };
  }));
  return {
    queue,
    sweepLagSeconds: first !== undefined && first < nowS ? nowS - first : 0,
    sends: per.reduce((sum, s) => sum + s.sends, 0),
    contacts: per.flatMap((s) => [...s.byStatus].map(([status, count]) => ({ scenario: s.scenario, status, count }))),
    eventLog: per.map((s) => ({ scenario: s.scenario, entries: s.entries })),
  };
}

/** The counts hash's `version|step|status` fields summed by status (its `_` totals skipped). */
function byStatus(hash: Record<string, string>): Map<string, number> {
  const out = new Map<string, number>();
  for (const [field, n] of Object.entries(hash)) {
    if (field.startsWith('_')) continue;
    const status = field.slice(field.lastIndexOf('|') + 1);
    out.set(status, (out.get(status) ?? 0) + Number(n));
  }
  return out;
}

/** undefined when Redis did not answer in time or failed: the gauges then say nothing stale. */
async function withBudget<T>(work: Promise<T>): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<undefined>((resolve) => { timer = setTimeout(() => resolve(undefined), SCRAPE_BUDGET_MS); });
  try {
    return await Promise.race([work.catch(() => undefined), late]);
  } finally {
    clearTimeout(timer);
  }
}

function redisGauges(registry: Registry) {
  const up = new Gauge({ name: 'relance_redis_up', help: '1 when this scrape read Redis in time, else 0 (the other gauges read from Redis are then 0 or absent)', registers: [registry] });
  const queue = new Gauge({ name: 'relance_queue_jobs', help: 'Jobs (batches of due contacts) in the BullMQ queue, by state', labelNames: ['state'], registers: [registry] });
  const lag = new Gauge({ name: 'relance_sweep_lag_seconds', help: 'How long the oldest due bucket has been due (0: the sweep is up to date)', registers: [registry] });
  const sends = new Gauge({ name: 'relance_sends_total', help: 'Send ledger entries of every scenario: sends reserved, sent, failed or unknown (one per email step visit)', registers: [registry] });
  const contacts = new Gauge({ name: 'relance_contacts', help: 'Enrollments by scenario and status, from the counters', labelNames: ['scenario', 'status'], registers: [registry] });
  const eventLog = new Gauge({ name: 'relance_event_log_entries', help: 'Entries in the scenario event log (a stream trimmed by age: not a counter)', labelNames: ['scenario'], registers: [registry] });
  const redisOnes = [queue, lag, sends, contacts, eventLog];
  return {
    apply(s: Snapshot | undefined): void {
      for (const g of redisOnes) g.reset(); // an archived scenario's series must not linger
      up.set(s ? 1 : 0);
      if (!s) return;
      for (const state of QUEUE_STATES) queue.set({ state }, s.queue[state] ?? 0);
      lag.set(s.sweepLagSeconds);
      sends.set(s.sends);
      for (const c of s.contacts) contacts.set({ scenario: c.scenario, status: c.status }, c.count);
      for (const e of s.eventLog) eventLog.set({ scenario: e.scenario }, e.entries);
    },
  };
}
