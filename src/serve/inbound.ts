import type { FastifyInstance } from 'fastify';
import { InboundParseError, MAX_INBOUND_BYTES, takeInbound } from '../events/inbound/index.js';
import { bearerGuard } from './bearer.js';
import type { ServeDeps } from './deps.js';
import { sendError } from './errors.js';
import { countEvent } from './metrics.js';

const outcome = {
  type: 'object',
  required: ['kind', 'event', 'how'],
  properties: {
    kind: { type: 'string' },
    event: { type: 'string' },
    how: { type: 'string' },
    contactId: { type: 'string' },
    scenario: { type: 'string' },
    step: { type: 'string' },
    visit: { type: 'integer' },
    alsoIn: { type: 'array', items: { type: 'string' } },
  },
} as const;

/**
 * POST /inbound/mime: one raw RFC 5322 message (a provider's inbound route set to post the raw
 * MIME, or a local MTA's pipe: `curl --data-binary @- …`), with a bearer token or basic auth whose
 * password is one (RELANCE_API_TOKENS). Replies, auto-replies, delivery reports, complaints and
 * mail to the unsubscribe address become their events; anything else is logged as unmatched.
 * What is not an email at all answers 400; past 10 MB, 413.
 */
export async function inboundRoutes(app: FastifyInstance, deps: ServeDeps): Promise<void> {
  // The message's bytes as they came, whatever the content type says: parsing is mailparser's job.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: MAX_INBOUND_BYTES }, (_request, body, done) => done(null, body));

  app.post<{ Body: Buffer }>('/inbound/mime', {
    preHandler: bearerGuard(deps.apiTokens, { basic: true }),
    bodyLimit: MAX_INBOUND_BYTES,
    schema: { response: { 200: outcome } },
  }, async (request, reply) => {
    const raw = request.body;
    if (!Buffer.isBuffer(raw) || raw.length === 0) return sendError(reply, 400, 'BAD_MESSAGE', 'the body must be one raw RFC 5322 message');
    try {
      const result = await takeInbound(deps.redis, deps.keys, raw, deps.clock.now());
      if (result.event !== 'duplicate') countEvent(app, result.event, false);
      return reply.code(200).send(result);
    } catch (err) {
      if (err instanceof InboundParseError) return sendError(reply, 400, 'BAD_MESSAGE', err.message);
      throw err;
    }
  });
}
