import type { FastifyInstance } from 'fastify';
import type { Redis } from 'ioredis';
import { readiness, roleOf } from '../state/readiness.js';
import { loadAllScripts } from '../state/scripts.js';
import type { ServeDeps } from './deps.js';

/** A probe must answer well within its own timeout (Kubernetes' default is 1 s, most set 2–5 s). */
const BUDGET_MS = 1_500;
/** Scripts that compiled once keep compiling: re-check now and then, not on every probe. */
const SCRIPTS_RECHECK_MS = 60_000;

const statusOnly = { type: 'object', required: ['status'], properties: { status: { type: 'string' } } } as const;
const notReady = {
  type: 'object',
  required: ['status', 'reason'],
  properties: { status: { type: 'string', enum: ['not ready'] }, reason: { type: 'string' } },
} as const;

/**
 * GET /healthz: the process answers (liveness; never touches Redis, so an outage does not get
 * every replica restarted). GET /readyz: this replica can serve (readiness), the same checks as
 * `relance health`: PING in time, a writable master, the Lua scripts load.
 */
export async function healthRoutes(app: FastifyInstance, deps: ServeDeps): Promise<void> {
  const check = readyCheck(deps.redis);
  app.get('/healthz', { schema: { response: { 200: statusOnly } } }, async () => ({ status: 'ok' }));
  app.get('/readyz', { schema: { response: { 200: statusOnly, 503: notReady } } }, async (_request, reply) => {
    const reason = await check();
    if (reason === undefined) return { status: 'ready' };
    return reply.code(503).send({ status: 'not ready', reason });
  });
}

/** Returns undefined when ready, else why not; never takes longer than BUDGET_MS. */
function readyCheck(redis: Redis): () => Promise<string | undefined> {
  let scriptsOkAt = -Infinity;
  const checks = async (): Promise<string | undefined> => {
    const state = await readiness(redis, { timeoutMs: BUDGET_MS });
    if (!state.ready) return `redis: ${state.error ?? state.status}`;
    const role = await roleOf(redis);
    if (role === 'slave') return 'redis: connected to a read-only replica, not the master';
    if (Date.now() - scriptsOkAt > SCRIPTS_RECHECK_MS) {
      try {
        await loadAllScripts(redis);
      } catch (err) {
        return `redis: the Lua scripts do not load: ${(err as Error).message}`;
      }
      scriptsOkAt = Date.now();
    }
    return undefined;
  };
  return async () => {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<string>((resolve) => {
      timer = setTimeout(() => resolve(`redis: no answer within ${BUDGET_MS} ms`), BUDGET_MS);
    });
    try {
      return await Promise.race([checks().catch((err: Error) => `redis: ${err.message}`), late]);
    } finally {
      clearTimeout(timer);
    }
  };
}

