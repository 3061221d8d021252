import type { EmailStep, Scenario } from '../schema/scenario.gen.js';

/**
 * The events a synthetic contact can cause. A subset of events' EventType, spelled out here so the
 * model stays below events/ (the demo passes these to recordEvent, which checks the subset).
 */
export type ReactionType = 'opened' | 'clicked' | 'replied' | 'form-submitted' | 'unsubscribed';

export interface EngagementRates {
  open: number;
  click: number;
  reply: number;
  form: number;
  unsubscribe: number;
  /** For wait-for steps on `status`: how often a contact's status turns to what is awaited. */
  connect: number;
}

export const DEFAULT_RATES: EngagementRates = { open: 0.45, click: 0.15, reply: 0.05, form: 0.06, unsubscribe: 0.01, connect: 0.4 };

export type SyntheticEvent =
  | { at: number; kind: 'event'; type: ReactionType; email: string; scenario: string; step: string; form?: string }
  | { at: number; kind: 'field'; email: string; scenario: string; field: string; value: string };

const HOUR = 3_600_000;

/**
 * What a synthetic contact does after receiving an email: opens, clicks, replies, submits the
 * form or unsubscribes, at plausible delays. Rates are fractions of emails sent; a click implies
 * an open, a form submission implies a click.
 */
export function reactions(rates: EngagementRates, rnd: () => number, input: { at: number; email: string; scenario: string; scenarioSpec: Scenario; step: EmailStep }): SyntheticEvent[] {
  const out: SyntheticEvent[] = [];
  const base = { email: input.email, scenario: input.scenario, step: input.step.id };
  const later = (minH: number, maxH: number) => input.at + Math.round((minH + rnd() * (maxH - minH)) * HOUR);
  if (rnd() < rates.unsubscribe) return [{ ...base, kind: 'event', type: 'unsubscribed', at: later(0.2, 24) }];
  const opened = rnd() < rates.open;
  if (opened) {
    const openAt = later(0.1, 36);
    out.push({ ...base, kind: 'event', type: 'opened', at: openAt });
    if (rnd() < rates.click / rates.open) {
      const clickAt = openAt + Math.round(rnd() * 2 * HOUR);
      out.push({ ...base, kind: 'event', type: 'clicked', at: clickAt });
      if (input.scenarioSpec.spec.form && rnd() < rates.form / rates.click) out.push({ ...base, kind: 'event', type: 'form-submitted', form: input.scenarioSpec.spec.form.id, at: clickAt + Math.round(rnd() * HOUR) });
    }
    if (rnd() < rates.reply / rates.open) out.push({ ...base, kind: 'event', type: 'replied', at: openAt + Math.round(rnd() * 24 * HOUR) });
  }
  // A scenario waiting on a status (000's "connected") gets some contacts into that status.
  const awaited = awaitedStatus(input.scenarioSpec);
  if (awaited && rnd() < rates.connect) out.push({ kind: 'field', email: input.email, scenario: input.scenario, field: 'status', value: awaited, at: later(24, 10 * 24) });
  return out;
}

function awaitedStatus(s: Scenario): string | undefined {
  for (const step of s.spec.steps ?? []) {
    if (step.type === 'wait-for' && 'status' in step.condition) return ([] as string[]).concat(step.condition.status)[0];
  }
  return undefined;
}
