import type { Redis } from 'ioredis';
import { normalizeEmail } from '../../contacts/normalize.js';
import { contactFields } from '../../contacts/store.js';
import { engage, logGlobal, type EventType } from '../../enroll/engage.js';
import { renderInline } from '../../delivery/render-inline.js';
import { readEnrollment } from '../../enroll/read.js';
import type { Keys } from '../../state/keys.js';
import { IN_PROGRESS, readScenarioRecords, readVersion } from '../../state/scenario-store.js';
import { recordForContact } from '../record-event.js';
import { findFirstSend, type SendRef } from '../sends.js';
import type { InboundMessage } from './types.js';

/** What became of a message that came back. */
export interface InboundOutcome {
  /** The event recorded (`unmatched` when none fits), or `duplicate` for a message already taken. */
  event: EventType | 'duplicate';
  contactId?: string;
  scenario?: string;
  step?: string;
  visit?: number;
  /** How the send was found (`references`, `verp`, `subject`, `sender`), or why nothing was. */
  how: string;
  /** Other scenarios the contact left because it replied (every one that exits on reply). */
  alsoIn?: string[];
}

/** How long a message's own Message-ID is remembered, so a provider's retry is not taken twice. */
const SEEN_S = 7 * 86_400;
/** The most of a reply's text kept in the log (the report's "reply" column). */
const TEXT_MAX = 10_000;

const EVENT: Record<InboundMessage['kind'], EventType> = {
  'reply': 'replied',
  'auto-reply': 'auto-replied',
  'hard-bounce': 'bounced',
  'soft-bounce': 'soft-bounced',
  'complaint': 'complained',
  'unsubscribe': 'unsubscribed',
  'unmatched': 'unmatched',
};

/**
 * Records a message that came back (parsed by parse.ts) as the event it is, for the send it
 * answers: found by its references (In-Reply-To, References, a report's returned Message-ID),
 * then its VERP id, then, for a person's message, by the sender and the subject of an email the
 * contact received. A reply ends the run of the scenario it answers and of every other one the
 * contact is in (each exits on reply unless its `exitOn` says otherwise); a hard bounce and a
 * complaint suppress the address everywhere. Whatever fits nothing is logged as `unmatched`,
 * with why, never dropped.
 */
export async function recordInbound(redis: Redis, keys: Keys, message: InboundMessage, at: Date): Promise<InboundOutcome> {
  if (message.messageId) {
    const first = await redis.set(keys.scratch(`inbound:${message.messageId}`), '1', 'EX', SEEN_S, 'NX');
    if (first === null) return { event: 'duplicate', how: `message ${message.messageId} was taken before` };
  }
  const type = EVENT[message.kind];
  const about = message.kind === 'hard-bounce' || message.kind === 'soft-bounce' || message.kind === 'complaint' ? message.recipient ?? '' : message.from;
  const found = type === 'unmatched' ? undefined : await findSendOf(redis, keys, message, about);
  const detail = detailOf(message);

  if (!found) {
    const id = about ? await redis.hget(keys.contactIds(), normalizeEmail(about)) : null;
    if (!id || type === 'unmatched') return unmatched(redis, keys, message, at, type === 'unmatched' ? message.reason ?? 'not a reply, a report or an unsubscribe' : about ? `no contact ${normalizeEmail(about)}` : 'no address to match');
    // A known address with no send to tie the message to: the contact's own event, in every scenario.
    await recordForContact(redis, keys, id, { type, email: about, at, source: 'inbound', detail });
    const alsoIn = type === 'replied' ? await replyEverywhere(redis, keys, id, undefined, at) : undefined;
    return { event: type, contactId: id, how: 'sender', ...(alsoIn ? { alsoIn } : {}) };
  }

  const { send, how } = found;
  const email = about || (await emailOf(redis, keys, send.contactId));
  await recordForContact(redis, keys, send.contactId, { type, email, scenario: send.scenario, step: send.step, visit: send.visit, at, source: 'inbound', detail });
  const alsoIn = type === 'replied' ? await replyEverywhere(redis, keys, send.contactId, send.scenario, at) : undefined;
  return { event: type, contactId: send.contactId, scenario: send.scenario, step: send.step, visit: send.visit, how, ...(alsoIn ? { alsoIn } : {}) };
}

async function findSendOf(redis: Redis, keys: Keys, message: InboundMessage, address: string): Promise<{ send: SendRef; how: string } | undefined> {
  const byRefs = await findFirstSend(redis, keys, message.refs);
  if (byRefs) return { send: byRefs, how: 'references' };
  const byVerp = await findFirstSend(redis, keys, message.verp);
  if (byVerp) return { send: byVerp, how: 'verp' };
  if ((message.kind === 'reply' || message.kind === 'auto-reply') && address) {
    const bySubject = await findBySubject(redis, keys, normalizeEmail(address), message.subject);
    if (bySubject) return { send: bySubject, how: 'subject' };
  }
  return undefined;
}

/** `Re: Hello`, `RE : Hello`, `TR: Fwd: Hello`… → `hello`: what a reply's subject keeps of the original's. */
export function baseSubject(subject: string): string {
  let s = subject.trim();
  for (let previous = ''; previous !== s;) {
    previous = s;
    s = s.replace(/^\s*(?:re|aw|sv|fw|fwd|tr|wg|rv|antw|réf|ref)\s*(?:\[\d+\])?\s*:\s*/i, '');
  }
  return s.replace(/\s+/g, ' ').trim().toLowerCase();
}

/**
 * A client that dropped In-Reply-To and References: the contact by its address, then, among the
 * emails it received from the scenarios it is in, the one whose subject (rendered for it) the
 * reply's subject repeats. Two candidates: the one sent last.
 */
async function findBySubject(redis: Redis, keys: Keys, email: string, subject: string): Promise<SendRef | undefined> {
  const wanted = baseSubject(subject);
  if (!wanted) return undefined;
  const id = await redis.hget(keys.contactIds(), email);
  if (!id) return undefined;
  const fields = (await contactFields(redis, keys, id)) ?? {};
  let best: SendRef | undefined;
  for (const record of (await readScenarioRecords(redis, keys)).values()) {
    if (record.state === 'archived') continue;
    const enrollment = await readEnrollment(redis, keys, record.name, id);
    if (!enrollment) continue;
    const version = await readVersion(redis, keys, record.name, enrollment.version);
    if (!version) continue;
    for (const stepId of version.graph.order) {
      const step = version.graph.steps[stepId]?.step;
      if (step?.type !== 'email' || baseSubject(renderInline(step.subject, fields)) !== wanted) continue;
      // The visit: the one the ledger has for this contact and step (the last one, if several).
      const sent = await lastVisit(redis, keys, record.name, id, stepId);
      if (sent && (!best || sent.visit > best.visit)) best = sent;
    }
  }
  return best;
}

async function lastVisit(redis: Redis, keys: Keys, scenario: string, contactId: string, step: string): Promise<SendRef | undefined> {
  let best: SendRef | undefined;
  let cursor = '0';
  do {
    const [next, entries] = await redis.hscan(keys.ledger(scenario), cursor, 'MATCH', `${contactId}|${step}|*`, 'COUNT', 1000);
    cursor = next;
    for (let i = 0; i < entries.length; i += 2) {
      if (!entries[i + 1]!.startsWith('sent|') && !entries[i + 1]!.startsWith('unknown|')) continue;
      const visit = Number(entries[i]!.split('|')[2]);
      if (!best || visit > best.visit) best = { scenario, contactId, step, visit };
    }
  } while (cursor !== '0');
  return best;
}

/**
 * A reply is the person answering: every other scenario the contact is in hears it too, as a
 * reply to no email of its own (flag `p` on step `*`), so each one's `exitOn: reply` ends the run.
 */
async function replyEverywhere(redis: Redis, keys: Keys, contactId: string, answered: string | undefined, at: Date): Promise<string[]> {
  const out: string[] = [];
  for (const record of (await readScenarioRecords(redis, keys)).values()) {
    if (record.state === 'archived' || record.name === answered) continue;
    const enrollment = await readEnrollment(redis, keys, record.name, contactId);
    if (!enrollment || !IN_PROGRESS.includes(enrollment.status)) continue;
    await engage(redis, keys, record.name, { type: 'replied', contactId, source: 'inbound', at, detail: answered ? { via: answered } : {} }, [{ kind: 'replied', step: '*' }]);
    out.push(record.name);
  }
  return out;
}

async function unmatched(redis: Redis, keys: Keys, message: InboundMessage, at: Date, reason: string): Promise<InboundOutcome> {
  const detail: Record<string, string> = { ...detailOf(message), reason, kind: message.kind };
  if (message.from) detail.from = message.from;
  await logGlobal(redis, keys, { type: 'unmatched', contactId: '', source: 'inbound', at, detail });
  return { event: 'unmatched', how: reason };
}

async function emailOf(redis: Redis, keys: Keys, contactId: string): Promise<string> {
  return String((await contactFields(redis, keys, contactId))?.email ?? '');
}

/** What the log keeps of the message: its subject, the reply's own text, a bounce's status. */
function detailOf(message: InboundMessage): Record<string, string> {
  const detail: Record<string, string> = {};
  if (message.subject) detail.subject = message.subject.slice(0, 500);
  if (message.text && (message.kind === 'reply' || message.kind === 'auto-reply')) detail.text = message.text.slice(0, TEXT_MAX);
  if (message.status) detail.status = message.status;
  if (message.diagnostic) detail.diagnostic = message.diagnostic.slice(0, 500);
  if (message.kind !== 'reply' && message.reason) detail.reason = message.reason;
  if (message.messageId) detail.message = message.messageId.slice(0, 300);
  return detail;
}
