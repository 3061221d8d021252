import { randomUUID } from 'node:crypto';
import Fastify, { type FastifyInstance } from 'fastify';
import formbody from '@fastify/formbody';
import type { ServeDeps } from './deps.js';
import { sendError } from './errors.js';
import { apiRoutes } from './api.js';
import { formRoutes } from './forms.js';
import { healthRoutes } from './health.js';
import { metricsRoutes } from './metrics.js';
import { trackRoutes } from './track.js';
import { unsubscribeRoutes } from './unsubscribe.js';
import { webhookRoutes } from './webhooks/index.js';
import { inboundRoutes } from './inbound.js';
import { reportRoutes } from './reports.js';
import { statusPageRoutes } from './status-page.js';

export interface AppOptions {
  /** Behind a reverse proxy: trust its X-Forwarded-For for client addresses (RELANCE_TRUST_PROXY). */
  trustProxy?: boolean | string | ((address: string, hop: number) => boolean);
  /** pino logger options, or false for none (tests). */
  logger?: boolean | Record<string, unknown>;
}

/**
 * The HTTP app of `relance serve`: one plugin per route family, each with a JSON schema on its
 * routes. Anything malformed answers 4xx JSON with a stable code; only a fault of relance's own
 * (Redis down, a bug) is a 5xx.
 */
export async function buildApp(deps: ServeDeps, options: AppOptions = {}): Promise<FastifyInstance> {
  const app = Fastify({
    logger: options.logger ?? false,
    trustProxy: options.trustProxy ?? false,
    bodyLimit: 256 * 1024,
    // Tokens in paths are longer than fastify's default 100-character parameter.
    routerOptions: { maxParamLength: 2048 },
    // A request id from the proxy when it gives a sane one, else ours; echoed in X-Request-Id.
    requestIdHeader: 'x-request-id',
    genReqId: () => randomUUID(),
    ajv: { customOptions: { removeAdditional: false, coerceTypes: false, allowUnionTypes: true } },
  });
  // Callback-style hooks, here and for metrics: an async hook costs a promise on every request.
  app.addHook('onRequest', (request, reply, done) => {
    reply.header('x-request-id', request.id);
    done();
  });
  await app.register(formbody, { bodyLimit: 64 * 1024 });
  app.setErrorHandler((err: Error & { statusCode?: number; validation?: unknown; code?: string }, request, reply) => {
    if (err.validation) return sendError(reply, 400, 'BAD_REQUEST', err.message);
    const status = err.statusCode ?? 500;
    if (status < 500) return sendError(reply, status, err.code && /^[A-Z_]+$/.test(err.code) ? err.code : 'BAD_REQUEST', err.message);
    request.log.error({ err }, 'request failed');
    return sendError(reply, 503, 'UNAVAILABLE', 'relance cannot answer right now; try again');
  });
  app.setNotFoundHandler((_request, reply) => sendError(reply, 404, 'NOT_FOUND', 'no such route'));
  await app.register(healthRoutes, deps);
  await app.register(metricsRoutes, deps);
  await app.register(trackRoutes, deps);
  await app.register(unsubscribeRoutes, deps);
  await app.register(formRoutes, deps);
  await app.register(apiRoutes, deps);
  await app.register(webhookRoutes, deps);
  await app.register(inboundRoutes, deps);
  await app.register(reportRoutes, deps);
  await app.register(statusPageRoutes, deps);
  return app;
}
