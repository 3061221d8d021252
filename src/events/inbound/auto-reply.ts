import type { HeaderLines } from 'mailparser';
import { headerValue } from './header-values.js';

// Subjects that out-of-office and other automatic replies start with, as Outlook/Exchange, Gmail,
// Apple, Thunderbird, Zimbra and Lotus write them in French and English (and a few neighbours).
// Anchored at the start: a person's "Re: absence de Marie" is not one.
const AUTOMATIC_SUBJECTS: ReadonlyArray<RegExp> = [
  /^out of (the )?office\b/,
  /^(i am|i['’]m|i will be) (currently )?(out of (the )?office|away|on (annual )?leave|on vacation)\b/,
  /^away from (the )?office\b/,
  /^auto(matic)?[- ]?(reply|response|responder)\b/,
  /^auto\s*:/,
  /^on vacation\b/,
  /^vacation (reply|response|message)\b/,
  /^absente?\s*(:|$|du bureau\b|jusqu|until\b)/,
  /^absence\s*(:|$|du bureau\b|prolong|jusqu)/,
  /^r[ée]ponse automatique\b/,
  /^message d['’]absence\b/,
  /^avis d['’]absence\b/,
  /^je (suis|serai) (actuellement )?absente?\b/,
  /^notification d['’]absence\b/,
  // German, Spanish, Italian, Dutch Outlook.
  /^automatische antwort\b/,
  /^abwesenheitsnotiz\b/,
  /^respuesta autom[áa]tica\b/,
  /^risposta automatica\b/,
  /^automatisch antwoord\b/,
];

/** True when the subject reads like an out-of-office or automatic reply. */
export function isAutomaticSubject(subject: string): boolean {
  // Exchange writes "Réponse automatique\u00a0:"; a leading "[EXTERNAL]" tag is a gateway's.
  const s = subject
    .replace(/[\u00a0\u202f]/g, ' ')
    .replace(/^\s*(\[[^\]]{0,40}\]\s*)+/, '')
    .trim()
    .toLowerCase();
  return AUTOMATIC_SUBJECTS.some((re) => re.test(s));
}

/**
 * Why a message is an automatic reply, or undefined when nothing says it is. The headers of
 * RFC 3834 and of common responders first, then the subject. `Precedence: bulk/junk/list` alone is
 * every newsletter's, and `X-Auto-Response-Suppress` asks others not to answer: neither makes a
 * message automatic by itself.
 */
export function autoReplyReason(lines: HeaderLines, subject: string): string | undefined {
  const autoSubmitted = headerValue(lines, 'auto-submitted')?.toLowerCase();
  if (autoSubmitted !== undefined && autoSubmitted !== '' && !/^no\b/.test(autoSubmitted)) return `Auto-Submitted: ${autoSubmitted.slice(0, 60)}`;
  for (const name of ['X-Autoreply', 'X-Autorespond']) {
    const value = headerValue(lines, name)?.toLowerCase();
    if (value !== undefined && !/^(no|false|0)\b/.test(value)) return `${name}: ${value.slice(0, 60)}`;
  }
  const precedence = headerValue(lines, 'precedence')?.toLowerCase();
  if (precedence === 'auto_reply') return 'Precedence: auto_reply';
  if (isAutomaticSubject(subject)) {
    return precedence && ['bulk', 'junk', 'list'].includes(precedence) ? `Precedence: ${precedence} and an out-of-office subject` : 'out-of-office subject';
  }
  return undefined;
}
