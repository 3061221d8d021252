import { describe, expect, it } from 'vitest';
import { trace, traceRun } from '../../../src/catalogue/trace.js';
import type { Step } from '../../../src/schema/scenario.gen.js';

const email = (id: string, next?: string): Step => ({ id, type: 'email', template: id, subject: id, ...(next ? { next } : {}) });

describe('catalogue trace', () => {
  it('passes waits, follows fallthrough, and records the emails sent in order', () => {
    const steps: Step[] = [email('one'), { id: 'pause', type: 'wait', for: '3 days' }, email('two')];
    expect(traceRun(steps, { reacts: [] })).toEqual({ sent: ['one', 'two'], path: ['one', 'pause', 'two'], exit: null, outcome: 'end' });
  });

  it('counts a reaction only to an email the contact was sent', () => {
    const steps: Step[] = [
      { id: 'check', type: 'condition', if: { reacted: 'two' }, then: 'yes', else: 'one' },
      email('one', 'again'),
      { id: 'again', type: 'condition', if: { any: [{ reacted: 'one' }, { received: 'two' }] }, then: 'yes', else: 'no' },
      email('yes', 'end'), email('no', 'end'), email('two'),
      { id: 'end', type: 'exit', outcome: 'failure' },
    ];
    expect(trace(steps, { reacts: ['two'] })).toEqual(['one', 'no']);
    expect(traceRun(steps, { reacts: ['one', 'two'] })).toMatchObject({ sent: ['one', 'yes'], exit: 'end', outcome: 'failure' });
  });

  it('sees the form submitted only once the contact got the email it submits after', () => {
    const steps: Step[] = [
      email('one'),
      { id: 'form-1', type: 'condition', if: { formSubmitted: true }, then: 'left', else: 'two' },
      email('two'),
      { id: 'form-2', type: 'condition', if: { formSubmitted: true }, then: 'left', else: 'three' },
      email('three', 'left'),
      { id: 'left', type: 'exit', outcome: 'success' },
    ];
    expect(traceRun(steps, { reacts: [], formAfter: 'two' })).toMatchObject({ sent: ['one', 'two'], exit: 'left' });
    expect(trace(steps, { reacts: [], formAfter: 'never-sent' })).toEqual(['one', 'two', 'three']);
    expect(trace(steps, { reacts: [], formAfter: null })).toEqual(['one', 'two', 'three']);
  });

  it('reads fields, branches and wait-for conditions', () => {
    const steps: Step[] = [
      { id: 'b', type: 'branch', cases: [{ when: { field: 'plan', eq: 'pro' }, next: 'pro' }], default: 'w' },
      { id: 'w', type: 'wait-for', condition: { opened: 'any' }, timeout: '1 day', next: 'pro', onTimeout: 'free' },
      email('pro', 'out'), email('free', 'out'), { id: 'out', type: 'exit' },
    ];
    expect(trace(steps, { reacts: [], fields: { plan: 'PRO' } })).toEqual(['pro']);
    expect(trace(steps, { reacts: [], fields: { plan: 'free' } })).toEqual(['free']);
  });

  it('stops on a loop and on an unknown step', () => {
    const loop: Step[] = [{ id: 'a', type: 'wait', for: '1 day', next: 'b' }, { id: 'b', type: 'wait', for: '1 day', next: 'a' }];
    expect(() => trace(loop, { reacts: [] })).toThrow(/loops/);
    expect(() => trace([email('a', 'nowhere')], { reacts: [] })).toThrow(/nowhere/);
  });
});
