import { describe, expect, it } from 'vitest';
import { compileScenario } from '../../../src/compile/compile-scenario.js';
import { withDefaults } from '../../../src/compile/normalize.js';
import { parseEngagement, type ContactState } from '../../../src/conditions/contact-state.js';
import { walk } from '../../../src/execute/walk.js';
import { loadScenarioText } from '../../../src/load/load-scenario.js';
import type { Scenario } from '../../../src/schema/scenario.gen.js';
import { SendWindow } from '../../../src/time/window.js';

function scenario(spec: string): Scenario {
  const text = `apiVersion: relance/v1\nkind: Scenario\nmetadata: { name: t }\nspec:\n  entry: { lists: [l] }\n  sender: { email: a@acme.test }\n${spec}`;
  const { scenario: s, diagnostics } = loadScenarioText(text, 't.yaml');
  if (!s) throw new Error(JSON.stringify(diagnostics));
  return withDefaults(s);
}

function contact(fields: Record<string, unknown> = {}, engagement = '{"s":{}}', suppressed = false): ContactState {
  return { id: '1', email: 'c@x.test', fields: { email: 'c@x.test', ...fields }, engagement: parseEngagement(engagement), suppressed };
}

const T0 = Date.parse('2026-06-01T10:00:00Z'); // a Monday
const H = 3_600_000;

function run(s: Scenario, c: ContactState, at: string, since = T0, now = T0) {
  return walk({ graph: compileScenario(s)!, scenario: s, contact: c, step: at, since, now, window: new SendWindow(s.spec.schedule) });
}

const STEPS = `  steps:
    - { id: hello, type: email, template: m/hello, subject: Hi }
    - { id: pause, type: wait, for: 2 days }
    - id: opened
      type: condition
      if: { opened: hello }
      then: vip
      else: bye
    - { id: vip, type: score, points: 10, next: tag }
    - { id: bye, type: exit, outcome: failure }
    - { id: tag, type: update, set: { lifecycle: warm }, addTags: [engaged] }
    - { id: won, type: exit, outcome: success }
`;

describe('walk: one contact through the step graph', () => {
  it('stops at an email with what comes after it, computed as if the send succeeds', () => {
    const r = run(scenario(STEPS), contact(), 'hello');
    expect(r).toMatchObject({ step: 'hello', status: 'waiting', effect: { kind: 'email' }, after: { step: 'pause', status: 'waiting', due: T0 + 48 * H } });
    expect(r.passed).toEqual(['hello']);
    expect(r.beforeEffect).toBe(0);
  });

  it('waits until the wait is over, then branches on engagement', () => {
    const s = scenario(STEPS);
    expect(run(s, contact(), 'pause', T0, T0 + 47 * H)).toMatchObject({ step: 'pause', status: 'waiting', due: T0 + 48 * H });
    const silent = run(s, contact(), 'pause', T0, T0 + 48 * H);
    expect(silent).toMatchObject({ step: 'bye', status: 'finished', outcome: 'failure' });
    const opener = run(s, contact({ score: 5 }, '{"s":{"hello":"rdo"}}'), 'pause', T0, T0 + 48 * H);
    expect(opener).toMatchObject({ step: 'won', status: 'finished', outcome: 'success', fields: { score: 15, lifecycle: 'warm', tags: 'engaged' } });
    expect(opener.passed).toEqual(['pause', 'opened', 'vip', 'tag', 'won']);
  });

  it('applies scenario-wide exit rules before every step', () => {
    const s = scenario(STEPS);
    expect(run(s, contact({}, '{"s":{"hello":"rp"}}'), 'pause', T0, T0 + 48 * H)).toMatchObject({ status: 'replied', outcome: 'success' });
    expect(run(s, contact({}, '{"s":{}}', true), 'hello')).toMatchObject({ status: 'finished', reason: 'unsubscribed' });
    expect(run(s, contact({}, '{"s":{"hello":"rb"}}'), 'pause', T0, T0 + 48 * H)).toMatchObject({ status: 'finished', outcome: 'failure', reason: 'bounced' });
    const custom = scenario(`  exitOn: [{ when: { score: { gte: 50 } }, outcome: success }]\n${STEPS}`);
    expect(run(custom, contact({ score: 60 }), 'hello')).toMatchObject({ status: 'finished', outcome: 'success' });
  });

  it('moves an email outside the send window to the next allowed slot', () => {
    const s = scenario(`  schedule: { timezone: Europe/Paris, days: [mon, tue, wed, thu, fri], hours: ["09:00-12:00"] }\n${STEPS}`);
    const saturday = Date.parse('2026-06-06T09:00:00Z');
    expect(run(s, contact(), 'hello', saturday, saturday)).toMatchObject({ step: 'hello', status: 'waiting', due: Date.parse('2026-06-08T07:00:00Z') });
    expect(run(s, contact(), 'hello', T0 - 2 * H, T0 - 2 * H).effect).toBeDefined(); // Monday 10:00 Paris
  });

  it('waits for a condition with a timeout, moving on as soon as it holds', () => {
    const s = scenario(`  steps:
    - { id: invite, type: email, template: m/x, subject: Hi }
    - id: accepted
      type: wait-for
      condition: { status: connected }
      timeout: 15 days
      next: message
      onTimeout: gave-up
    - { id: message, type: exit, outcome: success }
    - { id: gave-up, type: exit, outcome: end }
`);
    expect(run(s, contact(), 'accepted', T0, T0 + H)).toMatchObject({ step: 'accepted', status: 'waiting', due: T0 + 15 * 24 * H });
    expect(run(s, contact({ status: 'connected' }), 'accepted', T0, T0 + H)).toMatchObject({ step: 'message', outcome: 'success' });
    expect(run(s, contact(), 'accepted', T0, T0 + 15 * 24 * H)).toMatchObject({ step: 'gave-up', outcome: 'end' });
  });

  it('waits until a date relative to a contact field, and reports a missing field as an error', () => {
    const s = scenario(`  fields: { eventDate: date }\n  schedule: { timezone: Europe/Paris }\n  steps:
    - { id: remind, type: wait, until: { field: eventDate, before: 1 day } }
    - { id: done, type: exit }
`);
    expect(run(s, contact({ eventDate: '2026-12-10T18:00' }), 'remind')).toMatchObject({ status: 'waiting', due: Date.parse('2026-12-09T17:00:00Z') });
    expect(run(s, contact(), 'remind')).toMatchObject({ status: 'error', reason: expect.stringContaining('eventDate') });
  });

  it('branches on the first matching case, parks on a task, and stops before a second effect', () => {
    const s = scenario(`  steps:
    - id: route
      type: branch
      cases:
        - { when: { status: connected }, next: call }
        - { when: { status: pending }, next: hook }
      default: end
    - { id: call, type: task, title: "Call {{firstName}}", next: end }
    - { id: hook, type: webhook, url: "https://crm.acme.test/h", next: mail }
    - { id: mail, type: email, template: m/x, subject: Hi }
    - { id: end, type: exit }
`);
    expect(run(s, contact({ status: 'connected' }), 'route')).toMatchObject({ step: 'call', status: 'waiting', due: 0, effect: { kind: 'task' } });
    expect(run(s, contact({ status: 'pending' }), 'route')).toMatchObject({ step: 'hook', effect: { kind: 'webhook' }, after: { step: 'mail', status: 'waiting', due: T0 } });
    expect(run(s, contact({ status: 'other' }), 'route')).toMatchObject({ step: 'end', status: 'finished' });
  });

  it('lets the steps after an email count it as received, without touching the contact it was given', () => {
    const s = scenario(`  steps:
    - { id: hello, type: email, template: m/x, subject: Hi }
    - id: check
      type: condition
      if: { received: hello }
      then: warm
      else: lost
    - { id: warm, type: update, set: { lifecycle: warm }, next: out }
    - { id: lost, type: exit, outcome: failure }
    - { id: out, type: exit, outcome: success }
`);
    const c = contact({}, '{"s":{"before":"rdo"}}');
    const before = structuredClone(c);
    const r = run(s, c, 'hello');
    expect(r).toMatchObject({ step: 'hello', effect: { kind: 'email' }, after: { step: 'out', status: 'finished', outcome: 'success' }, fields: { lifecycle: 'warm' } });
    expect(r.passed).toEqual(['hello', 'check', 'warm', 'out']);
    expect(c).toEqual(before);
    expect(c.engagement.s.hello).toBeUndefined();
  });
});
