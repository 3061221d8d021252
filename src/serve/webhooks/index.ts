import type { FastifyInstance } from 'fastify';
import type { ServeDeps } from '../deps.js';
import { sendError } from '../errors.js';
import { countEvent } from '../metrics.js';
import { mailgun } from './mailgun/index.js';
import { recordItems } from './record.js';
import { sendgrid } from './sendgrid/index.js';
import type { Verifier, WebhookProvider } from './types.js';

/** Every provider relance hears: adding one is a folder of its own, registered here. */
export const PROVIDERS: Readonly<Record<string, WebhookProvider>> = {
  [mailgun.name]: mailgun,
  [sendgrid.name]: sendgrid,
};

/** A batch of SendGrid events can be large; a call beyond answers 413. */
const BODY_LIMIT = 1024 * 1024;
/** How long a call is remembered: longer than the ±5 minutes its timestamp is accepted. */
const REPLAY_MEMORY_S = 600;

/**
 * POST /webhooks/:provider: what mail providers report about the emails relance sent through
 * them (deliveries, bounces, complaints, unsubscribes, opens, clicks). In a context of its own:
 * its parser keeps the raw bytes, which the signature covers, and leaves other routes alone.
 * 200 `{ received, recorded, ignored }` once the call is verified, even when some events are
 * about nobody relance knows (providers retry anything else); a forged, stale or replayed call
 * is 401, a malformed one 400.
 */
export async function webhookRoutes(app: FastifyInstance, deps: ServeDeps): Promise<void> {
  const { redis, keys } = deps;
  // Keys are read once: a malformed one is logged now and answered as not configured.
  const verifiers = new Map<string, Verifier | string>();
  for (const provider of Object.values(PROVIDERS)) {
    const key = provider.key(deps);
    if (key === undefined) continue;
    const verifier = provider.verifier(key);
    if (typeof verifier === 'string') (deps.log ?? app.log).warn({ provider: provider.name }, verifier);
    verifiers.set(provider.name, verifier);
  }

  app.removeAllContentTypeParsers();
  // Any content type: the signature, not the header, says whether the bytes are the provider's.
  app.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: BODY_LIMIT }, (_request, body, done) => done(null, body));

  app.post<{ Params: { provider: string } }>('/webhooks/:provider', {
    bodyLimit: BODY_LIMIT,
    // Before the body is read: a call for no provider, or one not configured, costs no upload.
    onRequest: async (request, reply) => {
      const name = (request.params as { provider?: string }).provider ?? '';
      const provider = Object.hasOwn(PROVIDERS, name) ? PROVIDERS[name] : undefined;
      if (!provider) return sendError(reply, 404, 'NOT_FOUND', `no webhook provider "${name.slice(0, 40)}": ${Object.keys(PROVIDERS).join(', ')}`);
      const verifier = verifiers.get(name);
      if (typeof verifier !== 'function') {
        return sendError(reply, 404, 'PROVIDER_NOT_CONFIGURED', verifier ?? `the ${name} webhook is closed: no key is configured (${provider.keyVariable})`);
      }
      return undefined;
    },
    schema: {
      params: { type: 'object', required: ['provider'], properties: { provider: { type: 'string', enum: Object.keys(PROVIDERS) } } },
      response: {
        200: {
          type: 'object', additionalProperties: false, required: ['received', 'recorded', 'ignored'],
          properties: { received: { type: 'integer' }, recorded: { type: 'integer' }, ignored: { type: 'integer' } },
        },
      },
    },
  }, async (request, reply) => {
    const provider = PROVIDERS[request.params.provider]!;
    const verify = verifiers.get(provider.name) as Verifier;
    const raw = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
    const now = deps.clock.now();
    const check = verify({ headers: request.headers, raw, now });
    if (!check.ok) return sendError(reply, check.status, check.code, check.message);
    const replay = keys.scratch(`webhook-replay:${provider.name}:${check.replayKey}`);
    if ((await redis.set(replay, '1', 'EX', REPLAY_MEMORY_S, 'NX')) === null) {
      return sendError(reply, 401, 'REPLAYED', 'this call was received already: a provider signs each call anew');
    }
    const items = provider.items(check.body, now);
    if (typeof items === 'string') return sendError(reply, 400, 'BAD_REQUEST', items);
    const tally = await recordItems(deps, request.log, items, (type, bot) => countEvent(request.server, type, bot));
    if (tally.failed > 0) {
      // Forget the call, so that the provider's retry is heard (events recorded already are logged twice).
      await redis.del(replay).catch(() => undefined);
      return sendError(reply, 503, 'UNAVAILABLE', `${tally.failed} of ${tally.received} events could not be recorded; try again`);
    }
    return { received: tally.received, recorded: tally.recorded, ignored: tally.ignored };
  });
}
