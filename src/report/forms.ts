import type { ReportFile } from './context.js';
import type { Cell } from './csv.js';
import { parseDetail } from './event-index.js';
import { entriesById } from './redis-pages.js';

/**
 * Formulaire_<form>.csv: one row per form submission (a `form-submitted` event of the scenario,
 * in the period): when, the contact's address, then every field submitted (the event's `x`,
 * JSON text: src/serve/forms.ts), columns being the union of the field names in first-seen order.
 * The first pass kept the submissions' stream ids and field names; their entries are read again here.
 */
export const FORM_HEAD = ['submitted at', 'contact email'] as const;

const PAGE = 500;

export function formFileName(form: string): string {
  return `Formulaire_${form.replace(/[^A-Za-z0-9_.-]/g, '_')}.csv`;
}

export const formsFile: ReportFile = {
  // The scenario's form, or submissions recorded for a scenario that declares none (the API takes them).
  name: (ctx) => (ctx.scenario.form !== undefined || ctx.events.forms.ids.length > 0 ? formFileName(ctx.scenario.form ?? 'form') : undefined),
  async write(ctx, csv) {
    const { redis, keys, scenario, events } = ctx;
    const { ids, fields } = events.forms;
    csv.header([...FORM_HEAD, ...fields]);
    let done = 0;
    for await (const page of entriesById(redis, keys.events(scenario.record.name), ids, PAGE)) {
      const submissions = page.map(([, kv]) => {
        const entry = { contact: '', at: 0, detail: {} as Record<string, unknown> };
        for (let i = 0; i + 1 < kv.length; i += 2) {
          if (kv[i] === 'c') entry.contact = kv[i + 1]!;
          else if (kv[i] === 't') entry.at = Number(kv[i + 1]);
          else if (kv[i] === 'x') entry.detail = parseDetail(kv[i + 1]) ?? {};
        }
        return entry;
      });
      const contacts = [...new Set(submissions.map((s) => s.contact))];
      const records = contacts.length ? await redis.hmget(keys.contactData(), ...contacts) : [];
      const emails = new Map(contacts.map((id, i) => [id, emailOf(records[i] ?? null)]));
      for (const s of submissions) {
        const cells: Cell[] = [scenario.clock.iso(s.at), emails.get(s.contact) ?? ''];
        for (const name of fields) cells.push(text(s.detail[name]));
        csv.row(cells);
      }
      await csv.flush();
      done += page.length;
      ctx.onProgress?.({ scenario: scenario.record.name, phase: 'forms', done, total: ids.length });
    }
  },
};

function emailOf(json: string | null): string {
  if (!json) return '';
  try {
    const email = (JSON.parse(json) as { email?: unknown }).email;
    return typeof email === 'string' ? email : '';
  } catch {
    return '';
  }
}

/** Form fields are text (src/serve/form-fields.ts): anything else is written as JSON. */
function text(value: unknown): Cell {
  if (value === undefined || value === null) return '';
  return typeof value === 'string' ? value : JSON.stringify(value);
}
