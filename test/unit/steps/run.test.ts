import { describe, expect, it } from 'vitest';
import { contactView, parseEngagement, type ContactState } from '../../../src/conditions/contact-state.js';
import type { Step } from '../../../src/schema/scenario.gen.js';
import { stepDefinition } from '../../../src/steps/index.js';
import type { StepContext, Transition } from '../../../src/steps/types.js';
import { SendWindow } from '../../../src/time/window.js';

const T0 = Date.parse('2026-06-01T10:00:00Z'); // a Monday
const H = 3_600_000;

/** Runs one step for a contact, with `changes` made earlier in the pass; edges are named after their label. */
function run(step: Step, options: { fields?: Record<string, unknown>; changes?: Record<string, unknown>; engagement?: string; enteredAt?: number; now?: number; window?: SendWindow; contact?: ContactState } = {}): Transition {
  const contact: ContactState = options.contact ?? { id: '1', email: 'c@x.test', fields: options.fields ?? {}, engagement: parseEngagement(options.engagement), suppressed: false };
  const seen = { ...contact, fields: { ...contact.fields, ...options.changes } };
  const ctx: StepContext = {
    contact, changes: options.changes, engagement: contact.engagement, view: contactView(seen),
    edge: (label) => `<${label}>`, enteredAt: options.enteredAt ?? T0, now: options.now ?? T0, window: options.window ?? new SendWindow(),
  };
  return stepDefinition(step).run(step, ctx);
}

describe('what each step does at one instant', () => {
  it('email: hands over the send, and lets later steps count it received without touching the contact', () => {
    const contact: ContactState = { id: '1', email: 'c@x.test', fields: {}, engagement: parseEngagement('{"s":{"old":"rdo"}}'), suppressed: false };
    const t = run({ id: 'hi', type: 'email', template: 'm/hi', subject: 'Hi' }, { contact });
    expect(t).toMatchObject({ effect: { kind: 'email', step: { id: 'hi' } }, then: '<next>', engagement: { s: { old: 'rdo', hi: 'r' } } });
    expect(contact.engagement.s).toEqual({ old: 'rdo' });
  });

  it('email: waits for the send window, and ends the run once the schedule is over', () => {
    const step: Step = { id: 'hi', type: 'email', template: 'm/hi', subject: 'Hi' };
    const office = new SendWindow({ timezone: 'UTC', hours: ['14:00-16:00'] });
    expect(run(step, { window: office })).toEqual({ wait: T0 + 4 * H });
    const over = new SendWindow({ end: '2026-05-01' });
    expect(run(step, { window: over })).toEqual({ end: { status: 'finished', outcome: 'end', reason: 'the schedule has ended' } });
  });

  it('score: adds to the score as this pass left it, only when its condition holds', () => {
    const step: Step = { id: 's', type: 'score', points: 5, when: { field: 'plan', eq: 'pro' } };
    expect(run(step, { fields: { plan: 'free', score: 10 } })).toEqual({ go: '<next>' });
    expect(run(step, { fields: { plan: 'pro', score: 10 } })).toEqual({ go: '<next>', fields: { score: 15 } });
    expect(run(step, { fields: { plan: 'pro', score: 10 }, changes: { score: 40 } })).toEqual({ go: '<next>', fields: { score: 45 } });
    expect(run(step, { fields: { plan: 'pro', score: 'n/a' } })).toEqual({ go: '<next>', fields: { score: 5 } });
  });

  it('update: sets, clears and retags, starting from the tags this pass left', () => {
    const step: Step = { id: 'u', type: 'update', set: { lifecycle: 'warm' }, unset: ['phone'], addTags: ['vip'], removeTags: ['cold'] };
    expect(run(step, { fields: { tags: 'cold; news' } })).toEqual({ go: '<next>', fields: { lifecycle: 'warm', phone: null, tags: 'news,vip' } });
    expect(run(step, { fields: { tags: 'cold' }, changes: { tags: 'later' } })).toEqual({ go: '<next>', fields: { lifecycle: 'warm', phone: null, tags: 'later,vip' } });
    // Even an update that changes nothing reports fields: the pass saves them.
    expect(run({ id: 'u', type: 'update' })).toEqual({ go: '<next>', fields: {} });
  });

  it('wait: waits from arrival, goes on once over, and ends in error without its date field', () => {
    const step: Step = { id: 'w', type: 'wait', for: '2 hours' };
    expect(run(step, { now: T0 + H })).toEqual({ wait: T0 + 2 * H });
    expect(run(step, { now: T0 + 2 * H })).toEqual({ go: '<next>' });
    const relative: Step = { id: 'w', type: 'wait', until: { field: 'eventDate', before: '1 day' } };
    expect(run(relative)).toMatchObject({ end: { status: 'error', reason: expect.stringContaining('eventDate') } });
  });

  it('wait-for: goes on as soon as the condition holds, else times out from arrival', () => {
    const step: Step = { id: 'wf', type: 'wait-for', condition: { opened: 'hi' }, timeout: '1 day' };
    expect(run(step, { engagement: '{"s":{"hi":"rdo"}}', now: T0 + H })).toEqual({ go: '<met>' });
    expect(run(step, { now: T0 + H })).toEqual({ wait: T0 + 24 * H });
    expect(run(step, { now: T0 + 24 * H })).toEqual({ go: '<timeout>' });
  });

  it('condition and branch: read the fields as this pass changed them; the first case wins', () => {
    expect(run({ id: 'c', type: 'condition', if: { field: 'plan', eq: 'pro' } }, { fields: { plan: 'free' }, changes: { plan: 'pro' } })).toEqual({ go: '<then>' });
    const branch: Step = { id: 'b', type: 'branch', cases: [{ when: { score: { gte: 10 } }, next: 'warm' }, { when: { score: { gte: 5 } }, next: 'lukewarm' }] };
    expect(run(branch, { fields: { score: 20 } })).toEqual({ go: 'warm' });
    expect(run(branch, { fields: { score: 1 } })).toEqual({ go: '<default>' });
  });

  it('task parks the contact (no way on), webhook goes on, exit ends and counts as passed', () => {
    expect(run({ id: 't', type: 'task', title: 'Call' })).toEqual({ effect: { kind: 'task', step: { id: 't', type: 'task', title: 'Call' } } });
    expect(run({ id: 'h', type: 'webhook', url: 'https://crm.acme.test/h' })).toMatchObject({ effect: { kind: 'webhook' }, then: '<next>' });
    expect(run({ id: 'x', type: 'exit', outcome: 'success' })).toEqual({ end: { status: 'finished', outcome: 'success' }, passed: true });
    expect(run({ id: 'x', type: 'exit' })).toEqual({ end: { status: 'finished', outcome: 'end' }, passed: true });
  });
});
