import { afterEach, describe, expect, it } from 'vitest';
import { stepsQueue } from '../../../src/schedule/queue.js';
import { startPrivateRedis } from '../../helpers/private-redis.js';
import { testRedis } from '../../helpers/redis.js';
import { startServe, type ServerProcess } from '../../helpers/serve.js';

// The real `relance serve` process over real HTTP (`npm run build` first).
const servers: ServerProcess[] = [];
afterEach(async () => { await Promise.all(servers.splice(0).map((s) => s.stop())); });

async function serve(...args: Parameters<typeof startServe>): Promise<ServerProcess> {
  const server = await startServe(...args);
  servers.push(server);
  return server;
}

async function until<T>(what: string, probe: () => Promise<T | undefined>, ms = 20_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** One sample's value from Prometheus text, or undefined when the series is absent. */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

describe('relance serve: health, readiness, metrics', () => {
  it('/healthz answers ok with a request id of its own, or the one the proxy gave', async () => {
    const { keys } = testRedis();
    const { url } = await serve(keys);
    const res = await fetch(`${url}/healthz`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await res.json()).toEqual({ status: 'ok' });
    expect(res.headers.get('x-request-id')).toMatch(UUID);
    const again = await fetch(`${url}/healthz`);
    expect(again.headers.get('x-request-id')).not.toBe(res.headers.get('x-request-id'));
    const proxied = await fetch(`${url}/healthz`, { headers: { 'x-request-id': 'from-the-proxy-42' } });
    expect(proxied.headers.get('x-request-id')).toBe('from-the-proxy-42');
  }, 30_000);

  it('an unknown route answers 404 JSON with the code NOT_FOUND and a request id', async () => {
    const { keys } = testRedis();
    const { url } = await serve(keys);
    for (const [method, path] of [['GET', '/no/such/route'], ['POST', '/healthz'], ['DELETE', '/readyz']] as const) {
      const res = await fetch(`${url}${path}`, { method });
      expect(res.status, `${method} ${path}`).toBe(404);
      expect(res.headers.get('content-type')).toMatch(/^application\/json/);
      expect(res.headers.get('x-request-id')).toMatch(UUID);
      const body = (await res.json()) as { error: { code: string; message: string } };
      expect(body.error.code).toBe('NOT_FOUND');
      expect(body.error.message).toEqual(expect.any(String));
    }
  }, 30_000);

  it('/readyz is ready with Redis up, 503 within the probe budget once Redis stops, and ready again when it is back', async () => {
    const { keys } = testRedis();
    const redis = await startPrivateRedis();
    // 0: the process never exits on an outage, so the probe itself is what the test sees.
    const { url } = await serve(keys, { REDIS_URL: redis.url, RELANCE_REDIS_DOWN_EXIT_SECONDS: '0' });
    const probe = async () => {
      const started = Date.now();
      const res = await fetch(`${url}/readyz`, { signal: AbortSignal.timeout(5_000) });
      const elapsed = Date.now() - started;
      expect(elapsed, 'a probe never hangs').toBeLessThan(2_500);
      expect(res.headers.get('x-request-id')).toMatch(UUID);
      return { status: res.status, body: (await res.json()) as { status: string; reason?: string } };
    };

    expect(await probe()).toEqual({ status: 200, body: { status: 'ready' } });

    await redis.shutdown();
    const down = await until('/readyz to answer 503', async () => {
      const r = await probe();
      return r.status === 503 ? r : undefined;
    });
    expect(down.body.status).toBe('not ready');
    expect(down.body.reason).toMatch(/redis/i);
    // Liveness does not depend on Redis: an outage must not get the process restarted.
    const live = await fetch(`${url}/healthz`);
    expect(live.status).toBe(200);

    await redis.start();
    await until('/readyz to answer 200 again', async () => ((await probe()).status === 200 ? true : undefined));
  }, 60_000);

  it('/metrics: Prometheus text with request durations by route pattern and the gauges read from Redis', async () => {
    const { redis, keys } = testRedis();
    const nowS = Math.floor(Date.now() / 1000);
    const dueMinute = Math.floor((nowS - 600) / 60);
    await redis.sadd(keys.scenarios(), 'welcome', 'nurture');
    await redis.hset(keys.ledger('welcome'), 'c1|intro|1', 'sent|<m1>|1', 'c2|intro|1', 'sent|<m2>|1', 'c3|intro|1', 'pending|w/1|1');
    await redis.hset(keys.ledger('nurture'), 'c1|one|1', 'failed|bounced|1');
    await redis.xadd(keys.events('welcome'), '*', 'type', 'opened');
    await redis.xadd(keys.events('welcome'), '*', 'type', 'clicked');
    await redis.hset(keys.counts('welcome'), 'v1|intro|waiting', '2', 'v2|wait|waiting', '1', 'v1|intro|finished', '4', '_active', '3', '_passed|intro', '7');
    await redis.zadd(keys.dueIndex(), dueMinute * 60, keys.dueMember('welcome', dueMinute), (dueMinute + 10_000) * 60, keys.dueMember('nurture', dueMinute + 10_000));
    const queue = stepsQueue(redis, keys);
    await queue.add('batch', { scenario: 'welcome', minute: dueMinute + 10_000, ids: ['c9'] }, { delay: 3_600_000 });
    await queue.close();

    const { url } = await serve(keys);
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
    expect((await fetch(`${url}/t/secret-token-abc123`)).status).toBe(404);
    const res = await fetch(`${url}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(res.headers.get('x-request-id')).toMatch(UUID);
    const text = await res.text();

    expect(text).toContain('# TYPE relance_http_request_duration_seconds histogram');
    expect(sample(text, 'relance_http_request_duration_seconds_count{method="GET",route="/healthz",status_code="200"}')).toBe(1);
    // A route's pattern, never the raw URL: a token must not become a label value.
    expect(sample(text, 'relance_http_request_duration_seconds_count{method="GET",route="unmatched",status_code="404"}')).toBe(1);
    expect(text).not.toContain('secret-token-abc123');

    expect(sample(text, 'relance_redis_up')).toBe(1);
    expect(sample(text, 'relance_queue_jobs{state="delayed"}')).toBe(1);
    for (const state of ['waiting', 'active', 'failed']) expect(sample(text, `relance_queue_jobs{state="${state}"}`), state).toBe(0);
    const lag = sample(text, 'relance_sweep_lag_seconds')!;
    expect(lag).toBeGreaterThanOrEqual(600);
    expect(lag).toBeLessThan(700);
    expect(sample(text, 'relance_sends_total')).toBe(4);
    expect(sample(text, 'relance_contacts{scenario="welcome",status="waiting"}')).toBe(3);
    expect(sample(text, 'relance_contacts{scenario="welcome",status="finished"}')).toBe(4);
    expect(text).not.toMatch(/relance_contacts\{[^}]*status="_/);
    expect(sample(text, 'relance_event_log_entries{scenario="welcome"}')).toBe(2);
    expect(sample(text, 'relance_event_log_entries{scenario="nurture"}')).toBe(0);
    expect(text).toContain('# TYPE relance_http_events_total counter');
    expect(sample(text, 'process_cpu_seconds_total')).toEqual(expect.any(Number)); // the default metrics, on the app's registry

    // Gauges are read at scrape time: a change in Redis shows in the next scrape.
    await redis.zrem(keys.dueIndex(), keys.dueMember('welcome', dueMinute));
    const next = await (await fetch(`${url}/metrics`)).text();
    expect(sample(next, 'relance_sweep_lag_seconds')).toBe(0);
    expect(sample(next, 'relance_http_request_duration_seconds_count{method="GET",route="/metrics",status_code="200"}')).toBe(1);
  }, 30_000);
});
