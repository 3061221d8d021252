import { PROVIDERS, providerOf, type Provider } from '../quotas/providers.js';
import type { EmailStep, Scenario } from '../schema/scenario.gen.js';
import { nextWeekStart, weekStart } from '../time/week.js';
import type { TimeZone } from '../time/zone.js';

/** The weekly counter one send uses: per sender, mailbox provider and week (000). */
export interface QuotaSlot {
  sender: string;
  provider: Provider;
  /** Monday 00:00 in the scenario's zone, epoch ms: the week the counter is for. */
  week: number;
  /** The scenario's quota for the provider, never above the provider's own limit (the validator refuses more). */
  limit: number;
}

export function quotaSlot(scenario: Scenario, step: Pick<EmailStep, 'from'>, email: string, now: number, zone: TimeZone): QuotaSlot {
  const provider = providerOf(email);
  return {
    sender: step.from?.email ?? scenario.spec.sender?.email ?? 'unknown',
    provider,
    week: weekStart(new Date(now), zone).getTime(),
    limit: scenario.spec.quotas?.[provider] ?? PROVIDERS[provider].limit,
  };
}

/** Over quota: the send is deferred to the next week's start, never dropped (000). */
export function deferredUntil(now: number, zone: TimeZone): number {
  return nextWeekStart(new Date(now), zone).getTime();
}
