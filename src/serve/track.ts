import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Cluster, Redis } from 'ioredis';
import { HONEYPOT_LINK } from '../delivery/render.js';
import { verifyToken, type TokenPayload } from '../delivery/tokens.js';
import { botClickSeconds, classify } from '../events/bots.js';
import { recordForContact } from '../events/record-event.js';
import type { ServeDeps } from './deps.js';
import { countEvent } from './metrics.js';
import { sendError } from './errors.js';

/** The 43-byte transparent 1×1 GIF every open answers. */
export const PIXEL = Buffer.from('R0lGODlhAQABAIAAAP///wAAACH5BAEAAAAALAAAAAABAAEAAAICRAEAOw==', 'base64');

/** Events being recorded at once; past this, new ones are dropped (Redis is slow, the page must not be). */
const MAX_IN_FLIGHT = 2000;
// Every open and click would otherwise log two lines at info: warnings and errors only.
const QUIET = 'warn';
const NO_STORE = 'no-store, no-cache, must-revalidate, max-age=0';
// Wildcard routes (`/c/*`, not `/c/:token`): a token is longer than the router's 100-character
// limit on a named parameter (maxParamLength), which would answer 414.
const params = { type: 'object', required: ['*'], properties: { '*': { type: 'string', maxLength: 2048 } } } as const;
// No length limit on the pixel's: whatever the token, the image answers.
const pixelParams = { type: 'object', required: ['*'], properties: { '*': { type: 'string' } } } as const;
type Route = { Params: { '*': string } };
const LINK_ID = /^[A-Za-z0-9_-]{1,64}$/;

/**
 * GET /o/TOKEN.gif (opens) and GET /c/TOKEN/LINK (clicks). The pixel always answers at once and its
 * event is recorded behind it; a click redirects only to the URL the send stored for its link id,
 * never to anything in the request.
 */
export async function trackRoutes(app: FastifyInstance, deps: ServeDeps): Promise<void> {
  const { keys, secret, clock } = deps;
  // A connection of their own, auto-pipelined: the commands sent in one tick leave in one write.
  // (A Cluster, typed Redis by state/cluster.ts, takes its startup nodes first.)
  const redis = deps.redis.isCluster
    ? ((deps.redis as unknown as Cluster).duplicate([], { enableAutoPipelining: true }) as unknown as Redis)
    : deps.redis.duplicate({ enableAutoPipelining: true });
  redis.on('error', () => undefined); // outages are reported once, by connection-watch.ts
  if (redis.status === 'wait') await redis.connect(); // lazyConnect, like the connection it copies
  const clickSeconds = botClickSeconds();
  const pending = new Set<Promise<unknown>>();
  let queued: Array<() => void> = [];
  let inFlight = 0;
  let dropped = 0;
  let failed = 0;
  // Events of one turn of the event loop start together, so their commands share a pipeline
  // write at each stage instead of a write each.
  const flush = (): void => {
    const batch = queued;
    queued = [];
    for (const start of batch) start();
  };
  app.addHook('onClose', async () => {
    flush();
    await Promise.allSettled([...pending]); // events already answered are still recorded
    await redis.quit().catch(() => redis.disconnect());
  });

  // Fire and forget, bounded: a slow Redis delays events, never answers; errors are only logged.
  const later = (request: FastifyRequest, what: string, work: () => Promise<unknown>): void => {
    if (inFlight >= MAX_IN_FLIGHT) {
      if (dropped++ % 1000 === 0) request.log.warn({ dropped, inFlight }, `too many events being recorded: ${what} dropped`);
      return;
    }
    inFlight++;
    queued.push(() => {
      const done: Promise<unknown> = work()
        // In an outage every event fails: log the first and then one in a thousand.
        .catch((err: unknown) => { if (failed++ % 1000 === 0) request.log.error({ err, failed }, `recording ${what} failed`); })
        .finally(() => { inFlight--; pending.delete(done); });
      pending.add(done);
    });
    if (queued.length === 1) setImmediate(flush);
  };

  const record = async (p: TokenPayload, type: 'opened' | 'clicked', bot: { bot: boolean; reason?: string }, at: Date): Promise<void> => {
    const data = await redis.hget(keys.contactData(), p.contactId);
    if (data === null) return; // the contact was erased since: nothing to record against
    const email = String((JSON.parse(data) as { email?: unknown }).email ?? '');
    const detail: Record<string, string> = {};
    if (p.link !== undefined) detail.l = p.link;
    if (bot.reason) detail.r = bot.reason;
    await recordForContact(redis, keys, p.contactId, {
      type, email, scenario: p.scenario, step: p.step, visit: p.visit, at,
      source: type === 'opened' ? 'pixel' : 'link', bot: bot.bot, detail,
    });
    countEvent(app, type, bot.bot);
  };

  app.get<Route>('/o/*', { schema: { params: pixelParams }, logLevel: QUIET }, async (request, reply) => {
    const token = request.params['*'].replace(/\.gif$/, '');
    const at = clock.now();
    const check = verifyToken(token, secret, { kind: 'open', now: at });
    if (check.ok) {
      const bot = viaHead(request) ?? classify({ userAgent: request.headers['user-agent'], ip: request.ip, kind: 'open', nowMs: at.getTime() });
      later(request, 'an open', () => record(check.payload, 'opened', bot, at));
    }
    return reply.code(200).header('cache-control', NO_STORE).header('pragma', 'no-cache').header('expires', '0').type('image/gif').send(PIXEL);
  });

  app.get<Route>('/c/*', { schema: { params }, logLevel: QUIET }, async (request, reply) => {
    const at = clock.now();
    // /c/TOKEN/LINK: one signed token per email names the send; the link id after it is only
    // looked up among the links that send's scenario stored, so a changed id leads nowhere new.
    const [token, linkId, ...rest] = request.params['*'].split('/');
    const check = verifyToken(token, secret, { kind: 'click', now: at });
    if (!check.ok || rest.length > 0) return sendError(reply, 404, 'NOT_FOUND', 'no such link');
    const link = linkId ?? check.payload.link;
    if (link === undefined || !LINK_ID.test(link) || (linkId !== undefined && check.payload.link !== undefined && linkId !== check.payload.link)) return sendError(reply, 404, 'NOT_FOUND', 'no such link');
    const p = { ...check.payload, link };
    const userAgent = request.headers['user-agent'];
    if (link === HONEYPOT_LINK) {
      const bot = classify({ userAgent, ip: request.ip, kind: 'click', nowMs: at.getTime(), linkId: link });
      later(request, 'a click', () => record(p, 'clicked', bot, at));
      return reply.code(204).header('cache-control', NO_STORE).send();
    }
    const stored = await redis.hget(keys.links(p.scenario), link);
    const target = safeUrl(stored);
    if (!target) return sendError(reply, 404, 'NOT_FOUND', 'no such link');
    later(request, 'a click', async () => {
      const sent = p.visit === undefined ? null : await redis.hget(keys.ledger(p.scenario), `${p.contactId}|${p.step}|${p.visit}`);
      const bot = viaHead(request) ?? classify({ userAgent, ip: request.ip, kind: 'click', nowMs: at.getTime(), linkId: link, deliveredAtMs: sentAtMs(sent), clickSeconds });
      await record(p, 'clicked', bot, at);
    });
    // no-referrer: the destination never sees the token.
    return reply.code(302).header('location', target).header('cache-control', NO_STORE).header('referrer-policy', 'no-referrer').send();
  });
}

/** Fastify answers HEAD with the GET route: only a checker sends HEAD, a reader's browser never does. */
function viaHead(request: FastifyRequest): { bot: true; reason: string } | undefined {
  return request.method === 'HEAD' ? { bot: true, reason: 'head-request' } : undefined;
}

/** An http(s) URL as a valid Location value (normalised by WHATWG URL), or undefined. */
function safeUrl(stored: string | null): string | undefined {
  if (!stored) return undefined;
  try {
    const url = new URL(stored);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : undefined;
  } catch {
    return undefined;
  }
}

/** The delivery time of a ledger entry `sent|<messageId>|<epoch s>`, in ms; undefined unless sent. */
export function sentAtMs(entry: string | null): number | undefined {
  if (!entry?.startsWith('sent|')) return undefined;
  const seconds = Number(entry.slice(entry.lastIndexOf('|') + 1));
  return Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : undefined;
}
