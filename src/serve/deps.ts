import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { Secret } from '../delivery/tokens.js';
import type { Keys } from '../state/keys.js';
import type { Clock } from '../time/clock.js';
import type { ReportAccess } from './report-access.js';

/** What every route family of `relance serve` is given (fastify plugin options). */
export interface ServeDeps {
  redis: Redis;
  keys: Keys;
  /** The token secret the workers sign links with (`resolveSecret`). */
  secret: Secret;
  clock: Clock;
  /** The public base URL of this server (`RELANCE_PUBLIC_URL`), as links in emails name it. */
  publicUrl: string;
  /** Bearer tokens of the API (`RELANCE_API_TOKENS`, comma-separated); none: the API answers 401. */
  apiTokens: readonly string[];
  /** The generic webhook's HMAC secret (`RELANCE_WEBHOOK_SECRET`); none: the route answers 401. */
  webhookSecret?: string;
  /** Mailgun's HTTP webhook signing key (`RELANCE_MAILGUN_SIGNING_KEY`); none: `/webhooks/mailgun` answers 404. */
  mailgunSigningKey?: string;
  /** SendGrid's Event Webhook verification key, base64 DER or PEM (`RELANCE_SENDGRID_PUBLIC_KEY`); none: `/webhooks/sendgrid` answers 404. */
  sendgridPublicKey?: string;
  /** Who may download which reports, and from where (`RELANCE_REPORT_TOKENS`, `RELANCE_REPORTS_DIR`). */
  reports?: ReportAccess;
  log?: Logger;
}
