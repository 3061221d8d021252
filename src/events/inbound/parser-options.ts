import type { Attachment, SimpleParserOptions } from 'mailparser';

/**
 * How relance runs mailparser on inbound mail: report parts and returned messages come out as
 * attachments (their fields and headers are read from them, not from the text), and the work
 * nothing here uses is skipped (text to HTML, links, inlined images, checksums).
 */
export const PARSER_OPTIONS: SimpleParserOptions = {
  keepDeliveryStatus: true,
  ignoreEmbedded: true,
  skipTextToHtml: true,
  skipTextLinks: true,
  skipImageLinks: true,
  keepCidLinks: true,
  checksumAlgo: false,
  // An HTML-only message larger than this gets no text: converting megabytes of HTML takes seconds.
  maxHtmlLengthToParse: 2_000_000,
};

/** A part's MIME type, lowercased ('' when the part had none). */
export function partType(part: Attachment): string {
  return typeof part.contentType === 'string' ? part.contentType.toLowerCase() : '';
}
