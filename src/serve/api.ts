import type { FastifyInstance, FastifyRequest } from 'fastify';
import { isValidEmail, normalizeEmail } from '../contacts/normalize.js';
import { TaskPausedError, UnknownTaskError, completeTask } from '../enroll/tasks.js';
import { EVENT_TYPES, UnknownContactEventError, recordEvent, type EventType } from '../events/record-event.js';
import { enrollOnTrigger } from '../events/triggers.js';
import { bearerGuard } from './bearer.js';
import type { ServeDeps } from './deps.js';
import { countEvent } from './metrics.js';
import { sendError } from './errors.js';
import { namesRealTask } from './task-status.js';
import { MAX_WEBHOOK_EVENTS, recordWebhookEvents } from './webhook-events.js';
import { checkWebhookSignature } from './webhook-signature.js';

const NAME = '^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$';
/** How long a webhook signature is remembered: longer than the ±5 minutes a timestamp is accepted. */
const SIGNATURE_MEMORY_S = 600;

interface ContactEventRoute {
  Params: { email: string };
  Body: { type: EventType | 'api'; scenario?: string; step?: string; form?: string; data?: Record<string, string | number | boolean> };
}

/**
 * /api/v1: contact events and the `api` trigger, manual tasks (bearer tokens, RELANCE_API_TOKENS)
 * and the generic signed webhook (RELANCE_WEBHOOK_SECRET). Every error is JSON with a stable code.
 */
export async function apiRoutes(app: FastifyInstance, deps: ServeDeps): Promise<void> {
  const { redis, keys } = deps;
  const bearer = bearerGuard(deps.apiTokens);

  app.post<ContactEventRoute>('/api/v1/contacts/:email/events', {
    preHandler: bearer,
    schema: {
      params: { type: 'object', required: ['email'], properties: { email: { type: 'string', minLength: 3, maxLength: 254 } } },
      body: {
        type: 'object', additionalProperties: false, required: ['type'],
        properties: {
          type: { type: 'string', enum: [...EVENT_TYPES, 'api'] },
          scenario: { type: 'string', pattern: NAME },
          step: { type: 'string', pattern: NAME },
          form: { type: 'string', pattern: NAME },
          data: { type: 'object', maxProperties: 50, propertyNames: { maxLength: 100 }, additionalProperties: { type: ['string', 'number', 'boolean'], maxLength: 2000 } },
        },
      },
    },
  }, async (request, reply) => {
    const email = normalizeEmail(request.params.email);
    if (!isValidEmail(email)) return sendError(reply, 400, 'BAD_REQUEST', 'the path must name a valid email address');
    const { type, scenario, step, form, data } = request.body;
    const at = deps.clock.now();
    if (type === 'api') {
      const id = await redis.hget(keys.contactIds(), email);
      if (id === null) return sendError(reply, 404, 'NOT_FOUND', 'no contact with this address');
      // The trigger's limit (SPEC 3.1: 30 a minute) is counted in Redis, across every process.
      const { entered, limited } = await enrollOnTrigger(redis, keys, { type: 'api', at }, id);
      if (entered.length === 0 && limited.length > 0) {
        const wait = Math.min(...limited.map((l) => l.retryAfter));
        reply.header('retry-after', String(wait));
        return sendError(reply, 429, 'RATE_LIMITED', `the api trigger of ${limited.map((l) => l.scenario).join(', ')} let in all the entries its rate limit allows; try again in ${wait} s`);
      }
      return { ok: true, enrolled: entered, limited: limited.map((l) => l.scenario) };
    }
    if (scenario !== undefined && !(await redis.hexists(keys.scenario(scenario), 'digest'))) return sendError(reply, 404, 'NOT_FOUND', `no scenario "${scenario}"`);
    const detail = data ? Object.fromEntries(Object.entries(data).map(([k, v]) => [k, String(v)])) : undefined;
    try {
      const recorded = await recordEvent(redis, keys, { type, email, scenario, step, form, at, source: 'api', detail });
      countEvent(request.server, type, false);
      return { ok: true, enrolled: recorded.enrolled, woken: recorded.woken };
    } catch (err) {
      if (err instanceof UnknownContactEventError) return sendError(reply, 404, 'NOT_FOUND', 'no contact with this address');
      throw err;
    }
  });

  app.post<{ Params: { id: string } }>('/api/v1/tasks/:id/done', {
    preHandler: bearer,
    schema: { params: { type: 'object', required: ['id'], properties: { id: { type: 'string', minLength: 1, maxLength: 400 } } } },
  }, async (request, reply) => {
    const { id } = request.params;
    const open = await redis.hexists(keys.tasks(), id);
    try {
      const task = await completeTask(redis, keys, id, deps.clock.now(), 'api');
      return { ok: true, task: { id: task.id, scenario: task.scenario, step: task.step, email: task.email } };
    } catch (err) {
      if (err instanceof TaskPausedError) return sendError(reply, 409, 'TASK_PAUSED', err.message);
      if (!(err instanceof UnknownTaskError)) throw err;
      // Open a moment ago (another caller won) or a real task done before: not open; else unknown.
      if (open || (await namesRealTask(redis, keys, id))) return sendError(reply, 409, 'TASK_NOT_OPEN', `task "${id}" is not open: it was marked done already`);
      return sendError(reply, 404, 'NOT_FOUND', `no task "${id}"`);
    }
  });

  await app.register(webhookRoute, deps);
}

/** What a body that is not JSON parses to: the signature is checked before it is refused. */
const NOT_JSON = Symbol('not JSON');

/**
 * POST /api/v1/events, in a context of its own: its JSON parser keeps the raw bytes, which the
 * signature covers, and leaves the other routes' parsing alone.
 */
async function webhookRoute(app: FastifyInstance, deps: ServeDeps): Promise<void> {
  const { redis, keys } = deps;
  const raw = new WeakMap<FastifyRequest, Buffer>();
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (request, body, done) => {
    const bytes = body as Buffer;
    raw.set(request, bytes);
    try {
      done(null, JSON.parse(bytes.toString('utf8')));
    } catch {
      done(null, NOT_JSON);
    }
  });

  app.post<{ Body: { events: unknown[] } }>('/api/v1/events', {
    // Runs before the body schema: an unsigned request learns nothing about what it sent.
    preValidation: async (request, reply) => {
      if (!deps.webhookSecret) return sendError(reply, 401, 'UNAUTHORIZED', 'the webhook is closed: no secret is configured (RELANCE_WEBHOOK_SECRET)');
      const check = checkWebhookSignature(deps.webhookSecret, request.headers['x-relance-timestamp'], request.headers['x-relance-signature'], raw.get(request) ?? Buffer.alloc(0), deps.clock.now());
      if (!check.ok) return sendError(reply, 401, check.code, check.message);
      const first = await redis.set(keys.scratch(`webhook-sig:${check.signature}`), '1', 'EX', SIGNATURE_MEMORY_S, 'NX');
      if (first === null) return sendError(reply, 409, 'REPLAYED', 'this signature was used already: sign each call anew');
      if ((request.body as unknown) === NOT_JSON) return sendError(reply, 400, 'BAD_REQUEST', 'the body is not JSON');
      return undefined;
    },
    schema: {
      body: {
        type: 'object', additionalProperties: false, required: ['events'],
        // Items are checked one by one in the handler: a bad event must not refuse the others.
        properties: { events: { type: 'array', minItems: 1, maxItems: MAX_WEBHOOK_EVENTS } },
      },
    },
  }, async (request) => {
    const results = await recordWebhookEvents(redis, keys, request.body.events, deps.clock.now());
    return { recorded: results.filter((r) => r.ok).length, results };
  });
}
