import type { SendMailOptions } from 'nodemailer';
import type { RenderedEmail } from '../delivery/render.js';
import { buildMessage } from './mime.js';
import type { DkimConfig } from './types.js';

/**
 * The nodemailer message for a rendered email: the MIME text relance built (`raw`) and its
 * envelope. The Message-ID is the renderer's deterministic one, so a retried send carries the
 * same id and a thread keeps working. nodemailer still signs it (DKIM) and speaks SMTP.
 */
export function toNodemailerMessage(mail: RenderedEmail, date?: Date): SendMailOptions {
  const { raw, envelope } = buildMessage(mail, date);
  // The id given here spares nodemailer generating one (five random reads) for a raw message.
  return { raw, envelope, messageId: mail.messageId, disableFileAccess: true, disableUrlAccess: true };
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
