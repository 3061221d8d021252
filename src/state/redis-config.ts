import { readFileSync } from 'node:fs';
import type { ConnectionOptions } from 'node:tls';
import type { RedisOptions } from 'ioredis';
import { RelanceError } from '../errors.js';

/*
 * What the environment says about reaching Redis, besides REDIS_URL:
 *   RELANCE_REDIS_RETRY_MIN_MS / _MAX_MS  reconnection back-off: 100 ms doubling up to 2 s
 *   RELANCE_REDIS_DOWN_EXIT_SECONDS       a long-running process exits (69) after this long without Redis (60; 0 = never)
 *   REDIS_TLS_CA_FILE, REDIS_TLS_CERT_FILE, REDIS_TLS_KEY_FILE, REDIS_TLS_INSECURE=1   for rediss:// URLs
 *   REDIS_SENTINELS=host:port,…  REDIS_SENTINEL_NAME  [REDIS_SENTINEL_PASSWORD] [REDIS_SENTINEL_TLS=1]
 * With Sentinel, REDIS_URL (optional) gives the master's credentials, db and TLS; its host is ignored.
 */

/** A Redis setting in the environment is wrong: nothing was tried. */
export class RedisConfigError extends RelanceError {
  override readonly code = 'REDIS_CONFIG';
  override readonly exitCode = 78;
}

export interface Backoff {
  minMs: number;
  maxMs: number;
}

export function reconnectBackoff(env: NodeJS.ProcessEnv = process.env): Backoff {
  const minMs = positive(env, 'RELANCE_REDIS_RETRY_MIN_MS', 100);
  const maxMs = positive(env, 'RELANCE_REDIS_RETRY_MAX_MS', 2_000);
  if (maxMs < minMs) throw new RedisConfigError(`RELANCE_REDIS_RETRY_MAX_MS (${maxMs}) is below RELANCE_REDIS_RETRY_MIN_MS (${minMs})`);
  return { minMs, maxMs };
}

/** The wait before reconnection attempt `times` (1, 2, …): doubling from minMs, capped at maxMs. */
export function reconnectDelay(times: number, { minMs, maxMs }: Backoff): number {
  return Math.min(maxMs, minMs * 2 ** Math.min(Math.max(times - 1, 0), 30));
}

/** How long `relance worker`/`run` keep going without Redis before exiting; 0 means never. */
export function downExitSeconds(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env.RELANCE_REDIS_DOWN_EXIT_SECONDS;
  if (raw === undefined || raw === '') return 60;
  const n = Number(raw);
  if (!Number.isFinite(n) || n < 0) throw new RedisConfigError(`RELANCE_REDIS_DOWN_EXIT_SECONDS=${raw} is not a number of seconds (0 never exits)`);
  return n;
}

export interface Sentinels {
  sentinels: Array<{ host: string; port: number }>;
  name: string;
}

/** `REDIS_SENTINELS` and `REDIS_SENTINEL_NAME`; undefined when no sentinel is configured. */
export function sentinelsFrom(env: NodeJS.ProcessEnv = process.env): Sentinels | undefined {
  const entries = (env.REDIS_SENTINELS ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  if (!entries.length) return undefined;
  const name = env.REDIS_SENTINEL_NAME?.trim();
  if (!name) throw new RedisConfigError('REDIS_SENTINELS is set but REDIS_SENTINEL_NAME (the master group the sentinels monitor, e.g. mymaster) is not');
  const sentinels = entries.map((entry) => {
    const m = /^(?:\[([^\]]+)\]|([^:]+))(?::(\d+))?$/.exec(entry);
    if (!m) throw new RedisConfigError(`REDIS_SENTINELS: "${entry}" is not host:port`);
    return { host: (m[1] ?? m[2])!, port: Number(m[3] ?? 26379) };
  });
  return { sentinels, name };
}

/**
 * The options REDIS_URL cannot carry: TLS files for a rediss:// URL, and Sentinel. Throws
 * RedisConfigError on a contradiction (TLS files with a plain redis:// URL) or an unreadable file.
 */
export function environmentOptions(url: string, env: NodeJS.ProcessEnv = process.env): RedisOptions {
  const out: RedisOptions = {};
  const tlsUrl = /^rediss:/i.test(url);
  const tls = tlsOptions(env);
  if (tls && !tlsUrl) throw new RedisConfigError('REDIS_TLS_* is set but REDIS_URL does not start with rediss://: use rediss:// to connect with TLS');
  if (tlsUrl) out.tls = tls ?? {};
  const sentinel = sentinelsFrom(env);
  if (sentinel) {
    Object.assign(out, sentinel);
    if (env.REDIS_SENTINEL_PASSWORD) out.sentinelPassword = env.REDIS_SENTINEL_PASSWORD;
    // The master found through the sentinels gets the URL's TLS; the sentinels their own.
    if (tlsUrl) out.enableTLSForSentinelMode = true;
    if (flag(env.REDIS_SENTINEL_TLS)) out.sentinelTLS = tls ?? {};
  }
  return out;
}

/** Where relance connects, for messages (no password). */
export function describeRedis(url: string, env: NodeJS.ProcessEnv = process.env): string {
  const sentinel = sentinelsFrom(env);
  if (sentinel) return `Sentinel master "${sentinel.name}" via ${sentinel.sentinels.map((s) => `${s.host}:${s.port}`).join(',')}`;
  return redactUrl(url);
}

export function redactUrl(url: string): string {
  return url.replace(/\/\/([^:@/]*):([^@/]*)@/, '//$1:***@');
}

function tlsOptions(env: NodeJS.ProcessEnv): ConnectionOptions | undefined {
  const out: ConnectionOptions = {};
  if (env.REDIS_TLS_CA_FILE) out.ca = file(env, 'REDIS_TLS_CA_FILE');
  if (env.REDIS_TLS_CERT_FILE) out.cert = file(env, 'REDIS_TLS_CERT_FILE');
  if (env.REDIS_TLS_KEY_FILE) out.key = file(env, 'REDIS_TLS_KEY_FILE');
  if (flag(env.REDIS_TLS_INSECURE)) out.rejectUnauthorized = false;
  return Object.keys(out).length ? out : undefined;
}

function file(env: NodeJS.ProcessEnv, name: string): Buffer {
  try {
    return readFileSync(env[name]!);
  } catch (err) {
    throw new RedisConfigError(`${name}=${env[name]}: ${(err as Error).message}`);
  }
}

function flag(value: string | undefined): boolean {
  return value !== undefined && /^(1|true|yes)$/i.test(value.trim());
}

function positive(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n <= 0) throw new RedisConfigError(`${name}=${raw} is not a positive number of milliseconds`);
  return n;
}
