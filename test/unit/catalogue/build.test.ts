import { describe, expect, it } from 'vitest';
import { DEFAULT_DELAY, emailStep, expandCampaigns, reacted } from '../../../src/catalogue/build.js';
import { catalogue } from '../../../src/catalogue/index.js';
import type { Campaign, WaitStep } from '../../../src/schema/scenario.gen.js';
import { inputFor } from './helpers.js';

describe('catalogue build helpers', () => {
  it('copies what the campaign sets onto the email step, and nothing it does not', () => {
    const campaign: Campaign = {
      template: 't/hello', subject: 'Hi', preheader: 'Pre', from: { email: 'a@b.co', name: 'A' },
      replyTo: 'r@b.co', thread: 'initial', languages: { fr: { subject: 'Salut' } }, delay: '2 days',
    };
    expect(emailStep('global-1', campaign, 'done', 'Global follow-up 1')).toEqual({
      id: 'global-1', type: 'email', name: 'Global follow-up 1', next: 'done', template: 't/hello', subject: 'Hi',
      preheader: 'Pre', from: { email: 'a@b.co', name: 'A' }, replyTo: 'r@b.co', thread: 'initial', languages: { fr: { subject: 'Salut' } },
    });
    expect(Object.keys(emailStep('x', { template: 't', subject: 's' }, 'done'))).toEqual(['id', 'type', 'next', 'template', 'subject']);
  });

  it('waits no delay before the first campaign and 3 days before the others by default', () => {
    const { steps } = catalogue.standard.expand(inputFor(catalogue.standard));
    expect(steps[0]!.id).toBe('initial');
    const waits = steps.filter((s): s is WaitStep => s.type === 'wait');
    expect(waits.map((w) => [w.id, w.for])).toEqual([['wait-global-1', DEFAULT_DELAY], ['wait-global-2', DEFAULT_DELAY]]);
  });

  it('uses the delays the campaigns give, the first one included (it becomes the entry)', () => {
    const input = inputFor(catalogue.standard, (_, i) => ({ delay: `${i + 1} hours` }));
    const { steps } = catalogue.standard.expand(input);
    expect(steps[0]).toEqual({ id: 'wait-initial', type: 'wait', for: '1 hours', next: 'initial' });
    expect(steps.filter((s) => s.type === 'wait').map((w) => (w as WaitStep).for)).toEqual(['1 hours', '2 hours', '3 hours']);
  });

  it('judges the audience after the delay and the form after the audience, then sends', () => {
    const { steps } = catalogue.monthly.expand(inputFor(catalogue.monthly));
    expect(steps.map((s) => s.id)).toEqual([
      'initial', 'wait-active-1', 'active-1-audience', 'active-1-form', 'active-1',
      'wait-active-2', 'active-2-audience', 'active-2-form', 'active-2', 'form-submitted', 'done',
    ]);
    expect(steps.find((s) => s.id === 'active-1-form')).toMatchObject({ if: { formSubmitted: true }, then: 'form-submitted', else: 'active-1' });
    expect(steps.find((s) => s.id === 'form-submitted')).toMatchObject({ type: 'exit', outcome: 'success' });
    expect(steps.find((s) => s.id === 'done')).toMatchObject({ type: 'exit', outcome: 'end' });
  });

  it('adds only the exits something leads to', () => {
    for (const name of ['no-form', 'inactive-relaunch'] as const) {
      const ids = catalogue[name].expand(inputFor(catalogue[name])).steps.map((s) => s.id);
      expect(ids).not.toContain('form-submitted');
      expect(ids).toContain('done');
    }
  });

  it('splits hyper-personalized contacts on segment A first, then B, else ends them', () => {
    const { steps, sources } = catalogue['hyper-personalized'].expand(inputFor(catalogue['hyper-personalized']));
    expect(steps.slice(0, 3)).toMatchObject([
      { id: 'segment-a', then: 'a-initial', else: 'segment-b' },
      { id: 'segment-b', then: 'b-initial', else: 'no-segment' },
      { id: 'no-segment', type: 'exit', outcome: 'end' },
    ]);
    expect([sources['segment-a'], sources['segment-b']]).toEqual(['/spec/segments/a', '/spec/segments/b']);
    // Segment B is its own chain: no default delay before its initial email.
    expect(steps.map((s) => s.id)).not.toContain('wait-b-initial');
  });

  it('refuses to expand without a campaign (the validation rules report it first)', () => {
    const plans = [{ key: 'initial' }, { key: 'follow-up', audience: reacted('initial') }];
    const slots = [{ key: 'initial', label: 'I', audience: 'all' }];
    expect(() => expandCampaigns({ campaigns: { initial: { template: 't', subject: 's' } } }, slots, plans)).toThrow(/follow-up/);
  });
});
