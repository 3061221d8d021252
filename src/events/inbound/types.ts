/**
 * What a message that came back is, as read from the message alone (no Redis): `reply` is any
 * message a person wrote (whether it answers one of relance's sends is decided later, against
 * the Message-IDs relance keeps); `unmatched` is what is none of the others and cannot be a
 * reply either (no sender address, a delivery report with no recipient, a report of another
 * kind, a mail system's message with no report in it). A mail to the unsubscribe address is
 * `unsubscribe` even when it looks automatic: an out-of-office never writes there.
 */
export type InboundKind = 'reply' | 'auto-reply' | 'hard-bounce' | 'soft-bounce' | 'complaint' | 'unsubscribe' | 'unmatched';

export interface InboundMessage {
  kind: InboundKind;
  /**
   * The Message-IDs this message points at, most specific first, each as `<local@domain>` with
   * the angle brackets, the local part's case kept and the domain lowercased: In-Reply-To, then
   * References newest first; for a delivery report or a complaint, the returned original's
   * Message-ID first. Duplicates removed.
   */
  refs: string[];
  /**
   * VERP ids found in the addresses the message was delivered to (To, Cc, Delivered-To,
   * X-Original-To, and for a report the returned original's Return-Path or an ARF's
   * Original-Mail-From): the 32 lowercase hex
   * digits of a `<local>+<32 hex>@<domain>` address. relance sends every email with the envelope
   * sender `bounces+<id>@<domain>` where `<id>` is its Message-ID's local part.
   */
  verp: string[];
  /** The sender's address (From; Reply-To is not used), lowercased; '' when there is none. */
  from: string;
  /** The addresses the message was sent to (To, Cc, Delivered-To, X-Original-To), lowercased. */
  to: string[];
  /** The subject as decoded ('' when none). */
  subject: string;
  /** When the message says it was written (Date), if it parses. */
  date?: Date;
  /** Its own Message-ID, if any (a replay of the same message is recognised by it). */
  messageId?: string;
  /** A reply's or an auto-reply's own text: quoted history, signature delimiter on, stripped; at most 10,000 characters. */
  text?: string;
  /** Bounces and complaints: the address that bounced or complained (a report's Final-Recipient, else Original-Recipient; an ARF's Original-Rcpt-To; else the returned original's To), lowercased. */
  recipient?: string;
  /** Bounces: the RFC 3463 status (`5.1.1`) and the remote server's diagnostic line. */
  status?: string;
  diagnostic?: string;
  /** Why it is unmatched or how it was classified (`out-of-office subject`, `Auto-Submitted: auto-replied`, `no references`, `not an email`): for the log. */
  reason?: string;
}

export interface ParseOptions {
  /** Addresses that unsubscribe their sender (the List-Unsubscribe mailto). Default: any address whose local part is `unsubscribe`. */
  isUnsubscribeAddress?: (address: string) => boolean;
}
