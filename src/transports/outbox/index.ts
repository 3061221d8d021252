import { randomBytes } from 'node:crypto';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import nodemailer from 'nodemailer';
import type { RenderedEmail } from '../../delivery/render.js';
import { nodemailerDkim, toNodemailerMessage } from '../message.js';
import type { DkimConfig, SendResult, Transport, TransportPlugin } from '../types.js';

export interface OutboxConfig {
  /** Directory of the .eml files (default `.relance/outbox`, under the current directory). */
  dir?: string;
  dkim?: DkimConfig;
}

export const DEFAULT_OUTBOX_DIR = '.relance/outbox';

/** A file name from a Message-ID: `<a1b2@acme.example>` → `a1b2@acme.example.eml`. */
export function outboxFileName(messageId: string): string {
  const stem = messageId
    .replace(/^<|>$/g, '')
    .replace(/[^A-Za-z0-9._@+-]/g, '_')
    .replace(/^\.+/, '_')
    .slice(0, 200);
  return `${stem || 'message'}.eml`;
}

/**
 * The embedded outbox: each message is built as real MIME (nodemailer's stream transport, CRLF
 * line ends, DKIM-signed when configured) and written to `<dir>/<message id>.eml`, so nothing
 * leaves the machine until SMTP is configured. A retried send rewrites the same file.
 */
export function createTransport(config: OutboxConfig = {}): Transport {
  const dir = resolve(config.dir ?? DEFAULT_OUTBOX_DIR);
  const transporter = nodemailer.createTransport({
    streamTransport: true,
    buffer: true,
    newline: 'windows',
    disableFileAccess: true,
    disableUrlAccess: true,
    ...(config.dkim ? { dkim: nodemailerDkim(config.dkim) } : {}),
  });
  let ready: Promise<unknown> | undefined;
  return {
    // Files, not connections: a few at once keep the disk busy.
    concurrency: 8,
    async send(mail: RenderedEmail): Promise<SendResult> {
      ready ??= mkdir(dir, { recursive: true });
      await ready;
      const info = await transporter.sendMail(toNodemailerMessage(mail));
      const path = join(dir, outboxFileName(mail.messageId));
      // Written next to its final name, then renamed: a reader never sees half a message.
      const temp = `${path}.${randomBytes(6).toString('hex')}.tmp`;
      try {
        await writeFile(temp, info.message as Buffer);
        await rename(temp, path);
      } catch (err) {
        await rm(temp, { force: true });
        throw err;
      }
      return { messageId: mail.messageId, response: `250 written to ${path}` };
    },
    async close(): Promise<void> {
      transporter.close();
    },
  };
}

export const outboxTransport: TransportPlugin<OutboxConfig> = { name: 'outbox', createTransport };
