import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { recordForContact } from '../events/record-event.js';
import { readScenarioRecord, readVersion } from '../state/scenario-store.js';
import type { ServeDeps } from './deps.js';
import { countEvent } from './metrics.js';
import { sendError } from './errors.js';
import { matchFormContact } from './form-contact.js';
import { readFormFields } from './form-fields.js';
import { FORM_PAGE_HEADERS, formPage, PAGE_HEADERS, thankYouPage } from './form-page.js';
import { hitWindow } from '../state/rate-window.js';

/** Submissions an address may make a minute, across every server process (held in Redis). */
export const FORM_SUBMISSIONS_PER_IP_MINUTE = 10;
const FORM_BODY_LIMIT = 64 * 1024;

const FORM_PARAMS = { type: 'object', required: ['scenario', 'form'], properties: { scenario: { type: 'string', maxLength: 100 }, form: { type: 'string', maxLength: 100 } } } as const;
const FORM_QUERY = { type: 'object', properties: { t: { type: 'string', maxLength: 1024 } } } as const;

interface FormRoute {
  Params: { scenario: string; form: string };
  Querystring: { t?: string };
}

/**
 * GET /f/:scenario/:form shows a scenario's form (`spec.form`); POST receives it, from an HTML form
 * (application/x-www-form-urlencoded) or as JSON. Every field is kept as text in the
 * `form-submitted` event (source `form`); nothing in it is ever read as HTML. The contact is the
 * one a `view` token in `?t=` names, else the owner of the `email` field; a running scenario's
 * form creates the contact of an address it does not know (SPEC 3.1). The `website` field is a
 * honeypot (README, Forms): filled in, the post is answered as accepted and recorded nowhere.
 */
export async function formRoutes(app: FastifyInstance, deps: ServeDeps): Promise<void> {
  const { redis, keys } = deps;
  // GET: the form itself, for `{{formUrl}}` links when the scenario hosts no form of its own.
  app.get<FormRoute>('/f/:scenario/:form', { schema: { params: FORM_PARAMS, querystring: FORM_QUERY } }, async (request, reply) => {
    const { scenario, form: formId } = request.params;
    const record = await readScenarioRecord(redis, keys, scenario);
    const version = record && record.state !== 'archived' ? await readVersion(redis, keys, scenario, record.digest) : undefined;
    const form = version?.scenario.spec.form;
    if (!record || !form || form.id !== formId) return sendError(reply, 404, 'NOT_FOUND', 'no such form');
    return reply.code(200).headers(FORM_PAGE_HEADERS).send(formPage(form, request.query.t !== undefined));
  });
  app.post<FormRoute>('/f/:scenario/:form', {
    bodyLimit: FORM_BODY_LIMIT,
    schema: {
      params: FORM_PARAMS,
      querystring: FORM_QUERY,
    },
  }, async (request, reply) => {
    const now = deps.clock.now();
    // Counted before any other work: a flood costs one INCR a request.
    const hit = await hitWindow(redis, keys, `form-ip:${request.ip}`, 60, now);
    if (hit.count > FORM_SUBMISSIONS_PER_IP_MINUTE) {
      reply.header('retry-after', String(hit.retryAfter));
      return sendError(reply, 429, 'RATE_LIMITED', `at most ${FORM_SUBMISSIONS_PER_IP_MINUTE} form submissions a minute from one address; try again in ${hit.retryAfter} s`);
    }
    const read = readFormFields(request.body);
    if (!read.ok) return sendError(reply, 400, 'BAD_REQUEST', read.message);
    const { scenario, form: formId } = request.params;
    const record = await readScenarioRecord(redis, keys, scenario);
    const version = record && record.state !== 'archived' ? await readVersion(redis, keys, scenario, record.digest) : undefined;
    const form = version?.scenario.spec.form;
    if (!record || !form || form.id !== formId) return sendError(reply, 404, 'NOT_FOUND', 'no such form');
    if (read.honeypot) {
      request.log.info({ scenario, form: formId }, 'form honeypot filled in: answered, not recorded');
      return accepted(request, reply, form.title, read.fields);
    }
    const email = typeof read.fields.email === 'string' ? read.fields.email : undefined;
    const match = await matchFormContact(redis, keys, { scenario, formId, token: request.query.t, email, running: record.state === 'running', secret: deps.secret, at: now });
    if (!match.ok) return sendError(reply, match.status, match.code, match.message);
    await recordForContact(redis, keys, match.contact.id, {
      type: 'form-submitted', email: match.contact.email, scenario, form: formId, at: now, source: 'form', detail: { ...read.fields },
    });
    countEvent(app, 'form-submitted', false);
    return accepted(request, reply, form.title, read.fields);
  });
}

/** JSON gets JSON; an HTML form gets a page (never a redirect to a URL the request names). */
function accepted(request: FastifyRequest, reply: FastifyReply, title: string | undefined, fields: Record<string, string>): FastifyReply {
  if (isJson(request)) return reply.code(200).send({ ok: true });
  return reply.code(200).headers(PAGE_HEADERS).send(thankYouPage(title, fields));
}

function isJson(request: FastifyRequest): boolean {
  return /^application\/json\b/i.test(request.headers['content-type'] ?? '');
}
