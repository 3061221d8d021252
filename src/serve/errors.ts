import type { FastifyReply } from 'fastify';

/**
 * Every error the server answers is JSON with a stable code: `{ "error": { "code", "message" } }`.
 * Codes are part of the API (README, Routes); messages are for people.
 */
export function sendError(reply: FastifyReply, status: number, code: string, message: string): FastifyReply {
  return reply.code(status).type('application/json; charset=utf-8').send({ error: { code, message } });
}
