import type { SendMailOptions } from 'nodemailer';
import type { RenderedEmail } from '../delivery/render.js';
import type { DkimConfig } from './types.js';

/**
 * The nodemailer message for a rendered email. Headers already built by the renderer
 * (List-Unsubscribe…) are passed through; the Message-ID is the renderer's deterministic one, so a
 * retried send carries the same id and a thread keeps working.
 */
export function toNodemailerMessage(mail: RenderedEmail): SendMailOptions {
  const message: SendMailOptions = {
    from: mail.from.name ? { name: mail.from.name, address: mail.from.address } : mail.from.address,
    to: mail.to.name ? { name: mail.to.name, address: mail.to.address } : mail.to.address,
    subject: mail.subject,
    html: mail.html,
    text: mail.text,
    headers: { ...mail.headers },
    messageId: mail.messageId,
    // nodemailer's automatic choice encodes each part both ways to compare sizes: 2.4× slower than
    // deciding. Quoted-printable keeps the text readable and is what spam filters expect.
    textEncoding: 'quoted-printable',
    // Contents are strings rendered by relance: never let nodemailer read a file or fetch a URL.
    disableFileAccess: true,
    disableUrlAccess: true,
  };
  if (mail.replyTo) message.replyTo = mail.replyTo;
  if (mail.inReplyTo) message.inReplyTo = mail.inReplyTo;
  if (mail.references?.length) message.references = mail.references;
  return message;
}

/**
 * Headers the DKIM signature covers: nodemailer's defaults (RFC 6376 §5.4) plus
 * List-Unsubscribe-Post, which RFC 8058 §4 requires to be signed for one-click unsubscribe.
 */
export const DKIM_HEADER_FIELDS = [
  'From', 'Sender', 'Reply-To', 'Subject', 'Date', 'Message-ID', 'To', 'Cc', 'MIME-Version', 'Content-Type',
  'Content-Transfer-Encoding', 'Content-ID', 'Content-Description', 'Resent-Date', 'Resent-From', 'Resent-Sender',
  'Resent-To', 'Resent-Cc', 'Resent-Message-ID', 'In-Reply-To', 'References', 'List-Id', 'List-Help',
  'List-Unsubscribe', 'List-Unsubscribe-Post', 'List-Subscribe', 'List-Post', 'List-Owner', 'List-Archive',
].join(':');

/** nodemailer's `dkim` option for a DKIM configuration. */
export function nodemailerDkim(dkim: DkimConfig): { domainName: string; keySelector: string; privateKey: string; headerFieldNames: string } {
  return { domainName: dkim.domainName, keySelector: dkim.keySelector, privateKey: dkim.privateKey, headerFieldNames: DKIM_HEADER_FIELDS };
}
