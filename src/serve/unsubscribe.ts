import type { FastifyInstance, FastifyReply } from 'fastify';
import { footerLanguage, FOOTER_TEXTS } from '../delivery/footer.js';
import { escapeHtml } from '../delivery/helpers.js';
import { verifyToken, type TokenPayload } from '../delivery/tokens.js';
import { recordForContact } from '../events/record-event.js';
import { readScenarioRecord, readVersion } from '../state/scenario-store.js';
import type { ServeDeps } from './deps.js';
import { countEvent } from './metrics.js';
import { sendError } from './errors.js';
import { contactFields } from '../contacts/store.js';

// `/u/*`, not `/u/:token`: a token is longer than the router's 100-character maxParamLength.
const params = { type: 'object', required: ['*'], properties: { '*': { type: 'string', maxLength: 2048 } } } as const;
type Route = { Params: { '*': string }; Body: unknown };

/**
 * GET /u/TOKEN shows a confirmation form and changes nothing (scanners follow every link);
 * POST /u/TOKEN unsubscribes: RFC 8058 one-click (`List-Unsubscribe=One-Click`, from the mail
 * client, answered with a short text) or the form's confirmation (answered with a page).
 */
export async function unsubscribeRoutes(app: FastifyInstance, deps: ServeDeps): Promise<void> {
  const { redis, keys, secret, clock } = deps;

  // One-click may come as multipart/form-data or with any content type: read it as text
  // (this plugin's scope only; urlencoded bodies keep the form parser).
  app.addContentTypeParser('*', { parseAs: 'string', bodyLimit: 16 * 1024 }, (_request, body, done) => done(null, body));

  const contactOf = async (p: TokenPayload): Promise<{ email?: string; language?: string }> => {
    const fields = await contactFields(redis, keys, p.contactId);
    if (fields === null) return {};
    return { email: typeof fields.email === 'string' ? fields.email : undefined, language: typeof fields.language === 'string' ? fields.language : undefined };
  };

  const languageOf = async (p: TokenPayload, contactLanguage: string | undefined): Promise<string> => {
    const record = await readScenarioRecord(redis, keys, p.scenario);
    const spec = record ? (await readVersion(redis, keys, p.scenario, record.digest))?.scenario.spec : undefined;
    return footerLanguage(spec?.unsubscribe, contactLanguage, spec?.language);
  };

  app.get<Route>('/u/*', { schema: { params } }, async (request, reply) => {
    const check = verifyToken(request.params['*'], secret, { kind: 'unsubscribe' });
    if (!check.ok) return page(reply, 404, 'en', FOOTER_TEXTS.en!.invalid);
    const contact = await contactOf(check.payload);
    const language = await languageOf(check.payload, contact.language);
    const words = FOOTER_TEXTS[language] ?? FOOTER_TEXTS.en!;
    const who = contact.email ? `<p><strong>${escapeHtml(contact.email)}</strong></p>` : '';
    // action="": the form posts back to this very URL, whatever the proxy in front calls it.
    const form = `<form method="post" action=""><input type="hidden" name="confirm" value="1"><button type="submit">${escapeHtml(words.action)}</button></form>`;
    return page(reply, 200, language, words.question, `${who}${form}`);
  });

  app.post<Route>('/u/*', { schema: { params } }, async (request, reply) => {
    const check = verifyToken(request.params['*'], secret, { kind: 'unsubscribe' });
    const oneClick = isOneClick(request.body);
    if (!check.ok) {
      if (oneClick) return sendError(reply, 404, 'NOT_FOUND', 'no such unsubscribe link');
      return page(reply, 404, 'en', FOOTER_TEXTS.en!.invalid);
    }
    const p = check.payload;
    const contact = await contactOf(p);
    // An erased contact gets no more email anyway: nothing to suppress.
    if (contact.email) {
      await recordForContact(redis, keys, p.contactId, {
        type: 'unsubscribed', email: contact.email, scenario: p.scenario, step: p.step, visit: p.visit,
        source: oneClick ? 'one-click' : 'page', at: clock.now(),
      });
      countEvent(app, 'unsubscribed', false);
    }
    if (oneClick) return reply.code(200).header('cache-control', 'no-store').type('text/plain; charset=utf-8').send('unsubscribed\n');
    const language = await languageOf(p, contact.language);
    return page(reply, 200, language, (FOOTER_TEXTS[language] ?? FOOTER_TEXTS.en!).done);
  });
}

/** RFC 8058's body, urlencoded (parsed by @fastify/formbody) or as text (multipart, other types). */
export function isOneClick(body: unknown): boolean {
  if (typeof body === 'string') {
    return /(?:^|&)List-Unsubscribe=One-Click(?:&|\s*$)/.test(body) || /name="?List-Unsubscribe"?[^\r\n]*\r?\n(?:[^\r\n]+\r?\n)*\r?\nOne-Click\r?\n/.test(body);
  }
  return typeof body === 'object' && body !== null && (body as Record<string, unknown>)['List-Unsubscribe'] === 'One-Click';
}

/** A small self-contained page (`heading` is text, `body` HTML); nothing from outside, not framed, not cached, no referrer. */
function page(reply: FastifyReply, status: number, language: string, heading: string, body = ''): FastifyReply {
  const html = `<!doctype html><html lang="${escapeHtml(language)}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><meta name="robots" content="noindex">`
    + `<title>${escapeHtml(heading)}</title><style>body{font:16px/1.5 system-ui,sans-serif;max-width:32rem;margin:4rem auto;padding:0 1rem;color:#111}button{font:inherit;padding:.5rem 1rem}</style></head>`
    + `<body><h1 style="font-size:1.25rem">${escapeHtml(heading)}</h1>${body}</body></html>`;
  return reply.code(status)
    .header('cache-control', 'no-store')
    .header('referrer-policy', 'no-referrer')
    .header('x-frame-options', 'DENY')
    .header('content-security-policy', "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'")
    .type('text/html; charset=utf-8')
    .send(html);
}
