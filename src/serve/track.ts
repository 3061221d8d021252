import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Cluster, Redis } from 'ioredis';
import { HONEYPOT_LINK } from '../delivery/render.js';
import { verifyToken } from '../delivery/tokens.js';
import { botClickSeconds } from '../events/bots.js';
import { defineScripts } from '../state/scripts.js';
import type { ServeDeps } from './deps.js';
import { countEvent } from './metrics.js';
import { sendError } from './errors.js';
import { TrackRecorder } from './track-recorder.js';
import { quietChildLogger } from './quiet-logger.js';

/** The 43-byte transparent 1×1 GIF every open answers. */
export const PIXEL = Buffer.from('R0lGODlhAQABAIAAAP///wAAACH5BAEAAAAALAAAAAABAAEAAAICRAEAOw==', 'base64');

// Every open and click would otherwise log two lines at info: warnings and errors only, through
// a logger made only when one is written.
const QUIET = { logLevel: 'warn', childLoggerFactory: quietChildLogger } as const;
/** Link URLs kept in memory (about 200 bytes each). */
const MAX_URLS = 50_000;
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
  defineScripts(redis); // before any auto-pipeline opens (state/scripts.ts says why)
  redis.on('error', () => undefined); // outages are reported once, by connection-watch.ts
  if (redis.status === 'wait') await redis.connect(); // lazyConnect, like the connection it copies
  const recorder = new TrackRecorder(redis, keys, app.log, botClickSeconds(), (type, bot, n) => countEvent(app, type, bot, n));
  app.addHook('onClose', async () => {
    await recorder.close(); // events already answered are still recorded
    await redis.quit().catch(() => redis.disconnect());
  });
  // Link id → URL, as stored at send time. An id is a digest of its URL, so a pair never changes:
  // the ones seen are kept (a bounded number, under `scenario \n link`), and a click costs no read.
  const urls = new Map<string, string>();
  const readUrl = async (key: string, scenario: string, link: string): Promise<string | undefined> => {
    const url = safeUrl(await redis.hget(keys.links(scenario), link));
    if (url === undefined) return undefined;
    if (urls.size >= MAX_URLS) urls.delete(urls.keys().next().value!);
    urls.set(key, url);
    return url;
  };

  app.get<Route>('/o/*', { schema: { params: pixelParams }, ...QUIET }, async (request, reply) => {
    const token = request.params['*'].replace(/\.gif$/, '');
    const at = clock.now();
    const check = verifyToken(token, secret, { kind: 'open', now: at });
    if (check.ok) recorder.add({ type: 'opened', payload: check.payload, at, userAgent: request.headers['user-agent'], ip: request.ip, bot: viaHead(request) });
    return reply.code(200).header('cache-control', NO_STORE).type('image/gif').send(PIXEL);
  });

  app.get<Route>('/c/*', { schema: { params }, ...QUIET }, async (request, reply) => {
    const at = clock.now();
    // /c/TOKEN/LINK: one signed token per email names the send; the link id after it is only
    // looked up among the links that send's scenario stored, so a changed id leads nowhere new.
    const [token, linkId, ...rest] = request.params['*'].split('/');
    const check = verifyToken(token, secret, { kind: 'click', now: at });
    if (!check.ok || rest.length > 0) return sendError(reply, 404, 'NOT_FOUND', 'no such link');
    const link = linkId ?? check.payload.link;
    if (link === undefined || !LINK_ID.test(link) || (linkId !== undefined && check.payload.link !== undefined && linkId !== check.payload.link)) return sendError(reply, 404, 'NOT_FOUND', 'no such link');
    const p = { ...check.payload, link };
    const hit = { type: 'clicked' as const, payload: p, at, userAgent: request.headers['user-agent'], ip: request.ip, bot: viaHead(request) };
    if (link === HONEYPOT_LINK) {
      recorder.add(hit);
      return reply.code(204).header('cache-control', NO_STORE).send();
    }
    // A link seen before answers without a promise to wait on.
    const key = `${p.scenario}\n${link}`;
    const target = urls.get(key) ?? (await readUrl(key, p.scenario, link));
    if (!target) return sendError(reply, 404, 'NOT_FOUND', 'no such link');
    recorder.add(hit);
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
