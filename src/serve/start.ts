import type { FastifyInstance } from 'fastify';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { DEFAULT_PUBLIC_URL } from '../delivery/render.js';
import { resolveSecret } from '../delivery/tokens.js';
import type { Keys } from '../state/keys.js';
import { systemClock, type Clock } from '../time/clock.js';
import { buildApp } from './app.js';
import type { ServeDeps } from './deps.js';
import { reportAccess } from './report-access.js';

export interface ServeOptions {
  redis: Redis;
  keys: Keys;
  env?: NodeJS.ProcessEnv;
  clock?: Clock;
  log?: Logger;
  /** Port and address to listen on (default RELANCE_PORT or PORT, else 8080; RELANCE_HOST, else 0.0.0.0). */
  port?: number;
  host?: string;
}

/** The server's dependencies from the environment (README, The HTTP server). */
export function serveDeps(options: ServeOptions): ServeDeps {
  const env = options.env ?? process.env;
  const list = (v: string | undefined) => (v ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  return {
    redis: options.redis,
    keys: options.keys,
    secret: resolveSecret({ env }),
    clock: options.clock ?? systemClock,
    publicUrl: (env.RELANCE_PUBLIC_URL ?? DEFAULT_PUBLIC_URL).replace(/\/+$/, ''),
    apiTokens: list(env.RELANCE_API_TOKENS),
    webhookSecret: env.RELANCE_WEBHOOK_SECRET || undefined,
    mailgunSigningKey: env.RELANCE_MAILGUN_SIGNING_KEY || undefined,
    sendgridPublicKey: env.RELANCE_SENDGRID_PUBLIC_KEY || undefined,
    reports: reportAccess(env),
    log: options.log,
  };
}

/** Builds the app and listens; resolves once it accepts connections, with the address it got. */
export async function startServer(options: ServeOptions): Promise<{ app: FastifyInstance; url: string }> {
  const env = options.env ?? process.env;
  const app = await buildApp(serveDeps(options), {
    logger: options.log ? { level: options.log.level } : false,
    trustProxy: trustProxyOf(env.RELANCE_TRUST_PROXY),
  });
  const port = options.port ?? Number(env.RELANCE_PORT ?? env.PORT ?? 8080);
  const host = options.host ?? env.RELANCE_HOST ?? '0.0.0.0';
  await app.listen({ port, host });
  const address = app.server.address();
  const bound = typeof address === 'object' && address ? address.port : port;
  return { app, url: `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${bound}` };
}

/** RELANCE_TRUST_PROXY: `true`, a hop count (`1`: one proxy in front), or the proxies' addresses. */
function trustProxyOf(value: string | undefined): boolean | string | ((address: string, hop: number) => boolean) {
  if (value === undefined || value === '' || value === 'false') return false;
  if (value === 'true') return true;
  if (/^\d+$/.test(value)) {
    const hops = Number(value);
    return (_address, hop) => hop < hops;
  }
  return value;
}
