import { existsSync, readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { catalogue } from '../../src/catalogue/index.js';
import { forEachLeaf } from '../../src/conditions/walk.js';
import { PROVIDERS, type Provider } from '../../src/quotas/providers.js';
import type { Condition, EmailStep, Scenario, Step } from '../../src/schema/scenario.gen.js';
import { stepTypes } from '../../src/steps/index.js';
import { validatePaths, type ValidationResult, type ValidScenario } from '../../src/validate/validate.js';

/**
 * The examples in `scenarios/` are documentation users copy, and SPEC section 3 says they must
 * cover every item of the scenario language. This test keeps both promises: the examples are
 * valid (no error, no warning) and, walked mechanically, they use every feature.
 */

const SCENARIOS_DIR = fileURLToPath(new URL('../../scenarios', import.meta.url));

const CUSTOM = ['welcome', 'event', 'reactivation', 'nurturing-scoring', 'business-day-sequence', 'visit-invite-message'];
const CATALOGUE = ['standard', 'hyper-personalized', 'deep', 'quarterly', 'no-form', 'inactive-relaunch', 'quick', 'monthly'];
const ALL = [...CUSTOM, ...CATALOGUE];

let result: ValidationResult;
let examples: ValidScenario[];
let specs: Scenario['spec'][];
/** Steps as the authors wrote them (custom `steps` only, not catalogue expansions). */
let authored: Step[];

beforeAll(async () => {
  result = await validatePaths([SCENARIOS_DIR]);
  examples = result.scenarios;
  specs = examples.map((e) => e.scenario.spec);
  authored = specs.flatMap((s) => s.steps ?? []);
}, 60_000);

function stem(file: string): string {
  return basename(file).replace(/\.ya?ml$/, '');
}

function example(name: string): ValidScenario {
  const found = examples.find((e) => stem(e.file) === name);
  if (!found) throw new Error(`no valid example scenarios/${name}.yaml`);
  return found;
}

function stepsOf<T extends Step['type']>(type: T, steps: Step[] = authored): Array<Extract<Step, { type: T }>> {
  return steps.filter((s): s is Extract<Step, { type: T }> => s.type === type);
}

/** The kind of a leaf condition: `field`, `score`, `tag`, `status`, `opened`, `formSubmitted`… */
function leafKinds(conditions: Condition[]): Set<string> {
  const kinds = new Set<string>();
  for (const c of conditions) forEachLeaf(c, (leaf) => kinds.add('field' in leaf ? 'field' : Object.keys(leaf)[0]!));
  return kinds;
}

function emailsOf(spec: Scenario['spec']): Array<Pick<EmailStep, 'template' | 'from' | 'replyTo' | 'thread' | 'languages'>> {
  return [...stepsOf('email', spec.steps ?? []), ...Object.values(spec.campaigns ?? {}).filter((c) => c !== undefined)];
}

describe('example scenarios', () => {
  it('are all valid, with no error and no warning', () => {
    expect(result.errors).toEqual([]);
    expect(result.warnings).toEqual([]);
  });

  it('include the 14 documented files, each named after its file', () => {
    expect(result.files.map(stem).sort()).toEqual([...ALL].sort());
    for (const name of ALL) {
      const e = example(name);
      expect(e.scenario.metadata.name).toBe(name);
    }
  });

  it('start with the yaml-language-server schema line', () => {
    for (const name of ALL) {
      const first = readFileSync(join(SCENARIOS_DIR, `${name}.yaml`), 'utf8').split('\n')[0];
      expect(first, `${name}.yaml`).toBe('# yaml-language-server: $schema=../schema/scenario.schema.json');
    }
  });

  it('write their own steps for the 004 / 003 / 000 examples', () => {
    for (const name of CUSTOM) {
      expect(example(name).scenario.spec.steps, name).toBeDefined();
      expect(example(name).scenario.spec.template, name).toBeUndefined();
    }
  });
});

describe('catalogue examples', () => {
  it('exist for every catalogue template, with exactly its campaigns', () => {
    expect(Object.keys(catalogue).sort()).toEqual([...CATALOGUE].sort());
    for (const [name, template] of Object.entries(catalogue)) {
      const { spec } = example(name).scenario;
      expect(spec.template, name).toBe(name);
      expect(Object.keys(spec.campaigns ?? {}).sort(), name).toEqual(template.slots.map((s) => s.key).sort());
      for (const [key, campaign] of Object.entries(spec.campaigns ?? {})) {
        expect(campaign?.subject, `${name}/${key}`).toBeTruthy();
        expect(existsSync(join(SCENARIOS_DIR, `${campaign!.template}.html.hbs`)), `${name}/${key} template`).toBe(true);
      }
      if (template.needsForm) expect(spec.form, `${name} form`).toBeDefined();
      if (template.needsSegments) expect(Object.keys(spec.segments ?? {}).sort()).toEqual(['a', 'b']);
    }
  });

  it('set a delay on every campaign but the first of a chain', () => {
    for (const name of CATALOGUE) {
      const campaigns = example(name).scenario.spec.campaigns ?? {};
      const delayed = Object.entries(campaigns).filter(([, c]) => c?.delay).map(([k]) => k);
      const firsts = Object.keys(campaigns).filter((k) => k === 'initial' || k === 'p1-initial' || /^[ab]-initial$/.test(k));
      expect(delayed.sort(), name).toEqual(Object.keys(campaigns).filter((k) => !firsts.includes(k)).sort());
    }
  });
});

describe('SPEC 3.1 entry, covered by the examples', () => {
  it('uses lists with a segment, and runIndefinitely', () => {
    expect(specs.some((s) => s.entry.lists && s.entry.segment)).toBe(true);
    expect(specs.some((s) => s.entry.lists && s.entry.runIndefinitely)).toBe(true);
  });

  it('uses the main triggers, an API one with a rate limit', () => {
    const triggers = specs.flatMap((s) => s.entry.triggers ?? []);
    const kinds = new Set(triggers.map((t) => t.on));
    for (const kind of ['list-added', 'form-submitted', 'api', 'page-visited', 'score-changed', 'field-changed', 'email-clicked'] as const) {
      expect(kinds, kind).toContain(kind);
    }
    expect(triggers.some((t) => t.on === 'api' && t.rateLimit)).toBe(true);
    expect(triggers.some((t) => t.when)).toBe(true);
  });

  it('uses exclusive with a priority, and a cap on active contacts (5,000)', () => {
    expect(specs.some((s) => s.exclusive === true && (s.priority ?? 0) > 0)).toBe(true);
    expect(example('visit-invite-message').scenario.spec.limits?.maxActive).toBe(5000);
  });
});

describe('SPEC 3.2 steps, covered by the examples', () => {
  it('uses every step type', () => {
    expect(new Set(authored.map((s) => s.type))).toEqual(new Set(Object.keys(stepTypes)));
  });

  it('uses every form of wait', () => {
    const waits = stepsOf('wait');
    const business = /(\bbd\b|business)/;
    expect(waits.some((w) => w.for && !business.test(w.for)), 'for a duration').toBe(true);
    expect(waits.some((w) => w.for && business.test(w.for)), 'for business days').toBe(true);
    expect(waits.some((w) => typeof w.until === 'string'), 'until a date').toBe(true);
    expect(waits.some((w) => typeof w.until === 'object' && w.until.before), 'until before a field').toBe(true);
    expect(waits.some((w) => typeof w.until === 'object' && w.until.after), 'until after a field').toBe(true);
  });

  it('branches on fields, score, engagement, form and status', () => {
    const conditions = [
      ...stepsOf('condition').map((s) => s.if),
      ...stepsOf('branch').flatMap((s) => s.cases.map((c) => c.when)),
      ...stepsOf('wait-for').map((s) => s.condition),
    ];
    const kinds = leafKinds(conditions);
    for (const kind of ['field', 'score', 'tag', 'status', 'opened', 'clicked', 'reacted', 'replied', 'formSubmitted', 'bounced']) {
      expect(kinds, kind).toContain(kind);
    }
    expect(leafKinds(stepsOf('branch').flatMap((s) => s.cases.map((c) => c.when)))).toContain('score');
  });

  it('has the three-way status branch of 000: connected / not-connected / pending', () => {
    const statuses = stepsOf('branch').map((b) => b.cases.flatMap((c) => ('status' in c.when ? [c.when.status].flat() : [])));
    expect(statuses.some((s) => ['connected', 'not-connected', 'pending'].every((x) => s.includes(x)))).toBe(true);
  });

  it('waits for a condition with a timeout and a timeout path', () => {
    const waitFors = stepsOf('wait-for');
    expect(waitFors.some((w) => w.timeout === '15 days' && w.onTimeout)).toBe(true);
    expect(waitFors.some((w) => leafKinds([w.condition]).has('replied') && w.timeout === '7 days' && w.onTimeout)).toBe(true);
  });

  it('scores +5 / +10 / +20, updates fields and tags, calls a signed webhook, assigns a task', () => {
    const points = stepsOf('score').map((s) => s.points);
    for (const p of [5, 10, 20]) expect(points).toContain(p);
    expect(stepsOf('score').some((s) => s.when)).toBe(true);
    expect(stepsOf('update').some((u) => u.set && Object.keys(u.set).length > 0)).toBe(true);
    expect(stepsOf('update').some((u) => u.addTags?.length)).toBe(true);
    expect(stepsOf('update').some((u) => u.removeTags?.length)).toBe(true);
    expect(stepsOf('webhook').some((w) => w.secretEnv && w.retries !== undefined && w.timeout)).toBe(true);
    expect(stepsOf('task').some((t) => t.title.includes('{{firstName}}') && t.due)).toBe(true);
  });

  it('exits with success, failure and end', () => {
    expect(new Set(stepsOf('exit').map((e) => e.outcome ?? 'end'))).toEqual(new Set(['success', 'failure', 'end']));
  });

  it('uses sender reply-to, per-email from, threads, language variants and variables', () => {
    const emails = specs.flatMap(emailsOf);
    expect(specs.some((s) => s.sender?.replyTo)).toBe(true);
    expect(emails.some((e) => e.replyTo)).toBe(true);
    expect(emails.some((e) => e.from)).toBe(true);
    expect(emails.some((e) => e.thread)).toBe(true);
    expect(specs.some((s) => Object.keys(s.variables ?? {}).length > 0)).toBe(true);
    const french = examples.flatMap((e) => emailsOf(e.scenario.spec).filter((m) => m.languages?.fr).map((m) => join(dirname(e.file), m.template)));
    expect(french.length).toBeGreaterThan(0);
    for (const base of french) expect(existsSync(`${base}.fr.html.hbs`), `${base}.fr.html.hbs`).toBe(true);
  });
});

describe('SPEC 3.3 scenario-wide rules, covered by the examples', () => {
  it('exits on reply, unsubscribe, bounce, form, conversion and a condition', () => {
    const rules = specs.flatMap((s) => s.exitOn ?? []);
    for (const rule of ['reply', 'unsubscribe', 'bounce', 'form', 'conversion']) expect(rules).toContain(rule);
    expect(rules.some((r) => typeof r === 'object' && r.when && r.outcome)).toBe(true);
    // 003: the business-day sequence stops on reply and on conversion.
    expect(example('business-day-sequence').scenario.spec.exitOn).toEqual(expect.arrayContaining(['reply', 'conversion', 'unsubscribe', 'bounce']));
  });

  it('schedules with a time zone, days, hours, business days, holidays and a start date', () => {
    const schedules = specs.map((s) => s.schedule).filter((s) => s !== undefined);
    expect(schedules.some((s) => s.timezone && s.timezone !== 'UTC')).toBe(true);
    expect(schedules.some((s) => s.days && s.days.length < 7)).toBe(true);
    expect(schedules.some((s) => s.hours?.length)).toBe(true);
    expect(schedules.some((s) => s.businessDays)).toBe(true);
    expect(schedules.some((s) => s.holidays?.length)).toBe(true);
    expect(schedules.some((s) => s.start)).toBe(true);
    expect(schedules.some((s) => s.businessDays && s.hours && s.timezone)).toBe(true);
  });

  it('overrides quotas below the provider limits', () => {
    const overrides = specs.flatMap((s) => Object.entries(s.quotas ?? {}) as Array<[Provider, number]>);
    expect(overrides.length).toBeGreaterThan(0);
    for (const [provider, value] of overrides) expect(value, provider).toBeLessThanOrEqual(PROVIDERS[provider].limit);
    expect(overrides.some(([provider, value]) => value < PROVIDERS[provider].limit)).toBe(true);
  });

  it('sets the unsubscribe language (fr somewhere), tracking, and both update strategies', () => {
    expect(specs.some((s) => s.unsubscribe?.language === 'fr')).toBe(true);
    expect(specs.some((s) => s.tracking)).toBe(true);
    expect(specs.some((s) => s.updateStrategy?.type === 'migrate' && Object.keys(s.updateStrategy.stepMap ?? {}).length > 0)).toBe(true);
    expect(specs.some((s) => s.updateStrategy?.type === 'pin')).toBe(true);
  });

  it('declares custom fields, including a date field used by a relative wait', () => {
    const event = example('event').scenario.spec;
    expect(event.fields?.eventDate).toBe('date');
    expect(stepsOf('wait', event.steps).some((w) => typeof w.until === 'object' && w.until.field === 'eventDate')).toBe(true);
  });
});
