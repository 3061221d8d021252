import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { compileScenario } from '../../../src/compile/compile-scenario.js';
import { withDefaults } from '../../../src/compile/normalize.js';
import { loadScenarioText } from '../../../src/load/load-scenario.js';
import type { Scenario } from '../../../src/schema/scenario.gen.js';
import { formatForecast } from '../../../src/simulate/format.js';
import { simulate, type Forecast, type SimulateOptions } from '../../../src/simulate/simulate.js';
import { validatePaths, type ValidScenario } from '../../../src/validate/validate.js';

const SCENARIOS_DIR = fileURLToPath(new URL('../../../scenarios', import.meta.url));

function scenario(spec: string): Scenario {
  const text = `apiVersion: relance/v1\nkind: Scenario\nmetadata: { name: sim }\nspec:\n  entry: { lists: [l] }\n  sender: { email: a@acme.test }\n${spec}`;
  const { scenario: s, diagnostics } = loadScenarioText(text, 'sim.yaml');
  if (!s) throw new Error(JSON.stringify(diagnostics));
  return withDefaults(s);
}

/** No engagement at all: every contact receives every email it is due. */
const SILENT = { open: 0, click: 0, reply: 0, form: 0, unsubscribe: 0, connect: 0 };
/** One company domain: provider "others", quota 500 a week. */
const ONE_DOMAIN: SimulateOptions['domains'] = [['acme-corp.test', 1]];

function run(s: Scenario, options: Partial<SimulateOptions> = {}): Forecast {
  return simulate(s, compileScenario(s)!, { contacts: 100, days: 60, start: new Date('2026-06-01T07:00:00Z'), seed: 7, rates: SILENT, domains: ONE_DOMAIN, ...options });
}

const THREE_EMAILS = `  steps:
    - { id: first, type: email, template: m/a, subject: A }
    - { id: pause-1, type: wait, for: 3 days }
    - { id: second, type: email, template: m/b, subject: B }
    - { id: pause-2, type: wait, for: 1 week }
    - { id: third, type: email, template: m/c, subject: C }
`;

describe('simulate: a forecast without sending', () => {
  it('gives the same forecast for the same seed, another one for another seed', () => {
    const s = scenario(`  schedule: { timezone: Europe/Paris, days: [mon, tue, wed, thu, fri], hours: ["09:00-12:00"] }\n${THREE_EMAILS}`);
    const options = { contacts: 500, rates: { open: 0.5, click: 0.2, reply: 0.1, form: 0, unsubscribe: 0.02 }, domains: undefined };
    const a = run(s, options);
    const b = run(s, options);
    expect(b).toEqual(a);
    expect(formatForecast(b)).toBe(formatForecast(a));
    expect(run(s, { ...options, seed: 8 })).not.toEqual(a);
  });

  it('sends every email of a 3-email scenario to everybody with rates at 0, the last one after both waits', () => {
    const f = run(scenario(`  schedule: { timezone: Europe/Paris }\n${THREE_EMAILS}`));
    expect(f.sends.perStep).toEqual([{ step: 'first', sends: 100 }, { step: 'second', sends: 100 }, { step: 'third', sends: 100 }]);
    expect(f.sends.total).toBe(300);
    // Monday 1 June 09:00 Paris, + 3 days, + 1 week.
    expect(f.sends.perDay).toEqual([
      { date: '2026-06-01', weekday: 'Mon', sends: 100 },
      { date: '2026-06-04', weekday: 'Thu', sends: 100 },
      { date: '2026-06-11', weekday: 'Thu', sends: 100 },
    ]);
    expect(f.sends.last).toEqual({ at: '2026-06-11T07:00:00.000Z', local: '2026-06-11 09:00', weekday: 'Thu' });
    expect(f.deferred).toEqual({ quota: 0, window: 0, quotaByProvider: {} });
    expect(f.outcomes.finished).toEqual({ success: 0, failure: 0, end: 100 });
    expect(f.engagement).toEqual({ opened: 0, clicked: 0, replied: 0, formSubmitted: 0, unsubscribed: 0, statusChanged: 0 });
  });

  it('moves sends into the window: a Monday–Friday scenario never sends at the weekend', () => {
    const s = scenario(`  schedule: { timezone: Europe/Paris, days: [mon, tue, wed, thu, fri], hours: ["09:00-17:00"] }
  steps:
    - { id: first, type: email, template: m/a, subject: A }
    - { id: pause-1, type: wait, for: 1 day }
    - { id: second, type: email, template: m/b, subject: B }
    - { id: pause-2, type: wait, for: 1 day }
    - { id: third, type: email, template: m/c, subject: C }
`);
    // Friday 5 June 10:00 Paris: the second email falls on Saturday and goes out on Monday 09:00.
    const f = run(s, { start: new Date('2026-06-05T08:00:00Z') });
    expect(f.sends.perDay.map((d) => d.weekday)).not.toContain('Sat');
    expect(f.sends.perDay.map((d) => d.weekday)).not.toContain('Sun');
    expect(f.sends.perDay).toEqual([
      { date: '2026-06-05', weekday: 'Fri', sends: 100 },
      { date: '2026-06-08', weekday: 'Mon', sends: 100 },
      { date: '2026-06-09', weekday: 'Tue', sends: 100 },
    ]);
    expect(f.deferred.window).toBe(100);
    expect(f.sends.last?.local).toBe('2026-06-09 09:00');
  });

  it('defers sends over a weekly quota to the next week: 10 a week to 100 Gmail addresses', () => {
    const s = scenario(`  quotas: { gmail: 10 }\n  steps:\n    - { id: hello, type: email, template: m/a, subject: A }\n`);
    const f = run(s, { days: 80, domains: [['gmail.com', 1]] });
    expect(f.providers).toEqual({ gmail: 100 });
    expect(f.sends.total).toBe(100);
    expect(f.sends.perDay).toHaveLength(10);
    expect(f.sends.perDay.every((d) => d.sends === 10 && d.weekday === 'Mon')).toBe(true);
    expect(f.deferred.quota).toBe(90);
    expect(f.deferred.quotaByProvider).toEqual({ gmail: 90 });
    // Week 1 on Monday 1 June, then each Monday at 00:00 (no window) until the tenth week.
    expect(f.sends.last?.at).toBe('2026-08-03T00:00:00.000Z');
  });

  it('stops at the horizon, with the contacts still deferred counted as waiting at their email', () => {
    const s = scenario(`  quotas: { gmail: 10 }\n  steps:\n    - { id: hello, type: email, template: m/a, subject: A }\n`);
    const f = run(s, { days: 20, domains: [['gmail.com', 1]] });
    expect(f.sends.total).toBe(30);
    expect(f.outcomes.waiting).toEqual({ hello: 70 });
    expect(f.outcomes.finished.end).toBe(30);
  });

  it('ends the run of contacts who reply: reply rate 1 means only first emails go out', () => {
    const f = run(scenario(`  schedule: { timezone: Europe/Paris }\n${THREE_EMAILS}`), { rates: { ...SILENT, reply: 1 } });
    expect(f.rates.open).toBe(1); // a reply implies an open
    expect(f.sends.perStep).toEqual([{ step: 'first', sends: 100 }, { step: 'second', sends: 0 }, { step: 'third', sends: 0 }]);
    expect(f.outcomes.replied).toBe(100);
    expect(f.engagement.replied).toBe(100);
  });

  it('wakes a waiting contact when it submits the form (exitOn: form)', () => {
    const s = scenario(`  form: { id: f1 }\n  exitOn: [reply, unsubscribe, bounce, form]\n${THREE_EMAILS}`);
    const f = run(s, { rates: { ...SILENT, form: 1 } });
    expect(f.sends.perStep.map((p) => p.sends)).toEqual([100, 0, 0]);
    expect(f.outcomes.finished.success).toBe(100);
    expect(f.outcomes.exitReasons).toEqual({ 'form submitted': 100 });
  });

  it('keeps contacts over limits.maxActive blocked until places free up', () => {
    const s = scenario(`  limits: { maxActive: 40 }\n${THREE_EMAILS}`);
    const f = run(s);
    expect(f.entry.blocked).toBe(60);
    expect(f.sends.total).toBe(300);
    expect(f.outcomes.finished.end).toBe(100);
    // 40 at a time, each run lasting 10 days.
    expect(f.sends.perStep[0]).toEqual({ step: 'first', sends: 100 });
    expect(f.sends.perDay[0]).toEqual({ date: '2026-06-01', weekday: 'Mon', sends: 40 });
  });

  it('lets at most limits.maxEntriesPerDay contacts in each day', () => {
    const f = run(scenario(`  limits: { maxEntriesPerDay: 30 }\n  steps:\n    - { id: hello, type: email, template: m/a, subject: A }\n`));
    expect(f.entry.postponed).toBe(70);
    expect(f.sends.perDay.map((d) => d.sends)).toEqual([30, 30, 30, 10]);
  });

  it('runs webhooks at once and parks contacts on a task until a person does it (a day later by default)', () => {
    const s = scenario(`  steps:
    - { id: crm, type: webhook, url: "https://crm.acme.test/hook" }
    - { id: first, type: email, template: m/a, subject: A }
    - { id: call, type: task, title: Call them }
    - { id: second, type: email, template: m/b, subject: B }
`);
    const f = run(s);
    expect(f.effects).toEqual({ webhooks: 100, tasks: 100 });
    expect(f.sends.perDay.map((d) => [d.date, d.sends])).toEqual([['2026-06-01', 100], ['2026-06-02', 100]]);
    const slow = run(s, { taskDelayMs: 3 * 86_400_000, days: 2 });
    expect(slow.sends.perStep).toEqual([{ step: 'first', sends: 100 }, { step: 'second', sends: 0 }]);
    expect(slow.outcomes.waiting).toEqual({ call: 100 });
  });

  it('lets nobody in after schedule.end', () => {
    const f = run(scenario(`  schedule: { timezone: UTC, end: 2026-05-01 }\n${THREE_EMAILS}`));
    expect(f.sends.total).toBe(0);
    expect(f.outcomes.notEntered.scheduleEnded).toBe(100);
    expect(formatForecast(f)).toContain('No email would go out before the horizon.');
  });
});

describe('simulate: every example scenario', () => {
  let examples: ValidScenario[];
  beforeAll(async () => {
    examples = (await validatePaths([SCENARIOS_DIR])).scenarios;
  }, 60_000);

  it('forecasts each example without errors', () => {
    expect(examples.length).toBeGreaterThanOrEqual(14);
    for (const example of examples) {
      const s = withDefaults(example.scenario);
      const f = simulate(s, compileScenario(s)!, { contacts: 300, days: 120, start: new Date('2026-03-02T08:00:00Z'), seed: 42 });
      const o = f.outcomes;
      const total = o.finished.success + o.finished.failure + o.finished.end + o.replied + o.blocked + o.error
        + Object.values(o.waiting).reduce((a, b) => a + b, 0) + o.notEntered.scheduleEnded + o.notEntered.rateLimit + o.notEntered.afterHorizon;
      expect({ name: f.scenario, total, errors: o.errors }).toEqual({ name: f.scenario, total: 300, errors: {} });
      expect(f.sends.total, f.scenario).toBeGreaterThan(0);
      expect(f.sends.perStep.reduce((a, p) => a + p.sends, 0)).toBe(f.sends.total);
      expect(f.sends.perDay.reduce((a, d) => a + d.sends, 0)).toBe(f.sends.total);
      expect(formatForecast(f)).toContain(`Forecast for ${f.scenario}`);
    }
  });
});
