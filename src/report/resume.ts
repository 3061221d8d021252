import { enrollmentCount, readCountsHash } from '../enroll/read.js';
import type { ReportContext, ReportFile } from './context.js';
import type { Cell } from './csv.js';
import type { StepCounts } from './tally.js';

/**
 * Resume.csv: the scenario (one `field,value` row each), a blank line, then one row per email
 * step (per campaign of a catalogue scenario) with its counts and rates. Counts are contacts:
 * each send counts once per kind of event, at its first event of that kind.
 */

/** The scenario's rows: a label and its value. */
const SCENARIO_ROWS: Array<[label: string, value: (ctx: ReportContext, extra: { enrolled: number }) => Cell]> = [
  ['scenario', (c) => c.scenario.record.name],
  ['title', (c) => c.scenario.version.scenario.metadata.title ?? ''],
  ['template', (c) => c.scenario.version.scenario.spec.template ?? 'steps'],
  ['version', (c) => c.scenario.record.digest.slice(0, 12)],
  ['revision', (c) => c.scenario.record.revision],
  ['state', (c) => c.scenario.record.state],
  ['start', (c) => c.scenario.clock.iso(c.scenario.start)],
  ['time zone', (c) => c.scenario.clock.zone.name],
  ['period from', (c) => (c.window.from === undefined ? '' : c.scenario.clock.iso(c.window.from))],
  ['period until', (c) => (c.window.to === undefined ? '' : c.scenario.clock.iso(c.window.to))],
  ['report made', (c) => c.scenario.clock.iso(Math.floor(c.now.getTime() / 1000))],
  ['enrolled contacts', (_c, e) => e.enrolled],
  ['form submissions', (c) => c.tally.formSubmissions],
];

/** A share in percent, two decimals; empty when there is nothing to divide by. */
function rate(n: number, over: number): Cell {
  return over > 0 ? Math.round((n / over) * 10_000) / 100 : '';
}

/** The step table: a header and how each cell reads a step's counts. */
export const RESUME_STEP_COLUMNS: Array<[header: string, cell: (c: StepCounts) => Cell]> = [
  ['targeted', (c) => c.targeted],
  ['sent', (c) => c.sent],
  ['delivered', (c) => c.delivered],
  ['deferred', (c) => c.deferred],
  ['opened', (c) => c.opened],
  ['clicked', (c) => c.clicked],
  ['reacted', (c) => c.reacted],
  ['replied', (c) => c.replied],
  ['bounced', (c) => c.bounced],
  ['unsubscribed', (c) => c.unsubscribed],
  ['complained', (c) => c.complained],
  ['form submitted', (c) => c.formSubmitted],
  ['converted', (c) => c.converted],
  ['delivery rate %', (c) => rate(c.delivered, c.sent)],
  ['open rate %', (c) => rate(c.opened, c.delivered)],
  ['click rate %', (c) => rate(c.clicked, c.delivered)],
  ['reaction rate %', (c) => rate(c.reacted, c.delivered)],
  ['reply rate %', (c) => rate(c.replied, c.delivered)],
  // Over the attempts: the sends, and those the receiving server refused at once (never sent).
  ['bounce rate %', (c) => rate(c.bounced, c.sent + c.refusedBounced)],
  ['unsubscribe rate %', (c) => rate(c.unsubscribed, c.delivered)],
  ['complaint rate %', (c) => rate(c.complained, c.delivered)],
  ['form rate %', (c) => rate(c.formSubmitted, c.delivered)],
  ['conversion rate %', (c) => rate(c.converted, c.delivered)],
  ['bot opens', (c) => c.botOpens],
  ['bot clicks', (c) => c.botClicks],
];

export const RESUME_STEP_HEAD = ['step', 'campaign', 'subject'] as const;

export const resumeFile: ReportFile = {
  name: () => 'Resume.csv',
  async write(ctx, csv) {
    const { redis, keys, scenario, tally } = ctx;
    const name = scenario.record.name;
    const enrolled = await enrollmentCount(redis, keys, name);
    // Held back by a weekly quota now: from the counters, `version|step|deferred` (no scan).
    const counts = await readCountsHash(redis, keys, name);
    for (const [field, n] of Object.entries(counts)) {
      const [, step, status] = field.split('|');
      if (status === 'deferred' && step && Number(n) > 0 && isEmailStep(ctx, step)) tally.deferred(scenario.steps.of(step), Number(n));
    }
    csv.header(['field', 'value']);
    for (const [label, value] of SCENARIO_ROWS) csv.row([label, value(ctx, { enrolled })]);
    csv.blank();
    csv.header([...RESUME_STEP_HEAD, ...RESUME_STEP_COLUMNS.map(([h]) => h)]);
    const current = new Set(scenario.version.graph.order);
    scenario.steps.list.forEach((info, i) => {
      const c = tally.at(i);
      // A step of an older version only when some contact got it.
      if (!current.has(info.id) && c.targeted === 0) return;
      csv.row([info.id, info.campaign, info.subject, ...RESUME_STEP_COLUMNS.map(([, cell]) => cell(c))]);
    });
  },
};

function isEmailStep(ctx: ReportContext, step: string): boolean {
  return ctx.scenario.steps.list.some((s) => s.id === step);
}
