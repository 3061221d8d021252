import { describe, expect, it } from 'vitest';
import type { Trigger } from '../../../src/schema/scenario.gen.js';
import { rateLimitOf, triggerFor, triggerMatches, triggers } from '../../../src/triggers/index.js';

describe('the trigger table, as the runtime reads it', () => {
  it('says which trigger an event type fires', () => {
    expect(triggerFor('opened')).toBe('email-opened');
    expect(triggerFor('unsubscribed')).toBe('email-unsubscribed');
    expect(triggerFor('form-submitted')).toBe('form-submitted');
    expect(triggerFor('list-added')).toBe('list-added');
    expect(triggerFor('api')).toBe('api');
    expect(triggerFor('replied')).toBeUndefined();
    expect(triggerFor('constructor')).toBeUndefined();
    // Each event fires one trigger at most.
    const events = Object.values(triggers).flatMap((d) => (d.event ? [d.event] : []));
    expect(new Set(events).size).toBe(events.length);
  });

  it('matches an event on every param its trigger sets, and on nothing else', () => {
    const opened: Trigger = { on: 'email-opened', scenario: 'welcome', step: 'hello' };
    expect(triggerMatches(opened, { scenario: 'welcome', step: 'hello' })).toBe(true);
    expect(triggerMatches(opened, { scenario: 'welcome', step: 'bye' })).toBe(false);
    expect(triggerMatches(opened, { scenario: 'welcome' })).toBe(false);
    expect(triggerMatches({ on: 'email-opened' }, { scenario: 'any', step: 'thing' })).toBe(true);
    expect(triggerMatches({ on: 'list-added', list: 'news' }, { list: 'news' })).toBe(true);
    expect(triggerMatches({ on: 'list-added', list: 'news' }, { list: 'other' })).toBe(false);
    expect(triggerMatches({ on: 'form-submitted', form: 'lead' }, { form: 'lead', list: 'ignored' })).toBe(true);
  });

  it('takes the trigger\'s own rate limit, else its default (API entries: 30 a minute)', () => {
    expect(rateLimitOf({ on: 'api' })).toEqual({ max: 30, per: 'minute' });
    expect(rateLimitOf({ on: 'api', rateLimit: { max: 5, per: 'second' } })).toEqual({ max: 5, per: 'second' });
    expect(rateLimitOf({ on: 'list-added', list: 'news' })).toBeUndefined();
  });
});
