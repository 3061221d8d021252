import type { IncomingHttpHeaders } from 'node:http';
import type { EventType } from '../../events/record-event.js';
import type { ServeDeps } from '../deps.js';

/** A call as it reached `POST /webhooks/<provider>`: the signature covers these exact bytes. */
export interface SignedCall {
  headers: IncomingHttpHeaders;
  raw: Buffer;
  /** The server's clock (`deps.clock`), for the ±5 minutes window. */
  now: Date;
}

/**
 * A verified call: its parsed body, and what identifies it for the replay memory (the route keeps
 * it in Redis for 10 minutes, longer than the window). Refused: what to answer.
 */
export type Verification =
  | { ok: true; replayKey: string; body: unknown }
  | { ok: false; status: 400 | 401; code: 'BAD_SIGNATURE' | 'STALE' | 'BAD_REQUEST'; message: string };

export type Verifier = (call: SignedCall) => Verification;

/** One event a provider reported, in relance's terms; the route finds its send and its contact. */
export interface ProviderEvent {
  type: EventType;
  /** The recipient, as the provider spells it (normalised by the route). */
  email: string;
  /** The Message-ID of the email it is about, with or without brackets, when the provider gives it. */
  messageId?: string;
  at: Date;
  /** Opens and clicks: the provider's own finding that a machine made it (`apple-privacy-proxy`)... */
  botReason?: string;
  /** ...else what `classify` looks at. */
  userAgent?: string;
  ip?: string;
  /** Kept in the log: `provider`, the provider's event name and id, a bounce's reason… (text). */
  detail: Record<string, string>;
}

/** An item of a call: an event to record, or one relance has no use for (`processed`, `accepted`, malformed), and why. */
export type ProviderItem = { event: ProviderEvent } | { skip: string };

/**
 * A mail provider's webhooks (renovate-style: one folder each, registered in `PROVIDERS` of
 * `./index.ts`). Pure: the route does the Redis work (replay memory, recording).
 */
export interface WebhookProvider {
  /** The path segment: `POST /webhooks/<name>`. */
  readonly name: string;
  /** The environment variable its key comes from, named in the answer when it is missing. */
  readonly keyVariable: string;
  /** Its key in the server's deps; none: the provider is not configured (404 `PROVIDER_NOT_CONFIGURED`). */
  key(deps: ServeDeps): string | undefined;
  /** The verifier for `key`, made once at startup, or why the key is unusable (a malformed public key). */
  verifier(key: string): Verifier | string;
  /** The items of a verified body, or what is wrong with its shape (400). */
  items(body: unknown, now: Date): ProviderItem[] | string;
}
