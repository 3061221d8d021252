import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordEvent } from '../../../src/events/record-event.js';
import { readLiveView } from '../../../src/lifecycle/live-view.js';
import { liveViewMermaid, liveViewText } from '../../../src/lifecycle/live-view-text.js';
import { readVersion } from '../../../src/state/scenario-store.js';
import { VirtualClock } from '../../../src/time/clock.js';
import { addContacts, install, scenarioFiles, startEngine } from '../../helpers/engine.js';
import { testRedis } from '../../helpers/redis.js';
import { startSmtpSink, type SmtpSink } from '../../helpers/smtp-sink.js';

/** The live view: per step, who is there now and why, who went through, what receivers did. */

let sink: SmtpSink;
beforeAll(async () => { sink = await startSmtpSink(); });
afterAll(async () => { await sink.stop(); });

describe('the live view', () => {
  it('shows each step’s contacts, why they wait and until when, the cap, and the email’s rates (bots apart)', async () => {
    const { redis, keys } = testRedis();
    const files = scenarioFiles();
    files.scenario('drip', `  limits: { maxActive: 2 }
  steps:
    - { id: hello, type: email, template: m/x, subject: Hello }
    - { id: pause, type: wait, for: 3 days }
    - { id: again, type: email, template: m/x, subject: Again }
`);
    const T0 = Date.parse('2026-06-01T08:00:00Z');
    const ids = await addContacts(redis, keys, 'people', [{ email: 'a@example.org' }, { email: 'b@example.org' }, { email: 'c@example.org' }]);
    await install(redis, keys, files.dir, new Date(T0));
    const t = startEngine({ redis, keys, clock: new VirtualClock(new Date(T0)), smtpUrl: sink.url });
    await t.runTo(new Date(T0 + 60_000).toISOString());
    const at = new Date(T0 + 120_000);
    await recordEvent(redis, keys, { type: 'opened', email: 'a@example.org', scenario: 'drip', step: 'hello', at, source: 'pixel' });
    await recordEvent(redis, keys, { type: 'opened', email: 'b@example.org', scenario: 'drip', step: 'hello', at, source: 'pixel', bot: true });

    const view = (await readLiveView(redis, keys, 'drip', new Date(T0 + 180_000)))!;
    const step = (id: string) => view.steps.find((s) => s.step === id)!;
    expect(step('hello')).toMatchObject({ type: 'email', now: 1, through: 2, received: 2, opened: 1, rates: { opened: 50 } });
    // One waits out the delay; the one who opened was woken (due now, looked at again); the
    // third is held by the cap until a place frees.
    const pause = step('pause');
    expect(pause.now).toBe(2);
    expect(pause.holds).toEqual([
      { why: 'due', count: 1, from: at.toISOString(), until: at.toISOString() },
      { why: 'delay', count: 1, from: new Date(T0 + 3 * 86_400_000).toISOString(), until: new Date(T0 + 3 * 86_400_000).toISOString() },
    ]);
    expect(step('hello').holds).toEqual([{ why: 'cap', count: 1 }]);
    expect(ids).toHaveLength(3);

    const text = liveViewText(view);
    expect(text).toMatch(/pause\s+wait\s+2\s+0 .*1 due now, being worked on until .*; 1 waiting on a delay until 2026-06-04 08:00/);
    expect(text).toContain('1 blocked by the cap');
    const version = (await readVersion(redis, keys, 'drip', view.status.version))!;
    const diagram = liveViewMermaid(view, version.graph);
    expect(diagram).toContain('hello: ');
    expect(diagram).toContain('1 now · 2 through');
    expect(diagram).toContain('2 now · 0 through');
    expect(diagram).toMatch(/s_hello -->\|2\| s_pause/);
  });
});
