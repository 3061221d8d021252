import type { Redis } from 'ioredis';
import type { Keys } from '../state/keys.js';
import { eventPages } from './event-pages.js';
import { IdIndex } from './id-index.js';
import { Rows } from './rows.js';
import type { EmailSteps } from './scenario-info.js';
import { inWindow, type ReportWindow } from './times.js';

/**
 * The first pass: the scenario's event log (`events:<name>`, src/state/DESIGN.md) read once, in
 * pages, keeping only the first time of each kind of event per send (contact, email step,
 * visit) in typed arrays, so that the ledger pass can put times on its rows as it writes them.
 *
 * Why memory and not a scratch hash in Redis (HSETNX per event, HMGET per ledger page): a send
 * with events costs 48 bytes here (a row of Uint32Array) plus 4 bytes per contact and email
 * step in the index (id-index.ts), no JS object: a million sends with events are about 55 MB.
 * The scratch hash would take more than that in Redis, an HSETNX per event and nine HMGET
 * fields per Global.csv row (9 million lookups for a million rows) on the one thread every
 * worker needs, and would be left behind by a report killed midway.
 */

/** The events a report places on a send, in the order of the table's columns. */
export const SEND_KINDS = ['delivered', 'opened', 'clicked', 'replied', 'bounced', 'unsubscribed', 'complained', 'form-submitted', 'converted'] as const;
export type SendKind = (typeof SEND_KINDS)[number];
const KIND_INDEX = new Map<string, number>(SEND_KINDS.map((k, i) => [k, i]));
export const KIND = Object.fromEntries(SEND_KINDS.map((k, i) => [k, i])) as Record<SendKind, number>;
export const KINDS = SEND_KINDS.length;

/** Bot bits of a send: a scanner or a proxy opened or clicked it (`b=1`: logged, never engagement). */
export const BOT_OPEN = 1;
export const BOT_CLICK = 2;

const VISIT = KINDS;
const NEXT = KINDS + 1;
const BOTS = KINDS + 2;

/**
 * First times per send. A send is found by contact and step; its visits (a contact who came back
 * to the step) are chained. An event naming the step but no visit (`relance event … --step`)
 * is kept under visit 0 and shows on every visit of that step.
 */
export class SendEvents {
  private readonly rows = new Rows(KINDS + 3);
  /** (contact, step) → the row of its latest visit. */
  private readonly heads: IdIndex;

  /** `steps`: how many email steps the scenario has (others are kept too, less compactly). */
  constructor(steps: number) {
    this.heads = new IdIndex(Math.max(1, steps));
  }

  get size(): number {
    return this.rows.length;
  }

  note(contact: string, step: number, visit: number, kind: number, at: number, bots: number): void {
    const head = this.heads.get(contact, step);
    let row = head;
    while (row !== undefined && this.rows.get(row, VISIT) !== visit) row = this.next(row);
    if (row === undefined) {
      row = this.rows.add();
      this.rows.set(row, VISIT, visit);
      this.rows.set(row, NEXT, head === undefined ? 0 : head + 1);
      this.heads.set(contact, step, row);
    }
    if (kind >= 0) this.rows.min(row, kind, at);
    if (bots) this.rows.or(row, BOTS, bots);
  }

  /** The first time of each kind for this send into `out` (0: none); returns its bot bits. */
  read(contact: string, step: number, since: number, out: Uint32Array): number {
    out.fill(0);
    let bots = 0;
    let row = this.heads.get(contact, step);
    while (row !== undefined) {
      // Once per Global.csv row: the chunk is read directly rather than cell by cell.
      const chunk = this.rows.chunkOf(row);
      const base = this.rows.offsetOf(row);
      const visit = chunk[base + VISIT]!;
      if (visit === since || visit === 0) {
        for (let k = 0; k < KINDS; k++) {
          const t = chunk[base + k]!;
          if (t !== 0 && (out[k] === 0 || t < out[k]!)) out[k] = t;
        }
        bots |= chunk[base + BOTS]!;
      }
      const next = chunk[base + NEXT]!;
      row = next === 0 ? undefined : next - 1;
    }
    return bots;
  }

  private next(row: number): number | undefined {
    const next = this.rows.get(row, NEXT);
    return next === 0 ? undefined : next - 1;
  }
}

/** First times of the events that name no email (a form, a conversion): per contact, in slots. */
export class ContactEvents {
  private readonly rows = new Rows(KINDS);
  private readonly slots = new IdIndex(1);
  private readonly ids: string[] = [];
  private any = false;
  /** Kinds met at least once, so later passes look only at those. */
  readonly kinds = new Set<number>();

  get size(): number {
    return this.rows.length;
  }

  note(contact: string, kind: number, at: number): void {
    let slot = this.slots.get(contact, 0);
    if (slot === undefined) {
      this.slots.set(contact, 0, (slot = this.rows.add()));
      this.ids.push(contact);
      this.any = true;
    }
    this.rows.min(slot, kind, at);
    this.kinds.add(kind);
  }

  slot(contact: string): number | undefined {
    return this.any ? this.slots.get(contact, 0) : undefined;
  }

  time(slot: number, kind: number): number {
    return this.rows.get(slot, kind);
  }

  idOf(slot: number): string {
    return this.ids[slot]!;
  }
}

/** Events that mean something without their email: placed on the contact's last one (last-touch.ts). */
const CONTACT_KINDS = new Set(['replied', 'bounced', 'unsubscribed', 'complained', 'form-submitted', 'converted']);

/**
 * Stream ids (`<ms>-<seq>`) kept as two numbers each. Kept as strings they would be slices of
 * the page text they were read from (V8 keeps a substring of 13 characters or more as a view of
 * its parent), so ten thousand form ids would hold every page of the log in memory.
 */
export class StreamIds {
  private readonly parts: number[] = [];

  get length(): number {
    return this.parts.length / 2;
  }

  push(id: string): void {
    const dash = id.indexOf('-');
    this.parts.push(Number(id.slice(0, dash)), Number(id.slice(dash + 1)));
  }

  slice(from: number, to: number): string[] {
    const out: string[] = [];
    for (let i = from; i < Math.min(to, this.length); i++) out.push(`${this.parts[2 * i]}-${this.parts[2 * i + 1]}`);
    return out;
  }
}

/** The form submissions to list in Formulaire_<form>.csv: their stream ids, and every field name in first-seen order. */
export interface FormSubmissions {
  ids: StreamIds;
  fields: string[];
}

export interface EventIndex {
  sends: SendEvents;
  contacts: ContactEvents;
  forms: FormSubmissions;
  /** Entries read. */
  events: number;
}

/** Entries per script call (see event-pages.ts): a page's text stays under 128 kB, out of V8's large-object space. */
const PAGE = 1500;

/** Reads the whole event log of `scenario` once (see the top of this file). */
export async function readEvents(redis: Redis, keys: Keys, scenario: string, steps: EmailSteps, window: ReportWindow, onProgress?: (done: number, total: number) => void): Promise<EventIndex> {
  const key = keys.events(scenario);
  const total = await redis.xlen(key);
  const sends = new SendEvents(steps.list.length);
  const contacts = new ContactEvents();
  const fieldNames = new Set<string>();
  const forms: FormSubmissions = { ids: new StreamIds(), fields: [] };
  let events = 0;
  // The newer part's submissions come after the older part's in the file: they wait for it.
  const later: Array<{ id: string; names: string[] }> = [];
  for await (const { part, events: page } of eventPages(redis, key, PAGE)) {
    for (const e of page) {
      const kind = KIND_INDEX.get(e.type);
      const at = Number(e.at);
      if (kind === undefined || !e.contact || !(at > 0)) continue;
      const visit = Number(e.visit) || 0;
      if (e.bot === '1') {
        // Logged, never engagement: counted apart, on the send, for opens and clicks only.
        const bits = e.type === 'opened' ? BOT_OPEN : e.type === 'clicked' ? BOT_CLICK : 0;
        if (bits && e.step) sends.note(e.contact, steps.of(e.step), visit, -1, at, bits);
        continue;
      }
      if (e.step) sends.note(e.contact, steps.of(e.step), visit, kind, at, 0);
      else if (CONTACT_KINDS.has(e.type)) contacts.note(e.contact, kind, at);
      if (e.type === 'form-submitted' && inWindow(window, at)) {
        const names = formFieldNames(e.detail);
        if (part === 1) later.push({ id: e.id, names });
        else {
          forms.ids.push(e.id);
          for (const name of names) fieldNames.add(name);
        }
      }
    }
    events += page.length;
    onProgress?.(events, total);
  }
  for (const { id, names } of later) {
    forms.ids.push(id);
    for (const name of names) fieldNames.add(name);
  }
  forms.fields = [...fieldNames];
  return { sends, contacts, forms, events };
}

/** The field names of a submission's `x` (src/serve/forms.ts keeps the fields as JSON text). */
export function formFieldNames(detail: string | undefined): string[] {
  const fields = parseDetail(detail);
  return fields ? Object.keys(fields) : [];
}

export function parseDetail(detail: string | undefined): Record<string, unknown> | undefined {
  if (!detail) return undefined;
  try {
    const parsed: unknown = JSON.parse(detail);
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
