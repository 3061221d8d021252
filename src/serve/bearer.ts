import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { sendError } from './errors.js';

const digest = (text: string): Buffer => createHash('sha256').update(text, 'utf8').digest();

/**
 * A preHandler that lets a request through only with `Authorization: Bearer <one of tokens>`,
 * or, with `basic`, HTTP basic auth whose password is one of them (what a mail provider's
 * inbound route or a webhook URL can carry: `https://relance:TOKEN@host/…`).
 * Tokens are compared as SHA-256 digests (equal lengths) in constant time, and every configured
 * token is compared, so the answer time says nothing about which one nearly matched.
 * With no token configured, the API is closed: every request is refused.
 */
export function bearerGuard(tokens: readonly string[], options: { basic?: boolean } = {}) {
  const wanted = tokens.map(digest);
  return async (request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply | undefined> => {
    const given = presented(request.headers.authorization ?? '', options.basic === true);
    let ok = false;
    if (given !== undefined && wanted.length > 0) {
      const d = digest(given);
      for (const w of wanted) ok = timingSafeEqual(d, w) || ok;
    }
    if (!ok) {
      reply.header('www-authenticate', options.basic ? 'Basic realm="relance", charset="UTF-8"' : 'Bearer realm="relance"');
      // Returning the reply tells fastify the hook answered: the handler does not run.
      return sendError(reply, 401, 'UNAUTHORIZED', wanted.length === 0 ? 'the API is closed: no token is configured (RELANCE_API_TOKENS)' : 'a valid bearer token is required');
    }
    return undefined;
  };
}

/** The token an Authorization header presents: a bearer token, or (if allowed) a basic password. */
export function presented(header: string, basic: boolean): string | undefined {
  const bearer = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(header);
  if (bearer) return bearer[1]!;
  const pair = basic ? /^Basic[ \t]+([A-Za-z0-9+/=]+)[ \t]*$/i.exec(header) : null;
  if (!pair) return undefined;
  const decoded = Buffer.from(pair[1]!, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon >= 0 && colon < decoded.length - 1 ? decoded.slice(colon + 1) : undefined;
}
