import { bareAddress } from './addresses.js';
import { field, readFieldGroups } from './report-fields.js';

/** What the `message/feedback-report` part of an RFC 5965 (ARF) report says. */
export interface FeedbackVerdict {
  kind: 'complaint' | 'unmatched';
  reason: string;
  /** Original-Rcpt-To: who complained (often redacted by the mailbox provider). */
  recipient?: string;
  /** Original-Mail-From: the original's envelope sender (VERP for relance's sends). */
  originalMailFrom?: string;
}

// RFC 5965 and RFC 6650: abuse, fraud, virus and other are a recipient's complaint;
// not-spam is the opposite, and auth-failure (RFC 6591) is about the sender's DKIM/SPF, not a person.
const NOT_COMPLAINTS = new Set(['not-spam', 'auth-failure']);

export function readFeedbackReport(content: Buffer): FeedbackVerdict {
  const group = readFieldGroups(content)[0];
  const type = (field(group, 'feedback-type') ?? '').trim().toLowerCase();
  const recipient = bareAddress(field(group, 'original-rcpt-to') ?? '');
  const originalMailFrom = bareAddress(field(group, 'original-mail-from') ?? '');
  const details = { ...(recipient ? { recipient } : {}), ...(originalMailFrom ? { originalMailFrom } : {}) };
  if (NOT_COMPLAINTS.has(type)) return { kind: 'unmatched', reason: `feedback report of type ${type}, not a complaint`, ...details };
  return { kind: 'complaint', reason: `feedback report: ${type || 'no Feedback-Type'}`, ...details };
}
