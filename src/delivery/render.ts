import { createHmac } from 'node:crypto';
import { DateTime } from 'luxon';
import { RelanceError } from '../errors.js';
import type { EmailStep, Sender, Tracking, Unsubscribe } from '../schema/scenario.gen.js';
import { templatePaths } from '../templates/template-store.js';
import { footerLanguage, renderFooter } from './footer.js';
import { compileTemplate, escapeHtml, type RenderData, type TemplateMode } from './helpers.js';
import { escapeAttribute, htmlToText, insertAfterBodyStart, insertBeforeBodyEnd, isDocument, rewriteLinks } from './html.js';
import { linkDigest, signToken, type Secret, type TokenKind } from './tokens.js';
import { verpAddress } from './verp.js';

/**
 * Renders one email for one contact at send time (SPEC 3.2: content is bound late, so the text
 * that goes out is the text in the repository when the email leaves). Pure: no I/O, no clock
 * unless `now` is left out, the same input gives the same output (message id included, so a
 * retried send reuses it).
 */

export interface EmailAddress {
  name?: string;
  address: string;
}

/** An email ready for a transport (`src/transports/`). */
export interface RenderedEmail {
  from: EmailAddress;
  to: EmailAddress;
  replyTo?: string;
  subject: string;
  html: string;
  text: string;
  /** Extra headers: List-Unsubscribe and List-Unsubscribe-Post (RFC 8058 one-click). */
  headers: Record<string, string>;
  /** `<…@messageIdDomain>`, one per send: scenario, step, contact and visit; the same on a retry. */
  messageId: string;
  /** The envelope sender (VERP, `bounces+<id>@domain`: see verp.ts); the From address when unset. */
  returnPath?: string;
  /** Tracked links (link id → URL): stored before the send, resolved by the click route. */
  links?: Map<string, string>;
  inReplyTo?: string;
  references?: string[];
  /** Language the email was rendered in. */
  language: string;
}

/** What the renderer needs of the scenario (its spec, flattened). */
export interface ScenarioInfo {
  name: string;
  title?: string;
  /** Default language (`spec.language`); `en` when unset. */
  language?: string;
  sender?: Sender;
  unsubscribe?: Unsubscribe;
  tracking?: Tracking;
  /** IANA zone for `formatDate` and `today` (e.g. `spec.schedule.timezone`). Default: UTC. */
  timeZone?: string;
}

export type EmailStepLike = Pick<EmailStep, 'id' | 'subject'> & Partial<Pick<EmailStep, 'template' | 'preheader' | 'from' | 'replyTo' | 'thread' | 'languages'>>;

export interface RenderContact {
  id: string;
  email: string;
  /** Contact fields as stored (text as imported). Untrusted: HTML-escaped in HTML. */
  fields: Record<string, unknown>;
}

export interface RenderInput {
  scenario: ScenarioInfo;
  step: EmailStepLike;
  /**
   * Language the templates were chosen for (`chooseVariant`). Default: chosen here from the
   * contact's `language` field. Picks the variant's subject and preheader, and `formatDate`'s locale.
   */
  language?: string;
  /** Template texts, already read for that language (`variantTemplatePaths`). */
  templates: { html: string; text?: string };
  contact: RenderContact;
  /** Scenario variables (`spec.variables`), `{{vars.x}}` in templates. */
  vars?: Record<string, unknown>;
  formUrl?: string;
  /** Base URL of relance's HTTP server, for unsubscribe, tracking and view-in-browser links. */
  publicUrl?: string;
  /** Token secret (`resolveSecret`). */
  secret: Secret;
  /** Right-hand side of Message-IDs, e.g. the sending domain. */
  messageIdDomain: string;
  /**
   * The earlier email this one replies to (the engine gives it when the step has `thread:` and that
   * email went to this contact; its id is `messageIdFor` of that step, its subject as rendered).
   */
  thread?: { messageId: string; subject: string; references?: string[] };
  /**
   * Which visit of the step this send is (the enrollment's `since`): a contact who comes back to
   * the step, or re-enters, gets a new Message-ID; a retry of the same send keeps it.
   */
  visit?: number;
  /** Address of the mailto: List-Unsubscribe (default `unsubscribe@<messageIdDomain>`). */
  unsubscribeMailto?: string;
  /** Where bounces go (RELANCE_BOUNCE_ADDRESS; default `bounces@<messageIdDomain>`, `off` for the From address): see verp.ts. */
  bounceAddress?: string;
  now?: Date;
}

/** Something in the email cannot be rendered (template error, missing sender). Retrying will not help. */
export class RenderError extends RelanceError {
  override readonly code = 'RENDER';
  constructor(
    message: string,
    readonly part: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

export const DEFAULT_PUBLIC_URL = 'http://localhost:8080';

/** How the hidden preheader starts: the email lint finds it (and leaves it out) by this markup. */
export const PREHEADER_OPEN = '<div style="display:none;max-height:0;max-width:0;overflow:hidden;opacity:0;mso-hide:all">';

/** The link id of the hidden link every tracked email carries: only a scanner follows it. */
export const HONEYPOT_LINK = 'hp';

/** `pt_br`, `PT-br` → `pt-BR`. */
function normalizeLanguage(language: unknown): string | undefined {
  if (typeof language !== 'string') return undefined;
  const m = /^\s*([a-zA-Z]{2,3})(?:[-_]([a-zA-Z]{2,4}))?/.exec(language);
  if (!m) return undefined;
  return m[2] ? `${m[1]!.toLowerCase()}-${m[2].toUpperCase()}` : m[1]!.toLowerCase();
}

/**
 * The language to send in: the contact's language when the step has a variant for it (exact,
 * e.g. `pt-BR`; then its 2-letter base `pt`; then a regional variant of that base), otherwise the
 * scenario's default language (whose email is the base template).
 */
export function chooseVariant(step: Pick<EmailStep, 'languages'>, contactLanguage: unknown, scenarioLanguage: string | undefined): string {
  const fallback = scenarioLanguage ?? 'en';
  const wanted = normalizeLanguage(contactLanguage);
  const languages = step.languages;
  if (!wanted || !languages) return fallback;
  const keys = Object.keys(languages);
  const lower = wanted.toLowerCase();
  const base = lower.slice(0, 2);
  const exact = keys.find((k) => k.toLowerCase() === lower);
  if (exact) return exact;
  if (base === fallback.slice(0, 2).toLowerCase()) return fallback; // the default template is already in that language
  return keys.find((k) => k.toLowerCase() === base) ?? keys.filter((k) => k.toLowerCase().startsWith(`${base}-`)).sort()[0] ?? fallback;
}

/**
 * Template files for the chosen language: the variant's own `template`, else `<template>.<lang>`,
 * else the base template (the scenario's language). Paths are relative to the scenario file.
 */
export function variantTemplatePaths(step: Pick<EmailStep, 'template' | 'languages'>, language: string): { html: string; text: string } {
  const variant = Object.hasOwn(step.languages ?? {}, language) ? step.languages![language] : undefined;
  if (!variant) return templatePaths(step.template);
  return variant.template ? templatePaths(variant.template) : templatePaths(step.template, language);
}

/**
 * Deterministic Message-ID, unique per send: scenario, step, contact and visit of the step. A
 * retry of the same send keeps it; a second visit (a loop, a re-entry) gets its own.
 */
export function messageIdFor(options: { secret: Secret; domain: string; scenario: string; step: string; contactId: string; visit?: number }): string {
  const id = createHmac('sha256', options.secret)
    .update(`relance.message-id\0${options.scenario}\0${options.step}\0${options.contactId}\0${options.visit ?? ''}`)
    .digest('hex')
    .slice(0, 32);
  return `<${id}@${options.domain}>`;
}

const DOMAIN = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/;

/** One line, no control characters (header values built from templates and contact data). */
function oneLine(value: string, max = 998): string {
  // eslint-disable-next-line no-control-regex
  return value.replace(/[\u0000-\u001f\u007f]+/g, ' ').replace(/\s{2,}/g, ' ').trim().slice(0, max);
}

function render(part: string, source: string, mode: TemplateMode, context: unknown, data: RenderData): string {
  try {
    return compileTemplate(source, mode)(context, data);
  } catch (err) {
    throw new RenderError(`cannot render the ${part}: ${(err as Error).message}`, part, { cause: err });
  }
}

function variantOf(step: EmailStepLike, language: string): NonNullable<EmailStep['languages']>[string] {
  return step.languages && Object.hasOwn(step.languages, language) ? step.languages[language] : undefined;
}

function contactName(fields: Record<string, unknown>): string | undefined {
  const parts = [fields.firstName, fields.lastName].filter((v): v is string => typeof v === 'string' && v.trim() !== '');
  return parts.length ? oneLine(parts.join(' '), 100) : undefined;
}

let lastToday = { key: '', value: '' };
/** `today` (yyyy-MM-dd) in the zone; the same minute and zone give the same answer, so it is computed once. */
function today(now: Date, zone: string | undefined): string {
  const key = `${zone ?? ''}|${Math.floor(now.getTime() / 60_000)}`;
  if (lastToday.key !== key) {
    let dt = DateTime.fromJSDate(now, { zone: zone ?? 'utc' });
    if (!dt.isValid) dt = DateTime.fromJSDate(now, { zone: 'utc' });
    lastToday = { key, value: dt.toISODate() ?? '' };
  }
  return lastToday.value;
}

export function renderEmail(input: RenderInput): RenderedEmail {
  const { scenario, step, contact } = input;
  const publicUrl = (input.publicUrl ?? DEFAULT_PUBLIC_URL).replace(/\/+$/, '');
  if (!DOMAIN.test(input.messageIdDomain)) throw new RenderError(`invalid message id domain "${input.messageIdDomain}"`, 'messageId');
  if (!/^[^\s<>",;]+@[^\s<>",;]+$/.test(contact.email)) throw new RenderError(`invalid recipient address "${oneLine(contact.email, 100)}"`, 'to');
  const language = input.language ?? chooseVariant(step, contact.fields.language, scenario.language);
  const variant = variantOf(step, language);

  const sender = step.from ?? scenario.sender;
  if (!sender?.email) throw new RenderError(`no sender for step "${step.id}" of scenario "${scenario.name}"`, 'from');
  const replyTo = step.replyTo ?? sender.replyTo;

  const base = { scenario: scenario.name, contactId: contact.id, step: step.id, ...(input.visit !== undefined ? { visit: input.visit } : {}) };
  const token = (kind: TokenKind, link?: string) => signToken(link === undefined ? { ...base, kind } : { ...base, kind, link }, input.secret);
  const unsubscribeUrl = `${publicUrl}/u/${token('unsubscribe')}`;

  const timeZone = scenario.timeZone;
  const data: RenderData = { locale: language, ...(timeZone ? { timeZone } : {}) };

  // Contact fields first, relance's names after: a field called `unsubscribeUrl` cannot replace the real link.
  const fields = contact.fields;
  const context = {
    ...fields,
    email: contact.email,
    contact: { ...fields, id: contact.id, email: contact.email },
    vars: input.vars ?? {},
    sender: { name: sender.name ?? '', email: sender.email, replyTo: replyTo ?? sender.email },
    scenario: { name: scenario.name, title: scenario.title ?? scenario.name },
    step: { id: step.id },
    unsubscribeUrl,
    formUrl: input.formUrl,
    viewInBrowserUrl: '',
    today: today(input.now ?? new Date(), timeZone),
  };
  // Signed only when a template asks for it: most emails have no "view in browser" link.
  let viewInBrowserUrl: string | undefined;
  Object.defineProperty(context, 'viewInBrowserUrl', { enumerable: true, get: () => (viewInBrowserUrl ??= `${publicUrl}/v/${token('view')}`) });

  // Subject: a reply in a thread keeps the thread's subject ("Re: …") unless the variant says otherwise.
  let subject: string;
  let inReplyTo: string | undefined;
  let references: string[] | undefined;
  if (input.thread) {
    inReplyTo = input.thread.messageId;
    references = [...(input.thread.references ?? []).filter((r) => r !== inReplyTo), inReplyTo];
    subject = variant?.subject
      ? oneLine(render('subject', variant.subject, 'plain', context, data))
      : /^re:/i.test(input.thread.subject.trim())
        ? oneLine(input.thread.subject)
        : `Re: ${oneLine(input.thread.subject)}`;
  } else {
    subject = oneLine(render('subject', variant?.subject ?? step.subject, 'plain', context, data));
  }

  const preheaderSource = variant?.preheader ?? step.preheader;
  const preheader = preheaderSource ? render('preheader', preheaderSource, 'html', context, data) : '';
  const body = render('html template', input.templates.html, 'html', context, data);
  const textBody = input.templates.text !== undefined ? render('text template', input.templates.text, 'plain', context, data).trim() : htmlToText(body);

  const footer = renderFooter({
    unsubscribe: scenario.unsubscribe,
    language: footerLanguage(scenario.unsubscribe, language, scenario.language),
    unsubscribeUrl,
    context,
    data,
  });

  // Tracking (on unless turned off): links rewritten through /c/, the unsubscribe link and our own pages left alone.
  const tracking = scenario.tracking ?? {};
  let html = body;
  const links = new Map<string, string>();
  let honeypot = '';
  if (tracking.clicks !== false) {
    const own = `${publicUrl}/`;
    // A link becomes /c/TOKEN/LINK: one signed token for the send, then the link's id; the URL
    // stays on the server, so the redirect never goes where a request says (no open redirect).
    const clicks = `${publicUrl}/c/${token('click')}/`;
    html = rewriteLinks(html, (url) => {
      if (!/^https?:\/\//i.test(url)) return null; // mailto:, tel:, anchors, template mistakes
      if (url.startsWith(own) && /^\/(?:u|v|o|c)\//.test(url.slice(publicUrl.length))) return null;
      const id = linkDigest(url);
      links.set(id, url);
      return clicks + id;
    });
    // Invisible to people, followed by link scanners: a click on it marks the send's clicks as a bot's.
    honeypot = `<a href="${escapeAttribute(clicks + HONEYPOT_LINK)}" style="display:none" aria-hidden="true" tabindex="-1"></a>`;
  }
  const pixel = tracking.opens !== false ? `<img src="${escapeAttribute(`${publicUrl}/o/${token('open')}.gif`)}" width="1" height="1" alt="" style="display:block;border:0;width:1px;height:1px;overflow:hidden">` : '';
  const hidden = preheader ? `${PREHEADER_OPEN}${preheader}</div>` : '';

  if (isDocument(html)) {
    html = insertBeforeBodyEnd(insertAfterBodyStart(html, hidden), footer.html + pixel + honeypot);
  } else {
    html =
      `<!DOCTYPE html>\n<html lang="${escapeAttribute(language)}">\n<head>\n<meta charset="utf-8">\n` +
      `<meta name="viewport" content="width=device-width, initial-scale=1">\n<title>${escapeHtml(subject)}</title>\n</head>\n<body>\n` +
      `${hidden}${html}\n${footer.html}${pixel}${honeypot}\n</body>\n</html>\n`;
  }
  const text = `${textBody}\n\n-- \n${footer.text}\n`;

  const messageId = messageIdFor({ secret: input.secret, domain: input.messageIdDomain, scenario: scenario.name, step: step.id, contactId: contact.id, ...(input.visit !== undefined ? { visit: input.visit } : {}) });
  const mailto = input.unsubscribeMailto ?? `unsubscribe@${input.messageIdDomain}`;
  const toName = contactName(fields);
  const fromName = sender.name ? oneLine(sender.name, 200) : undefined;

  const email: RenderedEmail = {
    from: fromName ? { name: fromName, address: sender.email } : { address: sender.email },
    to: toName ? { name: toName, address: contact.email } : { address: contact.email },
    subject,
    html,
    text,
    headers: {
      'List-Unsubscribe': `<${unsubscribeUrl}>, <mailto:${mailto}?subject=unsubscribe>`,
      'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
    },
    messageId,
    links,
    language,
  };
  const returnPath = verpAddress(input.bounceAddress, input.messageIdDomain, messageId);
  if (returnPath) email.returnPath = returnPath;
  if (replyTo) email.replyTo = replyTo;
  if (inReplyTo) email.inReplyTo = inReplyTo;
  if (references) email.references = references;
  return email;
}
