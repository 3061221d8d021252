import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { sendError } from './errors.js';

const digest = (text: string): Buffer => createHash('sha256').update(text, 'utf8').digest();

/**
 * A preHandler that lets a request through only with `Authorization: Bearer <one of tokens>`.
 * Tokens are compared as SHA-256 digests (equal lengths) in constant time, and every configured
 * token is compared, so the answer time says nothing about which one nearly matched.
 * With no token configured, the API is closed: every request is refused.
 */
export function bearerGuard(tokens: readonly string[]) {
  const wanted = tokens.map(digest);
  return async (request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply | undefined> => {
    const match = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(request.headers.authorization ?? '');
    let ok = false;
    if (match && wanted.length > 0) {
      const given = digest(match[1]!);
      for (const w of wanted) ok = timingSafeEqual(given, w) || ok;
    }
    if (!ok) {
      reply.header('www-authenticate', 'Bearer realm="relance"');
      // Returning the reply tells fastify the hook answered: the handler does not run.
      return sendError(reply, 401, 'UNAUTHORIZED', wanted.length === 0 ? 'the API is closed: no token is configured (RELANCE_API_TOKENS)' : 'a valid bearer token is required');
    }
    return undefined;
  };
}
