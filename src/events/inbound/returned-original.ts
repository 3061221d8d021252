import { simpleParser, type Attachment, type HeaderLines } from 'mailparser';
import { addressesIn } from './addresses.js';
import { headerBlock, headerValue, headerValues } from './header-values.js';
import { messageIdsIn } from './message-ids.js';
import { PARSER_OPTIONS, partType } from './parser-options.js';

/** What a delivery report or a complaint says about the message it returns. */
export interface ReturnedOriginal {
  /** Its Message-ID, normalised. */
  messageId?: string;
  /** Its To addresses, lowercased. */
  to: string[];
  /** Its Return-Path addresses (the envelope sender, VERP for relance's sends), lowercased. */
  returnPath: string[];
}

// RFC 3462/6533 name the returned message or its headers these ways; message/rfc822-headers is not
// registered but some MTAs write it.
const RETURNED_TYPES = new Set(['message/rfc822', 'text/rfc822-headers', 'message/global', 'message/global-headers', 'message/rfc822-headers']);

/**
 * The first returned message (or its headers) among a report's parts, read by mailparser. Only the
 * header block is parsed: the body of the original says nothing about which send it was.
 */
export async function readReturnedOriginal(attachments: Attachment[]): Promise<ReturnedOriginal | undefined> {
  const part = attachments.find((a) => RETURNED_TYPES.has(partType(a)));
  if (!part) return undefined;
  let lines: HeaderLines;
  try {
    lines = (await simpleParser(headerBlock(part.content), PARSER_OPTIONS)).headerLines;
  } catch {
    // A returned part mailparser cannot read still leaves the report's own fields.
    return undefined;
  }
  const messageId = messageIdsIn(headerValue(lines, 'message-id') ?? '')[0];
  return {
    ...(messageId ? { messageId } : {}),
    to: addressesIn(headerValues(lines, 'to')),
    returnPath: addressesIn(headerValues(lines, 'return-path')),
  };
}
