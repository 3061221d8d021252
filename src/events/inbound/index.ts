import type { Redis } from 'ioredis';
import type { Keys } from '../../state/keys.js';
import { parseInbound } from './parse.js';
import { recordInbound, type InboundOutcome } from './record.js';
import type { InboundKind, ParseOptions } from './types.js';

export { InboundParseError, MAX_INBOUND_BYTES } from './parse.js';
export type { InboundMessage, InboundKind } from './types.js';
export type { InboundOutcome } from './record.js';

/**
 * Takes one message that came back (raw RFC 5322 bytes: a provider's inbound route, a Postfix
 * pipe, a file): reads it, then records it as the event it is. Throws InboundParseError for
 * what is not an email, having recorded nothing.
 */
export async function takeInbound(redis: Redis, keys: Keys, raw: Buffer, at: Date, options: ParseOptions = {}): Promise<InboundOutcome & { kind: InboundKind }> {
  const message = await parseInbound(raw, options);
  return { kind: message.kind, ...(await recordInbound(redis, keys, message, at)) };
}
