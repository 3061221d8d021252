import { simpleParser, type Attachment, type HeaderLines, type ParsedMail, type StructuredHeader } from 'mailparser';
import { RelanceError } from '../../errors.js';
import { addressesIn, isDefaultUnsubscribeAddress, verpIdOf } from './addresses.js';
import { autoReplyReason } from './auto-reply.js';
import { readDeliveryStatus } from './delivery-report.js';
import { readFeedbackReport } from './feedback-report.js';
import { headerValue, headerValues } from './header-values.js';
import { messageIdsIn, threadRefs, uniqueIds } from './message-ids.js';
import { headerProblem, rawProblem } from './not-an-email.js';
import { PARSER_OPTIONS, partType } from './parser-options.js';
import { replyText } from './reply-text.js';
import { readReturnedOriginal } from './returned-original.js';
import type { InboundKind, InboundMessage, ParseOptions } from './types.js';

/** The input is not an email (empty, binary, no header block, no sender and no report, too large). */
export class InboundParseError extends RelanceError {
  override readonly code = 'INBOUND_UNREADABLE';
}

/** The most a message may weigh (10 MB): past this it is refused whole, unread. */
export const MAX_INBOUND_BYTES = 10 * 1024 * 1024;

const DELIVERY_STATUS = new Set(['message/delivery-status', 'message/global-delivery-status']);
const FEEDBACK_REPORT = 'message/feedback-report';

/** A delivery report's or a complaint's verdict, with what it says about the returned original. */
interface ReportReading {
  kind: InboundKind;
  reason: string;
  recipient?: string;
  status?: string;
  diagnostic?: string;
}

/** Everything read from the message; what it is gets decided from this alone (decide()). */
interface Reading {
  message: InboundMessage;
  report?: ReportReading;
  /** The body's new text (not read for reports). */
  text?: string;
  autoReply?: string;
  /** From MAILER-DAEMON, or sent with a null envelope sender (`Return-Path: <>`): a mail system wrote it. */
  fromMailSystem?: boolean;
}

/**
 * Reads one raw inbound message (RFC 5322 bytes) and says what it is, from the message alone:
 * a complaint (ARF), a bounce (RFC 3464 DSN), an unsubscribe, an automatic reply, a person's
 * reply, or unmatched. Throws InboundParseError, and nothing else, for input that is not an email.
 */
export async function parseInbound(raw: Buffer, options: ParseOptions = {}): Promise<InboundMessage> {
  if (!Buffer.isBuffer(raw)) throw new InboundParseError('not an email: the input is not a Buffer');
  if (raw.length > MAX_INBOUND_BYTES) throw new InboundParseError(`not read: the message is ${raw.length} bytes, over the ${MAX_INBOUND_BYTES}-byte (10 MB) limit`);
  // Blank lines before the headers (an HTTP body, a pipe) are not the empty line that ends them.
  let start = 0;
  while (start < raw.length && (raw[start] === 0x0a || raw[start] === 0x0d)) start++;
  const bytes = raw.subarray(start);
  const problem = rawProblem(bytes);
  if (problem) throw new InboundParseError(`not an email: ${problem}`);
  let reading: Reading;
  try {
    reading = await read(await simpleParser(bytes, PARSER_OPTIONS));
  } catch (err) {
    if (err instanceof InboundParseError) throw err;
    throw new InboundParseError(`not an email: it cannot be read as one (${err instanceof Error ? err.message : String(err)})`, { cause: err });
  }
  return decide(reading, options.isUnsubscribeAddress ?? isDefaultUnsubscribeAddress);
}

/** The Date header as written, when it parses (mailparser puts "now" in place of a broken one). */
function dateOf(lines: HeaderLines): Date | undefined {
  const value = headerValue(lines, 'date');
  if (!value) return undefined;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? undefined : date;
}

/** A decoded header text on one line: an encoded word can hide line breaks and control characters. */
function oneLine(text: string): string {
  return text.replace(/[\x00-\x1f\x7f]+/g, ' ').trim();
}

/** The report-type of a `multipart/report` message ('' when it names none), or undefined for any other message. */
function reportTypeOf(mail: ParsedMail): string | undefined {
  const value = mail.headers.get('content-type');
  if (!value || typeof value !== 'object' || Array.isArray(value) || value instanceof Date) return undefined;
  // mailparser gives Content-Type as { value, params }.
  const header = value as StructuredHeader;
  if (typeof header.value !== 'string' || header.value.toLowerCase() !== 'multipart/report') return undefined;
  const type = typeof header.params === 'object' && header.params !== null ? header.params['report-type'] : undefined;
  return typeof type === 'string' ? type.trim().toLowerCase() : '';
}

/**
 * A delivery report's or a complaint's verdict, and what it adds to refs (the returned original's
 * Message-ID, which names the send first) and to verp (the original's envelope sender).
 */
async function readReport(mail: ParsedMail): Promise<{ verdict: ReportReading; refs: string[]; verp: string[] } | undefined> {
  const reportType = reportTypeOf(mail);
  const parts: Attachment[] = mail.attachments;
  const feedback = parts.find((part) => partType(part) === FEEDBACK_REPORT);
  const delivery = parts.find((part) => DELIVERY_STATUS.has(partType(part)));
  if (!feedback && !delivery) {
    if (reportType === undefined) return undefined;
    const reason = reportType === 'feedback-report' || reportType === 'delivery-status' ? `a ${reportType} report without its ${reportType} part` : `a report of another kind (${reportType || 'no report-type'})`;
    return { verdict: { kind: 'unmatched', reason }, refs: [], verp: [] };
  }
  const original = await readReturnedOriginal(parts);
  const refs = original?.messageId ? [original.messageId] : [];
  const senders = [...(original?.returnPath ?? [])];
  let verdict: ReportReading;
  if (feedback) {
    const { originalMailFrom, ...feedbackVerdict } = readFeedbackReport(feedback.content);
    // Original-Mail-From is the original's envelope sender, as its Return-Path is.
    if (originalMailFrom) senders.push(originalMailFrom);
    verdict = feedbackVerdict;
  } else {
    verdict = delivery ? readDeliveryStatus(delivery.content) : { kind: 'unmatched', reason: 'delivery report with no recipient' };
  }
  // Who bounced or complained: the report says, else the original's To.
  const recipient = verdict.recipient ?? original?.to[0];
  return { verdict: { ...verdict, ...(recipient ? { recipient } : {}) }, refs, verp: senders.map((address) => verpIdOf(address) ?? '') };
}

async function read(mail: ParsedMail): Promise<Reading> {
  const lines = mail.headerLines;
  const problem = headerProblem(lines);
  if (problem) throw new InboundParseError(`not an email: ${problem}`);
  const fromHeader = headerValues(lines, 'from');
  const from = addressesIn(fromHeader.slice(0, 1))[0] ?? '';
  const to = addressesIn(['to', 'cc', 'delivered-to', 'x-original-to'].flatMap((name) => headerValues(lines, name)));
  const report = await readReport(mail);
  if (!fromHeader.length && !report) throw new InboundParseError('not an email: no From header and no delivery or feedback report');
  const refs = [...(report?.refs ?? []), ...threadRefs(lines)];
  const verp = [...to.map((address) => verpIdOf(address) ?? ''), ...(report?.verp ?? [])];

  const subject = oneLine(mail.subject ?? '');
  const date = dateOf(lines);
  const messageId = messageIdsIn(headerValue(lines, 'message-id') ?? '')[0];
  const message: InboundMessage = {
    kind: 'unmatched',
    refs: uniqueIds(refs),
    verp: [...new Set(verp.filter(Boolean))],
    from,
    to,
    subject,
    ...(date ? { date } : {}),
    ...(messageId ? { messageId } : {}),
  };
  if (report) return { message, report: report.verdict };
  const autoReply = autoReplyReason(lines, subject);
  const returnPath = headerValue(lines, 'return-path');
  const fromMailSystem = /^<\s*>$/.test(returnPath ?? '') || /^mailer-daemon@/.test(from);
  return { message, text: replyText(mail.text ?? ''), ...(autoReply ? { autoReply } : {}), fromMailSystem };
}

/**
 * What the message is, first match wins: a report (complaint, then delivery status), a message
 * to the unsubscribe address, an automatic reply, a person's reply, else unmatched.
 *
 * The unsubscribe address is looked at before the automatic-reply signs: some clients send the
 * List-Unsubscribe mail with `Auto-Submitted: auto-generated`, and an unsubscribe must never be
 * lost; an out-of-office answers the sender, never the unsubscribe address.
 */
function decide(reading: Reading, isUnsubscribeAddress: (address: string) => boolean): InboundMessage {
  const { message, report, autoReply } = reading;
  if (report) return { ...message, ...report };
  const unsubscribeAddress = message.to.find((address) => isUnsubscribeAddress(address));
  if (unsubscribeAddress) {
    return message.from
      ? { ...message, kind: 'unsubscribe', reason: `sent to ${unsubscribeAddress}` }
      : { ...message, kind: 'unmatched', reason: `sent to ${unsubscribeAddress} with no sender address` };
  }
  const text = reading.text ?? '';
  if (autoReply) return { ...message, kind: 'auto-reply', reason: autoReply, text };
  if (!message.from) return { ...message, kind: 'unmatched', reason: 'no sender address' };
  if (reading.fromMailSystem) return { ...message, kind: 'unmatched', reason: 'written by a mail system (MAILER-DAEMON or Return-Path <>) with no delivery report in it' };
  return { ...message, kind: 'reply', text, ...(message.refs.length ? {} : { reason: 'no references' }) };
}
