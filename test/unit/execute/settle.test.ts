import { describe, expect, it } from 'vitest';
// The package's own entry point: the step machine checked from outside, without Redis.
import { SendWindow, TimeZone, compileScenario, loadScenarioText, parseEngagement, settle, walk, type ContactState, type Enrollment, type Scenario } from '../../../src/index.js';
import { withDefaults } from '../../../src/compile/normalize.js';

function scenario(spec: string): Scenario {
  const text = `apiVersion: relance/v1\nkind: Scenario\nmetadata: { name: t }\nspec:\n  entry: { lists: [l] }\n  sender: { email: a@acme.test }\n${spec}`;
  const { scenario: s, diagnostics } = loadScenarioText(text, 't.yaml');
  if (!s) throw new Error(JSON.stringify(diagnostics));
  return withDefaults(s);
}

const S = scenario(`  schedule: { timezone: Europe/Paris }
  steps:
    - { id: hello, type: email, template: m/hello, subject: Hi }
    - { id: pause, type: wait, for: 2 days }
    - { id: ping, type: webhook, url: "https://hooks.example/x", retries: 2 }
`);
const graph = compileScenario(S)!;
const window = new SendWindow(S.spec.schedule);
const zone = TimeZone.of('Europe/Paris');
const T0 = Date.parse('2026-06-03T10:00:20Z'); // a Wednesday, 20 s into the minute
const T0S = Math.floor(T0 / 1000);
const contact: ContactState = { id: '7', email: 'c@gmail.com', fields: { email: 'c@gmail.com' }, engagement: parseEngagement(null), suppressed: false };
const at = (step: string, since = T0S - 600, attempts = 0): Enrollment => ({ version: 'v1', step, status: 'waiting', since, due: T0S, attempts });
const pass = (e: Enrollment) => walk({ graph, scenario: S, contact, step: e.step, since: e.since * 1000, now: T0, window });

describe('settle: where an enrollment goes once its effect is done, or not', () => {
  it('a sent email hands over to the next step, a new visit, its due time rounded up to a whole minute', () => {
    const e = at('hello');
    const s = settle(e, pass(e), { kind: 'done', messageId: '<m@x>' }, T0, zone);
    expect(s.next).toEqual({ version: 'v1', step: 'pause', status: 'waiting', since: T0S, due: Math.ceil((T0 + 2 * 86_400_000) / 60_000) * 60, attempts: 0 });
    expect(s.flags).toEqual([{ kind: 'received', step: 'hello' }]);
    expect(s.ledger).toBe('sent');
    expect(s.passed).toEqual(['hello']);
  });

  it('over quota: deferred to Monday 00:00 in the scenario zone, at the same step and visit', () => {
    const e = at('hello');
    const s = settle(e, pass(e), { kind: 'quota' }, T0, zone);
    expect(s.next).toMatchObject({ step: 'hello', status: 'deferred', since: e.since, due: Date.parse('2026-06-07T22:00:00Z') / 1000 });
    expect(s.flags).toEqual([]);
    expect(s.passed).toEqual([]);
  });

  it('another worker is sending it: nothing changes, looked at again next minute', () => {
    const e = at('hello');
    expect(settle(e, pass(e), { kind: 'busy' }, T0, zone)).toEqual({ next: e, requeueAt: T0S + 60, flags: [], passed: [] });
  });

  it('a hard bounce finishes the run and marks the email bounced; a refusal ends it in error', () => {
    const e = at('hello');
    expect(settle(e, pass(e), { kind: 'bounced', error: '550 no such user' }, T0, zone)).toMatchObject({ next: { step: 'hello', status: 'finished' }, flags: [{ kind: 'bounced', step: 'hello' }], ledger: 'bounced', outcome: 'end' });
    expect(settle(e, pass(e), { kind: 'rejected', error: '554 content' }, T0, zone)).toMatchObject({ next: { step: 'hello', status: 'error' }, ledger: 'rejected', reason: '554 content' });
  });

  it('a failed webhook is retried with the policy back-off until its retries are used up', () => {
    const first = at('ping');
    const s1 = settle(first, pass(first), { kind: 'failed', error: 'HTTP 503' }, T0, zone);
    expect(s1.next).toMatchObject({ step: 'ping', status: 'waiting', due: T0S + 60, attempts: 1 });
    expect(s1.ledger).toBeUndefined(); // webhooks have no send ledger
    const third = at('ping', T0S - 600, 2);
    expect(settle(third, pass(third), { kind: 'failed', error: 'HTTP 503' }, T0, zone).next).toMatchObject({ status: 'error', attempts: 3 });
  });

  it('a wait not over yet: woken early, its due time is set back to the end of the wait; swept on time, it is queued again', () => {
    const end = Math.ceil((T0 - 3_600_000 + 2 * 86_400_000) / 60_000) * 60;
    const woken = at('pause', T0S - 3600); // due now: an event woke it
    expect(settle(woken, pass(woken), undefined, T0, zone)).toMatchObject({ next: { ...woken, due: end }, passed: [] });
    const onTime = { ...woken, due: end };
    expect(settle(onTime, pass(onTime), undefined, T0, zone)).toEqual({ next: onTime, requeueAt: end, flags: [], passed: [] });
  });
});
