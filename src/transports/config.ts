import { readFileSync } from 'node:fs';
import { TransportConfigError } from './config-error.js';
import { DEFAULT_OUTBOX_DIR } from './outbox/index.js';
import type { DkimConfig } from './types.js';

export type TransportConfig =
  | { kind: 'smtp'; url: string; dkim?: DkimConfig }
  | { kind: 'outbox'; dir: string; dkim?: DkimConfig };

/**
 * DKIM from `DKIM_DOMAIN`, `DKIM_SELECTOR` and `DKIM_PRIVATE_KEY` (PEM; `\n` escapes allowed) or
 * `DKIM_PRIVATE_KEY_FILE`. None set: no DKIM. Some but not all: a configuration error.
 */
export function dkimFromEnv(env: NodeJS.ProcessEnv): DkimConfig | undefined {
  const domainName = env.DKIM_DOMAIN?.trim();
  const keySelector = env.DKIM_SELECTOR?.trim();
  let privateKey = env.DKIM_PRIVATE_KEY?.trim();
  const keyFile = env.DKIM_PRIVATE_KEY_FILE?.trim();
  if (!domainName && !keySelector && !privateKey && !keyFile) return undefined;
  if (!privateKey && keyFile) {
    try {
      privateKey = readFileSync(keyFile, 'utf8').trim();
    } catch (err) {
      throw new TransportConfigError(`cannot read DKIM_PRIVATE_KEY_FILE ${keyFile}: ${(err as Error).message}`, { cause: err });
    }
  }
  const missing = [!domainName && 'DKIM_DOMAIN', !keySelector && 'DKIM_SELECTOR', !privateKey && 'DKIM_PRIVATE_KEY or DKIM_PRIVATE_KEY_FILE'].filter(Boolean);
  if (missing.length) throw new TransportConfigError(`DKIM is half configured: set ${missing.join(', ')} too`);
  privateKey = privateKey!.replace(/\\n/g, '\n');
  if (!/-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(privateKey)) throw new TransportConfigError('the DKIM private key is not a PEM private key');
  return { domainName: domainName!, keySelector: keySelector!, privateKey };
}

/** SMTP when `SMTP_URL` is set; otherwise the embedded outbox (`RELANCE_OUTBOX_DIR`, default `.relance/outbox`). */
export function resolveTransportConfig(env: NodeJS.ProcessEnv = process.env): TransportConfig {
  const dkim = dkimFromEnv(env);
  const url = env.SMTP_URL?.trim();
  const config: TransportConfig = url ? { kind: 'smtp', url } : { kind: 'outbox', dir: env.RELANCE_OUTBOX_DIR?.trim() || DEFAULT_OUTBOX_DIR };
  if (dkim) config.dkim = dkim;
  return config;
}
