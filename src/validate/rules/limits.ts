import { PROVIDERS, type Provider } from '../../quotas/providers.js';
import type { Rule } from '../rule-context.js';

/** Quotas may be lowered, never raised above what the provider tolerates (000). */
export const quotaLimits: Rule = ({ scenario, error }) => {
  for (const [provider, value] of Object.entries(scenario.spec.quotas ?? {}) as Array<[Provider, number]>) {
    const { limit, label } = PROVIDERS[provider];
    if (value > limit) error(`/spec/quotas/${provider}`, 'quota-over-limit', `${value} emails a week to ${label} is over the provider's limit of ${limit}; sending more gets the sender blocked`);
  }
};

/** Webhooks carry contact data: warn when it would travel unsigned or in clear text. */
export const webhookSafety: Rule = ({ graph, warn }) => {
  if (!graph) return;
  for (const id of graph.order) {
    const { step, source } = graph.steps[id]!;
    if (step.type !== 'webhook') continue;
    let url: URL | undefined;
    try { url = new URL(step.url); } catch { /* the schema already refused it */ }
    const local = url && ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname);
    if (url && url.protocol !== 'https:' && !local) warn(`${source}/url`, 'webhook-insecure', `webhook "${id}" sends contact data over ${url.protocol.replace(':', '')}, in clear text; use https`);
    if (!step.secretEnv) warn(source, 'webhook-unsigned', `webhook "${id}" is not signed: set \`secretEnv\` so the receiver can check it comes from relance`);
  }
};
