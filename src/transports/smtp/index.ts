import { connect, type Socket } from 'node:net';
import nodemailer from 'nodemailer';
import type SMTPPool from 'nodemailer/lib/smtp-pool/index.js';
import type { RenderedEmail } from '../../delivery/render.js';
import { TransportConfigError } from '../config-error.js';
import { nodemailerDkim, toNodemailerMessage } from '../message.js';
import type { DkimConfig, SendResult, Transport, TransportPlugin } from '../types.js';

export interface SmtpConfig {
  /** `smtp://user:pass@host:587`, `smtps://…:465`, with options as query: `?pool=true&maxConnections=5&tls.rejectUnauthorized=false`. */
  url: string;
  dkim?: DkimConfig;
  /** Options over the URL's (tests, embedding). */
  options?: Record<string, unknown>;
}

/** Pooled by default, timeouts short enough for a worker to notice a dead server. */
const DEFAULTS = {
  pool: true,
  maxConnections: 5,
  maxMessages: 100,
  connectionTimeout: 30_000,
  greetingTimeout: 30_000,
  socketTimeout: 60_000,
  disableFileAccess: true,
  disableUrlAccess: true,
};

const UNSAFE_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

function scalar(value: string): string | number | boolean {
  if (value === 'true') return true;
  if (value === 'false') return false;
  if (value !== '' && /^-?\d+(\.\d+)?$/.test(value)) return Number(value);
  return value;
}

/** nodemailer options from an SMTP URL (the password never appears in errors). */
export function parseSmtpUrl(url: string): Record<string, unknown> {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new TransportConfigError('SMTP_URL is not a valid URL (expected smtp://user:pass@host:port or smtps://…)');
  }
  if (u.protocol !== 'smtp:' && u.protocol !== 'smtps:') throw new TransportConfigError(`SMTP_URL must start with smtp:// or smtps://, not ${u.protocol}//`);
  if (!u.hostname) throw new TransportConfigError('SMTP_URL has no host');
  const options: Record<string, unknown> = { host: u.hostname.replace(/^\[(.*)\]$/, '$1'), secure: u.protocol === 'smtps:' };
  options.port = u.port ? Number(u.port) : u.protocol === 'smtps:' ? 465 : 587;
  if (u.username || u.password) {
    try {
      options.auth = { user: decodeURIComponent(u.username), pass: decodeURIComponent(u.password) };
    } catch {
      throw new TransportConfigError('SMTP_URL has a badly percent-encoded user or password');
    }
  }
  const tls: Record<string, unknown> = {};
  for (const [key, value] of u.searchParams) {
    const name = key.startsWith('tls.') ? key.slice(4) : key;
    if (UNSAFE_KEYS.has(name) || name === '' || name.includes('.')) continue;
    if (key.startsWith('tls.')) tls[name] = scalar(value);
    else options[name] = scalar(value);
  }
  if (Object.keys(tls).length) options.tls = tls;
  return options;
}

/** Where the server is, without credentials, for logs. */
export function redactSmtpUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return 'smtp://(invalid url)';
  }
}

/**
 * Opens the TCP connection for nodemailer with Nagle's algorithm off. An SMTP client writes small
 * commands and the end-of-data dot right after the body; with Nagle on, each message waits for a
 * delayed ACK (~40 ms), which caps a pooled connection at ~20 messages/s. nodemailer upgrades this
 * socket to TLS itself for smtps:// (and STARTTLS).
 */
function openSocket(options: SMTPPool.Options, callback: (err: Error | null, socketOptions?: unknown) => void): void {
  const socket = connect({ host: options.host ?? 'localhost', port: options.port ?? 587, ...(options.localAddress ? { localAddress: options.localAddress } : {}) });
  socket.setNoDelay(true);
  corkPerTick(socket);
  let done = false;
  const finish = (err: Error | null) => {
    if (done) return;
    done = true;
    clearTimeout(timer);
    socket.removeListener('error', finish);
    if (err) {
      socket.destroy();
      callback(Object.assign(err, { command: 'CONN' }));
    } else callback(null, { connection: socket });
  };
  const timer = setTimeout(() => finish(Object.assign(new Error('Connection timeout'), { code: 'ETIMEDOUT' })), options.connectionTimeout ?? DEFAULTS.connectionTimeout);
  socket.once('connect', () => finish(null));
  socket.once('error', finish);
}

/**
 * Writes made in one tick leave in one system call: nodemailer writes a message's body and then
 * its end-of-data dot separately, and without Nagle each write is a packet and a syscall of its
 * own (a fifth of an SMTP transaction's writes). SMTP waits for a reply after every command, so
 * nothing is held back longer than the current tick.
 */
function corkPerTick(socket: Socket): void {
  const write = socket.write;
  let corked = false;
  socket.write = function (this: Socket, ...args: Parameters<Socket['write']>) {
    if (!corked) {
      corked = true;
      this.cork();
      process.nextTick(() => {
        corked = false;
        socket.uncork();
      });
    }
    return write.apply(this, args);
  } as Socket['write'];
}

export function createTransport(config: SmtpConfig): Transport {
  const options = { ...DEFAULTS, ...parseSmtpUrl(config.url), ...config.options } as SMTPPool.Options & { pool: boolean };
  if (config.dkim) options.dkim = nodemailerDkim(config.dkim);
  // A proxy brings its own socket; otherwise ours, without Nagle.
  if (!(options as { proxy?: string }).proxy && !options.getSocket) options.getSocket = openSocket;
  const transporter = nodemailer.createTransport(options);
  let closed = false;
  const inFlight = new Set<Promise<unknown>>();
  return {
    concurrency: options.pool ? options.maxConnections ?? DEFAULTS.maxConnections : 1,
    async send(mail: RenderedEmail): Promise<SendResult> {
      if (closed) throw Object.assign(new Error('SMTP transport is closed'), { code: 'ECONNECTION' });
      const sending = transporter.sendMail(toNodemailerMessage(mail));
      inFlight.add(sending);
      try {
        const info = await sending;
        return { messageId: mail.messageId, response: String(info.response ?? '') };
      } finally {
        inFlight.delete(sending);
      }
    },
    async close(): Promise<void> {
      closed = true;
      await Promise.allSettled([...inFlight]);
      transporter.close();
    },
  };
}

export const smtpTransport: TransportPlugin<SmtpConfig> = { name: 'smtp', createTransport };
