import { suppressedMany } from '../contacts/suppression.js';
import { readEngagement, readPacked } from '../enroll/read.js';
import type { ReportContext, ReportFile } from './context.js';
import { formatCell, type Cell, type CsvWriter } from './csv.js';
import { KIND, KINDS } from './event-index.js';
import { parseLedgerEntry, type LedgerEntry } from './ledger-entry.js';
import { endedElsewhere, placeOf, runOutcome, type EndedElsewhere } from './outcome.js';
import { hashPages } from './redis-pages.js';
import type { ContactColumn, ReportScenario } from './scenario-info.js';
import { inWindow } from './times.js';

/**
 * Global.csv: one row per email sent (a `sent` entry of the send ledger, in the period), in the
 * ledger's order: who, which email, when it went out and what the contact did with it, where
 * the contact's run is now. Its pass also fills the tallies Resume.csv prints.
 */
export const GLOBAL_HEAD = ['email'] as const;
export const GLOBAL_TAIL = [
  'step', 'campaign', 'version', 'sent', 'delivered', 'first open', 'first click', 'reply', 'bounce', 'unsubscribe', 'enrollment status', 'outcome',
] as const;

export function globalColumns(scenario: ReportScenario): string[] {
  return [...GLOBAL_HEAD, ...scenario.columns.map((c) => c.name), ...GLOBAL_TAIL];
}

/** Ledger fields per HSCAN page: with the contacts' records, a page is a few hundred kB. */
const PAGE = 1000;
/** Pages whose contacts are being read while one is written. */
const LOOKAHEAD = 1;

/**
 * A contact as read with a page: the raw record and enrollment, parsed as each row is written
 * (parsed objects that lived across the awaits of the lookahead were promoted and piled up).
 */
interface Contact {
  record: string | null;
  packed: string | null;
}

/** A ledger page's emails sent in the period, with their contacts' records and enrollments. */
interface SentPage {
  scanned: number;
  sent: LedgerEntry[];
  contacts: Map<string, Contact>;
}

export const globalFile: ReportFile = {
  name: () => 'Global.csv',
  async write(ctx, csv) {
    const name = ctx.scenario.record.name;
    csv.header(globalColumns(ctx.scenario));
    const total = await ctx.redis.hlen(ctx.keys.ledger(name));
    let done = 0;
    for await (const page of sentPages(ctx)) {
      if (page.sent.length > 0) await writeRows(ctx, csv, page);
      done += page.scanned;
      ctx.onProgress?.({ scenario: name, phase: 'sends', done, total });
    }
    ctx.lastTouch?.tallyInto(ctx.tally, ctx.window, ctx.events.sends);
  },
};

/**
 * The ledger in pages, each with its contacts read (HMGET of their records and enrollments, one
 * round trip) as soon as the page arrives: while a page's rows are written, the next page's
 * contacts and those of the page after it are on their way. Entries that did not go out only count.
 */
async function* sentPages(ctx: ReportContext): AsyncGenerator<SentPage> {
  const { redis, keys, scenario, window, tally } = ctx;
  // Events that name no email are placed on a send as the ledger goes by, unless already placed.
  const touch = ctx.lastTouch?.placed === false ? ctx.lastTouch : undefined;
  const ahead: Array<Promise<SentPage>> = [];
  for await (const flat of hashPages(redis, keys.ledger(scenario.record.name), PAGE)) {
    const sent: LedgerEntry[] = [];
    for (let i = 0; i + 1 < flat.length; i += 2) {
      const entry = parseLedgerEntry(flat[i]!, flat[i + 1]!);
      if (!entry) continue;
      if (touch && entry.state === 'sent') touch.consider(entry.contact, scenario.steps.of(entry.step), entry.since, entry.at);
      if (!inWindow(window, entry.at)) continue;
      if (entry.state === 'sent') sent.push(entry);
      else tally.notSent(scenario.steps.of(entry.step), entry.failure === 'bounced');
    }
    const next = withContacts(ctx, flat.length / 2, sent);
    next.catch(() => undefined); // awaited below, in order
    ahead.push(next);
    if (ahead.length > LOOKAHEAD) yield await ahead.shift()!;
  }
  while (ahead.length > 0) yield await ahead.shift()!;
}

async function withContacts(ctx: ReportContext, scanned: number, sent: LedgerEntry[]): Promise<SentPage> {
  const contacts = new Map<string, Contact>();
  if (sent.length === 0) return { scanned, sent, contacts };
  const ids = [...new Set(sent.map((e) => e.contact))];
  const [records, packed] = await Promise.all([ctx.redis.hmget(ctx.keys.contactData(), ...ids), readPacked(ctx.redis, ctx.keys, ctx.scenario.record.name, ids)]);
  ids.forEach((id, i) => contacts.set(id, { record: records[i] ?? null, packed: packed[i] ?? null }));
  return { scanned, sent, contacts };
}

/** The rows of one ledger page. */
async function writeRows(ctx: ReportContext, csv: CsvWriter, page: SentPage): Promise<void> {
  const { scenario, events, lastTouch, tally } = ctx;
  const { sent, contacts } = page;
  const format = csv.format;
  const d = format.delimiter;
  const clock = scenario.clock;
  const elsewhere = await exitRuleInputs(ctx, contacts);
  const times = new Uint32Array(KINDS);
  // A million rows: each row is one string built in place. Times, versions, statuses and
  // outcomes are written by relance and need no quoting or neutralising; text from people does.
  const stepCells = scenario.steps.list.map((s) => formatCell(s.id, format) + d + formatCell(s.campaign, format));
  for (const entry of sent) {
    const step = scenario.steps.of(entry.step);
    const bots = events.sends.read(entry.contact, step, entry.since, times);
    tally.sent(step, times, bots);
    if (lastTouch?.placed) lastTouch.apply(entry.contact, step, entry.since, times);
    const contact = contacts.get(entry.contact)!;
    const fields = parseFields(contact.record);
    const enrollment = contact.packed ? placeOf(contact.packed) : undefined;
    let line = formatCell(textOf(fields.email), format);
    for (const column of scenario.columns) line += d + formatCell(fieldCell(fields[column.name], column), format);
    line += d + (stepCells[step] ?? formatCell(entry.step, format) + d) + d + (enrollment?.version ?? '')
      + d + clock.iso(entry.at) + d + clock.iso(times[KIND.delivered]!) + d + clock.iso(times[KIND.opened]!) + d + clock.iso(times[KIND.clicked]!)
      + d + clock.iso(times[KIND.replied]!) + d + clock.iso(times[KIND.bounced]!) + d + clock.iso(times[KIND.unsubscribed]!)
      + d + (enrollment?.status ?? '') + d + runOutcome(enrollment, scenario.versions, elsewhere.get(entry.contact));
    csv.line(line);
  }
  await csv.flush();
}

/** For runs that ended off an exit step, what their exit rules read: engagement, suppression, fields (one more round trip, for those only). */
async function exitRuleInputs(ctx: ReportContext, contacts: Map<string, Contact>): Promise<Map<string, EndedElsewhere>> {
  const out = new Map<string, EndedElsewhere>();
  const ids: string[] = [];
  for (const [id, c] of contacts) if (c.packed && endedElsewhere(placeOf(c.packed), ctx.scenario.versions)) ids.push(id);
  if (ids.length === 0) return out;
  const fields = ids.map((id) => parseFields(contacts.get(id)!.record));
  const [engagement, suppressed] = await Promise.all([
    readEngagement(ctx.redis, ctx.keys, ctx.scenario.record.name, ids),
    suppressedMany(ctx.redis, ctx.keys, fields.map((f) => textOf(f.email))),
  ]);
  ids.forEach((id, i) => out.set(id, { engagement: engagement[i] ?? null, suppressed: suppressed[i] ?? false, fields: fields[i]! }));
  return out;
}

function parseFields(json: string | null): Record<string, unknown> {
  if (!json) return {}; // erased since the email went out: the row stays, without a name
  try {
    const parsed: unknown = JSON.parse(json);
    return typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

function textOf(value: unknown): string {
  return typeof value === 'string' ? value : value === undefined || value === null ? '' : String(value);
}

const NUMBER = /^[+-]?(\d+([.,]\d+)?|[.,]\d+)$/;

/**
 * A contact field as a cell: a number field stays a number (a score imported as "42" or "-5"
 * too), a list is joined with ", ", anything else is text (and neutralised if it looks like a formula).
 */
export function fieldCell(value: unknown, column: ContactColumn): Cell {
  if (value === undefined || value === null) return '';
  if (column.type === 'number') {
    if (typeof value === 'number') return value;
    if (typeof value === 'string' && NUMBER.test(value.trim())) return Number(value.trim().replace(',', '.'));
  }
  if (Array.isArray(value)) return value.map(textOf).join(', ');
  if (typeof value === 'object') return JSON.stringify(value);
  return textOf(value);
}
