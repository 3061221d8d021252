import { describe, expect, it } from 'vitest';
import type { Step } from '../../../src/schema/scenario.gen.js';
import { runWalk, type Behaviour } from '../../helpers/run-walk.js';

const email = (id: string, next?: string): Step => ({ id, type: 'email', template: id, subject: id, ...(next ? { next } : {}) });
const wait = (id: string, next?: string): Step => ({ id, type: 'wait', for: '1 day', ...(next ? { next } : {}) });
const sentBy = (steps: Step[], b: Behaviour): string[] => runWalk(steps, b).sent;

describe('the catalogue tests\' driver: the engine\'s walk, one synthetic contact', () => {
  it('passes waits, follows fallthrough, and records the emails sent in order', () => {
    const steps: Step[] = [email('one'), { id: 'pause', type: 'wait', for: '3 days' }, email('two')];
    expect(runWalk(steps, { reacts: [] })).toEqual({ sent: ['one', 'two'], path: ['one', 'pause', 'two'], exit: null, outcome: 'end' });
  });

  it('counts a reaction only to an email the contact was sent', () => {
    const steps: Step[] = [
      { id: 'check', type: 'condition', if: { reacted: 'two' }, then: 'yes', else: 'one' },
      email('one', 'later'), wait('later', 'again'),
      { id: 'again', type: 'condition', if: { any: [{ reacted: 'one' }, { received: 'two' }] }, then: 'yes', else: 'no' },
      email('yes', 'end'), email('no', 'end'), email('two'),
      { id: 'end', type: 'exit', outcome: 'failure' },
    ];
    expect(sentBy(steps, { reacts: ['two'] })).toEqual(['one', 'no']);
    expect(runWalk(steps, { reacts: ['one', 'two'] })).toMatchObject({ sent: ['one', 'yes'], exit: 'end', outcome: 'failure' });
  });

  it('sees the form submitted only once the contact got the email it submits after', () => {
    const steps: Step[] = [
      email('one'), wait('wait-1'),
      { id: 'form-1', type: 'condition', if: { formSubmitted: true }, then: 'left', else: 'two' },
      email('two'), wait('wait-2'),
      { id: 'form-2', type: 'condition', if: { formSubmitted: true }, then: 'left', else: 'three' },
      email('three', 'left'),
      { id: 'left', type: 'exit', outcome: 'success' },
    ];
    expect(runWalk(steps, { reacts: [], formAfter: 'two' })).toMatchObject({ sent: ['one', 'two'], exit: 'left' });
    expect(sentBy(steps, { reacts: [], formAfter: 'never-sent' })).toEqual(['one', 'two', 'three']);
    expect(sentBy(steps, { reacts: [], formAfter: null })).toEqual(['one', 'two', 'three']);
  });

  it('reads fields, branches and wait-for conditions', () => {
    const steps: Step[] = [
      { id: 'b', type: 'branch', cases: [{ when: { field: 'plan', eq: 'pro' }, next: 'pro' }], default: 'w' },
      { id: 'w', type: 'wait-for', condition: { opened: 'any' }, timeout: '1 day', next: 'pro', onTimeout: 'free' },
      email('pro', 'out'), email('free', 'out'), { id: 'out', type: 'exit' },
    ];
    expect(sentBy(steps, { reacts: [], fields: { plan: 'PRO' } })).toEqual(['pro']);
    expect(sentBy(steps, { reacts: [], fields: { plan: 'free' } })).toEqual(['free']);
  });

  it('stops on a loop and on an unknown step', () => {
    const loop: Step[] = [{ id: 'a', type: 'wait', for: '1 day', next: 'b' }, { id: 'b', type: 'wait', for: '1 day', next: 'a' }];
    expect(() => sentBy(loop, { reacts: [] })).toThrow(/loops/);
    expect(() => sentBy([email('a', 'nowhere')], { reacts: [] })).toThrow(/nowhere/);
  });

  it('like the engine, lets the steps in the same instant as an email see it received, not yet opened', () => {
    const steps: Step[] = [
      email('one'),
      { id: 'opened', type: 'condition', if: { reacted: 'one' }, then: 'yes', else: 'got' },
      { id: 'got', type: 'condition', if: { received: 'one' }, then: 'no', else: 'yes' },
      email('yes', 'end'), email('no', 'end'), { id: 'end', type: 'exit' },
    ];
    expect(runWalk(steps, { reacts: ['one'] })).toMatchObject({ sent: ['one', 'no'], path: ['one', 'opened', 'got', 'no', 'end'], exit: 'end' });
  });
});
