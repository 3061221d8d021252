import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { RelanceError } from '../errors.js';
import { hmacSha256 } from './hmac-sha256.js';

/**
 * Signed tokens carried by the links of an email: the unsubscribe link and List-Unsubscribe
 * header (`/u/TOKEN`), the open pixel (`/o/TOKEN.gif`), tracked links (`/c/TOKEN/LINK`) and
 * "view in browser" (`/v/TOKEN`). The HTTP server that answers them verifies them with
 * `verifyToken`; nobody can unsubscribe someone else or forge a click without the secret.
 *
 * Wire format: `base64url(JSON payload) "." base64url(HMAC-SHA256(secret, "relance.v1." + first part))`.
 * The JSON uses one-letter keys to keep links short.
 */

export const TOKEN_KINDS = ['unsubscribe', 'open', 'click', 'view'] as const;
export type TokenKind = (typeof TOKEN_KINDS)[number];

export interface TokenPayload {
  /** Scenario name. */
  scenario: string;
  contactId: string;
  /** Step id of the email. */
  step: string;
  kind: TokenKind;
  /** Expiry, in seconds since the epoch. Unsubscribe tokens have none: they must keep working. */
  exp?: number;
  /** Which visit of the step the email was (the enrollment's `since`): one send among the contact's. */
  visit?: number;
  /** A link's id (`linkDigest` of its URL) bound into a click token; emails put it after the token instead (`/c/TOKEN/LINK`). */
  link?: string;
}

export type Secret = string | Buffer;

export type TokenRejection = 'malformed' | 'signature' | 'payload' | 'kind' | 'expired' | 'link';
export type TokenCheck = { ok: true; payload: TokenPayload } | { ok: false; reason: TokenRejection };

/** The secret is missing, too short or unreadable. */
export class SecretError extends RelanceError {
  override readonly code = 'SECRET';
}

const KIND_CODE: Record<TokenKind, string> = { unsubscribe: 'u', open: 'o', click: 'c', view: 'v' };
const CODE_KIND: ReadonlyMap<string, TokenKind> = new Map(Object.entries(KIND_CODE).map(([k, c]) => [c, k as TokenKind]));
const DOMAIN = 'relance.v1.';
const MAX_TOKEN = 1024;
const MAX_FIELD = 256;
const B64URL = /^[A-Za-z0-9_-]+$/;
/** The last character of a canonical base64url SHA-256 (4 data bits, then 00). */
const CANONICAL_LAST = /[AEIMQUYcgkosw048]$/;
const ALLOWED_KEYS = new Set(['s', 'c', 't', 'k', 'e', 'i', 'l']);
export const MIN_SECRET_BYTES = 16;

// Every email signs several links and the server checks thousands a second: a secret's padded
// key blocks are made once (hmac-sha256.ts), not per signature.
const macs = new Map<Secret, (body: string) => Buffer>();

function digest(secret: Secret, body: string): Buffer {
  let mac = macs.get(secret);
  if (!mac) {
    if (macs.size > 16) macs.clear();
    macs.set(secret, (mac = hmacSha256(typeof secret === 'string' ? Buffer.from(secret, 'utf8') : secret, DOMAIN)));
  }
  return mac(body);
}

function mac(secret: Secret, body: string): string {
  return digest(secret, body).toString('base64url');
}

function checkSecret(secret: Secret): void {
  if (Buffer.byteLength(secret) < MIN_SECRET_BYTES) throw new SecretError(`the token secret must be at least ${MIN_SECRET_BYTES} bytes long`);
}

function field(value: unknown, name: string): string {
  if (typeof value !== 'string' || value === '' || value.length > MAX_FIELD) throw new TypeError(`token ${name} must be a non-empty string of at most ${MAX_FIELD} characters`);
  return value;
}

/** A short digest of a link's destination, bound into its click token. */
export function linkDigest(url: string): string {
  return createHash('sha256').update(url).digest('base64url').slice(0, 16);
}

/** Signs a token. The secret is given explicitly: the engine decides where it comes from (`resolveSecret`). */
export function signToken(payload: TokenPayload, secret: Secret): string {
  checkSecret(secret);
  const wire: Record<string, string | number> = {
    s: field(payload.scenario, 'scenario'),
    c: field(payload.contactId, 'contactId'),
    t: field(payload.step, 'step'),
    k: Object.hasOwn(KIND_CODE, payload.kind) ? KIND_CODE[payload.kind] : field(undefined, 'kind'),
  };
  if (payload.exp !== undefined) {
    if (!Number.isSafeInteger(payload.exp) || payload.exp <= 0) throw new TypeError('token exp must be a positive integer (seconds since the epoch)');
    wire.e = payload.exp;
  }
  if (payload.visit !== undefined) {
    if (!Number.isSafeInteger(payload.visit) || payload.visit < 0) throw new TypeError('token visit must be a non-negative integer');
    wire.i = payload.visit;
  }
  if (payload.link !== undefined) wire.l = field(payload.link, 'link');
  const body = Buffer.from(JSON.stringify(wire)).toString('base64url');
  return `${body}.${mac(secret, body)}`;
}

function isString(v: unknown): v is string {
  return typeof v === 'string' && v !== '' && v.length <= MAX_FIELD;
}

/** Rebuilds the payload from parsed JSON, reading own properties only, into a fresh object. */
function readPayload(raw: unknown): TokenPayload | null {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return null;
  const keys = Object.keys(raw);
  // `JSON.parse` turns "__proto__" into an own key, so an unknown key (that one included) shows here.
  if (Object.getPrototypeOf(raw) !== Object.prototype || keys.some((k) => !ALLOWED_KEYS.has(k))) return null;
  const get = (k: string): unknown => (Object.hasOwn(raw, k) ? (raw as Record<string, unknown>)[k] : undefined);
  const s = get('s');
  const c = get('c');
  const t = get('t');
  const k = get('k');
  const e = get('e');
  const v = get('i');
  const l = get('l');
  if (!isString(s) || !isString(c) || !isString(t) || typeof k !== 'string') return null;
  const kind = CODE_KIND.get(k);
  if (!kind) return null;
  if (e !== undefined && (typeof e !== 'number' || !Number.isSafeInteger(e) || e <= 0)) return null;
  if (v !== undefined && (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0)) return null;
  if (l !== undefined && !isString(l)) return null;
  const payload: TokenPayload = Object.create(null) as TokenPayload;
  payload.scenario = s;
  payload.contactId = c;
  payload.step = t;
  payload.kind = kind;
  if (e !== undefined) payload.exp = e;
  if (v !== undefined) payload.visit = v;
  if (l !== undefined) payload.link = l;
  return payload;
}

export interface VerifyOptions {
  /** The kind (or kinds) the route accepts: an open token cannot unsubscribe. */
  kind?: TokenKind | readonly TokenKind[];
  /** Current time, for `exp` (default: now). */
  now?: Date | number;
  /** A destination to check against the link id signed into the token (tests, old `?u=` links). */
  url?: string;
}

/**
 * Checks a token: shape, signature (constant-time), payload shape, kind, expiry, link. Never
 * throws on hostile input; the reason is for logs, not for the visitor.
 */
export function verifyToken(token: unknown, secret: Secret, options: VerifyOptions = {}): TokenCheck {
  checkSecret(secret);
  if (typeof token !== 'string' || token.length > MAX_TOKEN) return { ok: false, reason: 'malformed' };
  const dot = token.indexOf('.');
  if (dot <= 0 || dot !== token.lastIndexOf('.')) return { ok: false, reason: 'malformed' };
  const body = token.slice(0, dot);
  const sig = token.slice(dot + 1);
  if (!B64URL.test(body) || !B64URL.test(sig)) return { ok: false, reason: 'malformed' };
  // 32 bytes are 43 characters whose last carries 4 bits and two zero bits: any other length or
  // last character would be another encoding of some MAC, and is refused before decoding.
  if (sig.length !== 43 || !CANONICAL_LAST.test(sig)) return { ok: false, reason: 'signature' };
  if (!timingSafeEqual(Buffer.from(sig, 'base64url'), digest(secret, body))) return { ok: false, reason: 'signature' };
  let raw: unknown;
  try {
    raw = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
  } catch {
    return { ok: false, reason: 'payload' };
  }
  const payload = readPayload(raw);
  if (!payload) return { ok: false, reason: 'payload' };
  if (options.kind !== undefined) {
    const kinds: readonly TokenKind[] = typeof options.kind === 'string' ? [options.kind] : options.kind;
    if (!kinds.includes(payload.kind)) return { ok: false, reason: 'kind' };
  }
  if (payload.exp !== undefined) {
    const now = options.now === undefined ? Date.now() : typeof options.now === 'number' ? options.now : options.now.getTime();
    if (now >= payload.exp * 1000) return { ok: false, reason: 'expired' };
  }
  if (options.url !== undefined && (payload.link === undefined || linkDigest(options.url) !== payload.link)) return { ok: false, reason: 'link' };
  return { ok: true, payload };
}

export interface SecretOptions {
  env?: NodeJS.ProcessEnv;
  /** Where the generated development secret lives (default `.relance`, under the current directory). */
  dir?: string;
}

/**
 * The token secret: `RELANCE_SECRET` when set; otherwise a development secret generated once and
 * kept in `.relance/secret` (mode 0600), so links in emails sent before a restart keep working.
 */
export function resolveSecret(options: SecretOptions = {}): Buffer {
  const env = options.env ?? process.env;
  const fromEnv = env.RELANCE_SECRET;
  if (fromEnv !== undefined && fromEnv !== '') {
    const secret = Buffer.from(fromEnv);
    checkSecret(secret);
    return secret;
  }
  return loadOrCreateSecret(options.dir ?? '.relance');
}

/** Reads `<dir>/secret`, creating it (32 random bytes, hex, mode 0600) when absent. */
export function loadOrCreateSecret(dir: string): Buffer {
  const path = join(dir, 'secret');
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  try {
    // 'wx' fails if the file exists: two processes starting together keep the first one's secret.
    writeFileSync(path, `${randomBytes(32).toString('hex')}\n`, { flag: 'wx', mode: 0o600 });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw new SecretError(`cannot create ${path}: ${(err as Error).message}`, { cause: err });
  }
  let text: string;
  try {
    if ((statSync(path).mode & 0o077) !== 0) chmodSync(path, 0o600);
    text = readFileSync(path, 'utf8').trim();
  } catch (err) {
    throw new SecretError(`cannot read ${path}: ${(err as Error).message}`, { cause: err });
  }
  const secret = Buffer.from(text);
  if (secret.length < MIN_SECRET_BYTES) throw new SecretError(`${path} holds a secret shorter than ${MIN_SECRET_BYTES} bytes; delete it to generate a new one`);
  return secret;
}
