import type { TransportConfig } from './config.js';
import { outboxTransport } from './outbox/index.js';
import { smtpTransport } from './smtp/index.js';
import type { Transport } from './types.js';

/** Every transport family, by name. Each lives in its own folder with the same shape. */
export const transports = { smtp: smtpTransport, outbox: outboxTransport } as const;

export type TransportName = keyof typeof transports;

/** The transport a configuration (`resolveTransportConfig`) names. */
export function createTransport(config: TransportConfig): Transport {
  switch (config.kind) {
    case 'smtp':
      return transports.smtp.createTransport(config.dkim ? { url: config.url, dkim: config.dkim } : { url: config.url });
    case 'outbox':
      return transports.outbox.createTransport(config.dkim ? { dir: config.dir, dkim: config.dkim } : { dir: config.dir });
  }
}

export { TransportConfigError } from './config-error.js';
export { dkimFromEnv, resolveTransportConfig, type TransportConfig } from './config.js';
export { DKIM_HEADER_FIELDS, nodemailerDkim, toNodemailerMessage } from './message.js';
export { outboxFileName, DEFAULT_OUTBOX_DIR, type OutboxConfig } from './outbox/index.js';
export { classifySendError, describeSendError, isConnectionError, type SendErrorClass, type SendErrorInfo } from './send-error.js';
export { parseSmtpUrl, redactSmtpUrl, type SmtpConfig } from './smtp/index.js';
export type { DkimConfig, SendResult, Transport, TransportPlugin } from './types.js';
