import { PROVIDERS, type Provider } from '../../quotas/providers.js';
import type { Rule } from '../rule-context.js';

/** Quotas may be lowered, never raised above what the provider tolerates (000). */
export const quotaLimits: Rule = ({ scenario, error }) => {
  for (const [provider, value] of Object.entries(scenario.spec.quotas ?? {}) as Array<[Provider, number]>) {
    const { limit, label } = PROVIDERS[provider];
    if (value > limit) error(`/spec/quotas/${provider}`, 'quota-over-limit', `${value} emails a week to ${label} is over the provider's limit of ${limit}; sending more gets the sender blocked`);
  }
};
