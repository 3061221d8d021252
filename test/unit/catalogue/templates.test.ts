import { describe, expect, it } from 'vitest';
import { catalogue, getTemplate } from '../../../src/catalogue/index.js';
import type { TemplateName } from '../../../src/catalogue/types.js';
import { scenarioSchema } from '../../../src/schema/scenario-schema.js';
import type { Step } from '../../../src/schema/scenario.gen.js';
import { stepDefinition } from '../../../src/steps/index.js';
import { allBehaviours, expected, inputFor, label, reachable, runTrace } from './helpers.js';
import { SPEC } from './spec-rules.js';

const STEP_ID = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;
const edgesOf = (s: Step, fall: string | null) => stepDefinition(s).edges(s, fall);

describe('catalogue registry', () => {
  it('registers the eight templates of SPEC 3.4 under their own names', () => {
    expect(Object.keys(catalogue)).toEqual(['standard', 'hyper-personalized', 'deep', 'quarterly', 'no-form', 'inactive-relaunch', 'quick', 'monthly']);
    for (const [name, template] of Object.entries(catalogue)) {
      expect(template.name).toBe(name);
      expect(getTemplate(name as TemplateName)).toBe(template);
    }
  });
});

describe.each(Object.keys(SPEC) as TemplateName[])('template %s', (name) => {
  const template = catalogue[name];
  const spec = SPEC[name];
  const expansion = template.expand(inputFor(template));
  const { steps } = expansion;
  const emails = steps.filter((s) => s.type === 'email');

  it(`has ${spec.campaigns} campaigns, one email step each, keyed like its slots`, () => {
    expect(template.slots).toHaveLength(spec.campaigns);
    expect(template.slots.map((s) => s.key)).toEqual(spec.rules.map((r) => r.key));
    expect(emails.map((s) => s.id)).toEqual(template.slots.map((s) => s.key));
    for (const slot of template.slots) expect(slot.label && slot.audience).toBeTruthy();
  });

  it('needs a form exactly when a campaign says "except form", segments only for hyper-personalized', () => {
    expect(template.needsForm).toBe(spec.rules.some((r) => r.exceptForm));
    expect(template.needsSegments).toBe(name === 'hyper-personalized');
  });

  it('expands deterministically, without touching its input', () => {
    const input = inputFor(template, (key) => ({ from: { email: 'a@b.co', name: key }, languages: { fr: { subject: 'Bonjour' } } }));
    const before = structuredClone(input);
    const first = template.expand(input);
    expect(template.expand(input)).toEqual(first);
    expect(input).toEqual(before);
    (first.steps.find((s) => s.type === 'email') as { from: { name: string } }).from.name = 'changed';
    expect(input).toEqual(before);
  });

  it('has unique, valid step ids; every edge leads to a step or ends; every step is reachable', () => {
    const ids = steps.map((s) => s.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(id).toMatch(STEP_ID);
    steps.forEach((s, i) => {
      for (const e of edgesOf(s, steps[i + 1]?.id ?? null)) if (e.to !== null) expect(ids).toContain(e.to);
    });
    expect([...reachable(steps, edgesOf)].sort()).toEqual([...ids].sort());
  });

  it('points every step at what the author wrote', () => {
    const keys = template.slots.map((s) => s.key);
    expect(Object.keys(expansion.sources).sort()).toEqual(steps.map((s) => s.id).sort());
    for (const [id, source] of Object.entries(expansion.sources)) {
      const campaign = /^\/spec\/campaigns\/(.+)$/.exec(source)?.[1];
      if (campaign) expect(keys, id).toContain(campaign);
      else expect(source, id).toMatch(/^\/spec\/(template|segments(\/[ab])?)$/);
    }
    for (const key of keys) expect(expansion.sources[key]).toBe(`/spec/campaigns/${key}`);
  });

  it('produces steps that are valid against the JSON Schema', () => {
    const input = inputFor(template, (key, i) => ({
      delay: i === 0 ? '1 hour' : '2 business days',
      preheader: `Pre ${key}`,
      from: { name: 'Alice', email: 'alice@acme.test' },
      replyTo: 'sales@acme.test',
      languages: { fr: { subject: `Sujet ${key}` } },
      ...(i > 0 ? { thread: template.slots[0]!.key } : {}),
    }));
    for (const candidate of [steps, template.expand(input).steps]) {
      const scenario = { apiVersion: 'relance/v1', kind: 'Scenario', metadata: { name: 't' }, spec: { entry: { lists: ['l'] }, sender: { email: 'a@b.co' }, steps: candidate } };
      const { validate } = scenarioSchema();
      const ok = validate(scenario);
      expect(validate.errors ?? [], JSON.stringify(validate.errors?.slice(0, 3))).toEqual([]);
      expect(ok).toBe(true);
    }
  });

  describe('audiences, over every behaviour (reactions × form point × segment)', () => {
    const keys = spec.rules.map((r) => r.key);
    const runs = allBehaviours(keys, spec.segments).map((b) => ({ b, got: runTrace(steps, b), want: expected(spec.rules, b) }));

    it.each(keys)('campaign %s goes to exactly the contacts SPEC 3.4 says', (key) => {
      const who = (pick: (r: (typeof runs)[number]) => string[]): string[] => runs.filter((r) => pick(r).includes(key)).map((r) => label(r.b)).sort();
      const wanted = who((r) => r.want.sent);
      expect(wanted.length).toBeGreaterThan(0); // the rule is not vacuous
      expect(who((r) => r.got.sent)).toEqual(wanted);
    });

    it('sends in SPEC order; form leavers end with success, everyone else with end', () => {
      const wrong = runs.filter((r) => JSON.stringify(r.got.sent) !== JSON.stringify(r.want.sent)
        || r.got.outcome !== (r.want.left ? 'success' : 'end') || r.got.exit === null);
      expect(wrong.map((r) => `${label(r.b)}: got ${r.got.sent.join('>')} (${r.got.exit}), want ${r.want.sent.join('>')}${r.want.left ? ' (form)' : ''}`)).toEqual([]);
      expect(runs.some((r) => r.want.left)).toBe(template.needsForm);
    });

    it('waits every earlier campaign delay of the chain before each email (default delays)', () => {
      for (const { b, got } of runs) {
        for (const key of got.sent) {
          const chain = spec.chains.find((c) => c.includes(key))!;
          const waits = got.path.slice(0, got.path.indexOf(key)).filter((id) => id.startsWith('wait-'));
          expect(waits, `${label(b)} before ${key}`).toEqual(chain.slice(1, chain.indexOf(key) + 1).map((k) => `wait-${k}`));
        }
      }
    });
  });
});
