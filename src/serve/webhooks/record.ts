import type { FastifyBaseLogger } from 'fastify';
import { isValidEmail, normalizeEmail } from '../../contacts/normalize.js';
import { botClickSeconds, classify } from '../../events/bots.js';
import { UnknownContactEventError, recordEvent, recordForContact, type ContactEvent } from '../../events/record-event.js';
import { findSend, type SendRef } from '../../events/sends.js';
import { visitField } from '../../state/enrollment.js';
import type { ServeDeps } from '../deps.js';
import { sentAtMs } from '../track-recorder.js';
import type { ProviderEvent, ProviderItem } from './types.js';

export interface Tally {
  received: number;
  recorded: number;
  /** Skipped (an event relance has no use for, a malformed one) or about nobody relance knows. */
  ignored: number;
  /** Not recorded because relance failed (Redis): the call must be answered 5xx, so that it comes again. */
  failed: number;
}

/**
 * Records a call's events one by one (source `webhook`), each on its own: a malformed one or an
 * unknown address is ignored and the others still count. An event about a send relance knows
 * (its Message-ID) goes to that send's scenario, step and visit; else, if the address is a
 * contact's, to the global log (a bounce or a complaint still suppresses the address).
 */
export async function recordItems(deps: ServeDeps, log: FastifyBaseLogger, items: ProviderItem[], counted: (type: string, bot: boolean) => void): Promise<Tally> {
  const tally: Tally = { received: items.length, recorded: 0, ignored: 0, failed: 0 };
  for (const item of items) {
    if ('skip' in item) { tally.ignored++; continue; }
    try {
      const recorded = await recordOne(deps, item.event);
      if (recorded) {
        tally.recorded++;
        counted(item.event.type, recorded.bot);
      } else {
        tally.ignored++;
      }
    } catch (err) {
      tally.failed++;
      log.error({ err, type: item.event.type }, 'recording a provider event failed');
    }
  }
  return tally;
}

/** Records one event; undefined when it is about nobody relance knows. */
async function recordOne(deps: ServeDeps, event: ProviderEvent): Promise<{ bot: boolean } | undefined> {
  const { redis, keys } = deps;
  const email = normalizeEmail(event.email);
  if (!isValidEmail(email)) return undefined;
  const send = event.messageId ? await findSend(redis, keys, event.messageId) : undefined;
  const bot = await botOf(deps, event, send);
  const detail = bot.reason ? { ...event.detail, r: bot.reason } : event.detail;
  const contactEvent: ContactEvent = { type: event.type, email, at: event.at, source: 'webhook', bot: bot.bot, detail };
  if (send) {
    // A contact erased since the email went out: nothing is written about it.
    if (!(await redis.hexists(keys.contactData(), send.contactId))) return undefined;
    await recordForContact(redis, keys, send.contactId, { ...contactEvent, scenario: send.scenario, step: send.step, visit: send.visit });
    return { bot: bot.bot };
  }
  try {
    await recordEvent(redis, keys, contactEvent);
    return { bot: bot.bot };
  } catch (err) {
    if (err instanceof UnknownContactEventError) return undefined;
    throw err;
  }
}

/** Opens and clicks: the provider's finding, else relance's own (a click too soon after its send's delivery is a scanner's). */
async function botOf(deps: ServeDeps, event: ProviderEvent, send: SendRef | undefined): Promise<{ bot: boolean; reason?: string }> {
  if (event.type !== 'opened' && event.type !== 'clicked') return { bot: false };
  if (event.botReason) return { bot: true, reason: event.botReason };
  let deliveredAtMs: number | undefined;
  if (event.type === 'clicked' && send) {
    deliveredAtMs = sentAtMs(await deps.redis.hget(deps.keys.ledger(send.scenario), visitField(send.contactId, send.step, send.visit)));
  }
  return classify({
    userAgent: event.userAgent, ip: event.ip, kind: event.type === 'opened' ? 'open' : 'click',
    nowMs: event.at.getTime(), deliveredAtMs, clickSeconds: botClickSeconds(),
  });
}
