import type { Redis } from 'ioredis';
import { isValidEmail, normalizeEmail } from '../contacts/normalize.js';
import { verifyToken, type Secret } from '../delivery/tokens.js';
import { importTriggers } from '../events/triggers.js';
import type { Keys } from '../state/keys.js';
import { runScript } from '../state/scripts.js';

export interface FormContact {
  id: string;
  email: string;
  /** Made by this submission (an address not known before). */
  created: boolean;
}

export type ContactMatch = { ok: true; contact: FormContact } | { ok: false; status: number; code: string; message: string };

export interface MatchInput {
  scenario: string;
  formId: string;
  /** The `t` of the form's URL: a `view` token of this scenario names the contact. */
  token: unknown;
  /** The submission's `email` field. */
  email: string | undefined;
  /** Only a running scenario's form takes addresses it does not know (SPEC 3.1). */
  running: boolean;
  secret: Secret;
  at: Date;
}

/** The list a form adds the contacts it creates to: operators find them there, a list-added trigger can name it. */
export function formList(formId: string): string {
  return `form-${formId}`;
}

/**
 * Who submitted the form: the contact a valid `view` token of this scenario names (a link from
 * one of its emails), else the owner of the `email` field. A form that is not running takes no
 * address-only submission, known or not, so it cannot tell anyone which addresses are contacts.
 */
export async function matchFormContact(redis: Redis, keys: Keys, input: MatchInput): Promise<ContactMatch> {
  if (typeof input.token === 'string' && input.token !== '') {
    const check = verifyToken(input.token, input.secret, { kind: 'view', now: input.at });
    if (check.ok && check.payload.scenario === input.scenario) {
      const data = await redis.hget(keys.contactData(), check.payload.contactId);
      if (data !== null) return { ok: true, contact: { id: check.payload.contactId, email: emailOf(data), created: false } };
    }
    // A stale or foreign token: the address, if one was typed, still names the contact.
  }
  const email = normalizeEmail(input.email ?? '');
  if (!isValidEmail(email)) return { ok: false, status: 400, code: 'BAD_REQUEST', message: 'a valid "email" field is required' };
  if (!input.running) return { ok: false, status: 409, code: 'FORM_CLOSED', message: 'this form takes no submissions now: its scenario is not running' };
  const id = await redis.hget(keys.contactIds(), email);
  if (id !== null) return { ok: true, contact: { id, email, created: false } };
  return { ok: true, contact: await createContact(redis, keys, email, input.formId, input.at) };
}

/**
 * A new contact with only its address, through the importer's script (one atomic upsert; of two
 * submissions of one new address, one creates it and the other finds it), in the form's list.
 * `contact-created` and `list-added` triggers fire as for an import.
 */
async function createContact(redis: Redis, keys: Keys, email: string, formId: string, at: Date): Promise<FormContact> {
  const list = formList(formId);
  const enroll = await importTriggers(redis, keys, list);
  const statuses = await runScript<string>(redis, 'import-contacts',
    [keys.contactIds(), keys.contactSeq(), keys.contactData(), keys.lists(), keys.list(list), keys.suppressed()],
    [list, email, JSON.stringify({ email })]);
  const status = statuses[0] ?? 'x';
  const lower = status.toLowerCase();
  // A suppressed address (upper case) is stored like the importer stores it, and enters nothing.
  if ((lower === 'c' || lower === 'j') && status === lower) await enroll([{ email, created: lower === 'c' }], at);
  const id = await redis.hget(keys.contactIds(), email);
  if (id === null) throw new Error(`the contact ${email} was not stored`);
  return { id, email, created: lower === 'c' };
}

function emailOf(data: string): string {
  try {
    const fields = JSON.parse(data) as { email?: unknown };
    return typeof fields.email === 'string' ? fields.email : '';
  } catch {
    return '';
  }
}
