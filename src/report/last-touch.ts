import type { Redis } from 'ioredis';
import type { Keys } from '../state/keys.js';
import { KIND, KINDS, type ContactEvents, type SendEvents } from './event-index.js';
import { parseLedgerEntry } from './ledger-entry.js';
import { hashPages } from './redis-pages.js';
import { Rows } from './rows.js';
import type { EmailSteps } from './scenario-info.js';
import type { Tally } from './tally.js';
import { inWindow, type ReportWindow } from './times.js';

const PAGE = 2000;

/** Kinds Global.csv shows: placing them takes the ledger pass before the rows are written. */
const SHOWN = new Set([KIND.replied, KIND.bounced, KIND.unsubscribed]);

/**
 * Events that name no email (a form submission, a conversion, a reply or an unsubscribe
 * recorded without `--step`) count on one send: the last email the contact was sent at or
 * before the event ("last touch"). The best send so far is kept only for the contacts that have
 * such events. Forms and conversions are counted in Resume.csv only, so Global.csv's own pass
 * over the ledger finds their send (`consider` as it goes, `tallyInto` at its end); replies,
 * bounces and unsubscribes show in Global.csv's rows, so when the log has some that name no
 * email, a pass over the ledger places them first (`placed`) and the rows show them (`apply`).
 */
export class LastTouch {
  /** Per contact slot and kind: the best send's time, step + 1 and visit. */
  private readonly rows: Rows;
  private readonly kinds: number[];
  private readonly times = new Uint32Array(KINDS);
  /** The ledger pass was made before the rows: `consider` is done, `apply` may be used. */
  placed = false;

  constructor(private readonly contacts: ContactEvents) {
    this.kinds = [...contacts.kinds].sort((a, b) => a - b);
    this.rows = new Rows(this.kinds.length * 3);
    for (let i = 0; i < contacts.size; i++) this.rows.add();
  }

  /** Whether the rows need the events placed before they are written. */
  get shown(): boolean {
    return this.kinds.some((k) => SHOWN.has(k));
  }

  /** A sent ledger entry (in the period or not: the last touch is a fact either way). */
  consider(contact: string, step: number, since: number, sentAt: number): void {
    const slot = this.contacts.slot(contact);
    if (slot === undefined) return;
    for (let k = 0; k < this.kinds.length; k++) {
      const at = this.contacts.time(slot, this.kinds[k]!);
      if (at === 0 || sentAt > at) continue;
      const best = this.rows.get(slot, k * 3);
      // Ties (two emails in the same second) go to the later step, then the later visit: any fixed rule would do.
      const bestStep = this.rows.get(slot, k * 3 + 1) - 1;
      if (best > sentAt || (best === sentAt && (bestStep > step || (bestStep === step && this.rows.get(slot, k * 3 + 2) >= since)))) continue;
      this.rows.set(slot, k * 3, sentAt);
      this.rows.set(slot, k * 3 + 1, step + 1);
      this.rows.set(slot, k * 3 + 2, since);
    }
  }

  /** Puts into `times` the contact's events placed on this send (where `times` has none earlier). */
  apply(contact: string, step: number, since: number, times: Uint32Array): void {
    const slot = this.contacts.slot(contact);
    if (slot === undefined) return;
    for (let k = 0; k < this.kinds.length; k++) {
      if (this.rows.get(slot, k * 3 + 1) !== step + 1 || this.rows.get(slot, k * 3 + 2) !== since) continue;
      const kind = this.kinds[k]!;
      const at = this.contacts.time(slot, kind);
      if (times[kind] === 0 || at < times[kind]!) times[kind] = at;
    }
  }

  /** Counts each placed event on its send's step, when that send is in the period and had no such event of its own. */
  tallyInto(tally: Tally, window: ReportWindow, sends: SendEvents): void {
    for (let slot = 0; slot < this.contacts.size; slot++) {
      for (let k = 0; k < this.kinds.length; k++) {
        const step = this.rows.get(slot, k * 3 + 1) - 1;
        if (step < 0 || !inWindow(window, this.rows.get(slot, k * 3))) continue;
        sends.read(this.contacts.idOf(slot), step, this.rows.get(slot, k * 3 + 2), this.times);
        const kind = this.kinds[k]!;
        if (this.times[kind] === 0) tally.placed(step, kind, this.times);
      }
    }
  }
}

/**
 * The LastTouch of the contacts with events that name no email (undefined: none), placed by a
 * pass over the ledger now when Global.csv shows them (see LastTouch).
 */
export async function lastTouch(redis: Redis, keys: Keys, scenario: string, steps: EmailSteps, contacts: ContactEvents, onProgress?: (done: number, total: number) => void): Promise<LastTouch | undefined> {
  if (contacts.size === 0) return undefined;
  const touch = new LastTouch(contacts);
  if (!touch.shown) return touch;
  const total = await redis.hlen(keys.ledger(scenario));
  let done = 0;
  for await (const flat of hashPages(redis, keys.ledger(scenario), PAGE)) {
    for (let i = 0; i + 1 < flat.length; i += 2) {
      const field = flat[i]!;
      const value = flat[i + 1]!;
      // Most entries are of other contacts: look at the contact before parsing the rest.
      if (!value.startsWith('sent|') || contacts.slot(field.slice(0, field.indexOf('|'))) === undefined) continue;
      const entry = parseLedgerEntry(field, value);
      if (entry) touch.consider(entry.contact, steps.of(entry.step), entry.since, entry.at);
    }
    done += flat.length / 2;
    onProgress?.(done, total);
  }
  touch.placed = true;
  return touch;
}
