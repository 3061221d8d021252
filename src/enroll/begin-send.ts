import type { Redis } from 'ioredis';
import type { Keys } from '../state/keys.js';
import { runScriptCoalesced } from '../state/scripts.js';

/** Why a reserved send did not start: the contact or scenario changed after the reservation. */
export type Withdrawal = 'suppressed' | 'paused' | 'archived' | 'moved' | 'lost';

export interface BeginSend {
  scenario: string;
  contactId: string;
  email: string;
  /** The enrollment as the worker read it: a contact paused, removed or moved on since is not sent to. */
  enrollment: string;
  ledgerField: string;
  quotaKey: string;
  /** The reservation's owner, `<worker id>/<batch>`. */
  owner: string;
  nowS: number;
}

/**
 * The last look before an SMTP transaction (lua/begin-send.lua): the send starts only if the
 * scenario runs, the enrollment is unchanged, the address is not suppressed and the reservation is
 * still this batch's; then the attempt is marked started. Otherwise the reservation is released.
 */
export async function beginSend(redis: Redis, keys: Keys, send: BeginSend): Promise<'go' | Withdrawal> {
  return runScriptCoalesced<'go' | Withdrawal>(redis, 'begin-send',
    [keys.ledger(send.scenario), keys.suppressed(), keys.scenario(send.scenario), keys.enrollments(send.scenario), send.quotaKey],
    [send.ledgerField, send.owner, send.nowS, send.contactId, send.enrollment, send.email]);
}
