import { describe, expect, it } from 'vitest';
import type { BeginSend, SendStep, SendStepAnswer } from '../../../src/enroll/send-steps.js';
import { SendLauncher } from '../../../src/execute/send-launcher.js';

const send = (i: number): BeginSend => ({ scenario: 's', contactId: `c${i}`, email: `c${i}@x.example`, enrollment: 'e', ledgerField: `c${i}|step|1`, quotaKey: 'q', owner: 'w/1', nowS: 1 });

/** A stand-in for the script: answers each step (go, or what `withdraw` says for a contact), and counts calls. */
function recorder(withdraw: (contactId: string) => SendStepAnswer | undefined = () => undefined) {
  const calls: SendStep[][] = [];
  const run = async (steps: SendStep[]): Promise<SendStepAnswer[]> => {
    calls.push(steps);
    await new Promise((r) => setImmediate(r));
    return steps.map((s) => (s.kind === 'finish' ? 'ok' : withdraw(s.contactId) ?? 'go'));
  };
  return { calls, run };
}

describe('SendLauncher', () => {
  it('never lets more sends than the pool be started, and groups checks and records in fewer calls', async () => {
    const { calls, run } = recorder();
    const launcher = new SendLauncher(run, 5);
    let started = 0;
    let most = 0;
    const sends = Array.from({ length: 60 }, async (_, i) => {
      const go = await launcher.begin(send(i));
      expect(go).toBe('go');
      started++;
      most = Math.max(most, started);
      // The transaction: a few turns of the event loop, different for each send.
      for (let t = 0; t < 1 + (i % 4); t++) await new Promise((r) => setImmediate(r));
      started--;
      await launcher.finish({ scenario: 's', ledgerField: `c${i}|step|1`, value: 'sent||1' });
    });
    await Promise.all(sends);
    expect(most).toBe(5);
    const steps = calls.flat();
    expect(steps.filter((s) => s.kind === 'begin')).toHaveLength(60);
    expect(steps.filter((s) => s.kind === 'finish')).toHaveLength(60);
    expect(calls.length).toBeLessThan(60);
    // A send's record goes before or with the check of the send that took its place.
    const order = steps.map((s) => `${s.kind}:${s.kind === 'begin' ? s.contactId : s.ledgerField.split('|')[0]}`);
    expect(order.indexOf('finish:c0')).toBeLessThan(order.indexOf('begin:c5'));
  });

  it('gives the place back when the check says no or Redis fails, and nothing waits for ever', async () => {
    const { run } = recorder((id) => (id === 'c1' ? 'suppressed' : undefined));
    let fail = true;
    const launcher = new SendLauncher(async (steps) => {
      if (fail && steps.some((s) => s.kind === 'begin' && s.contactId === 'c2')) throw new Error('Connection is closed');
      return run(steps);
    }, 1);
    expect(await launcher.begin(send(1))).toBe('suppressed');
    await expect(launcher.begin(send(2))).rejects.toThrow('Connection is closed');
    fail = false;
    expect(await launcher.begin(send(3))).toBe('go');
    // Held by c3 until it finishes: c4 waits for the place, then goes.
    const next = launcher.begin(send(4));
    await launcher.finish(undefined);
    expect(await next).toBe('go');
    await launcher.finish({ scenario: 's', ledgerField: 'c4|step|1', value: 'sent||1' });
  });
});
