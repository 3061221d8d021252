import type { WebhookStep } from '../../schema/scenario.gen.js';
import { edge, type StepDefinition } from '../types.js';

export const webhookStep: StepDefinition<WebhookStep> = {
  type: 'webhook',
  edges: (s, fallthrough) => [edge('next', s.next, fallthrough)],
  waits: () => false,
  effect: true,
  conditions: () => [],
  summary: (s) => `${s.method ?? 'POST'} the contact to ${s.url}${s.secretEnv ? ' (signed)' : ''}`,
  run: (s, ctx) => ({ effect: { kind: 'webhook', step: s }, then: ctx.edge('next') }),
  // Webhooks carry contact data: warn when it would travel unsigned or in clear text.
  validate: (s, { source, warn }) => {
    let url: URL | undefined;
    try { url = new URL(s.url); } catch { /* the schema already refused it */ }
    const local = url && ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname);
    if (url && url.protocol !== 'https:' && !local) warn(`${source}/url`, 'webhook-insecure', `webhook "${s.id}" sends contact data over ${url.protocol.replace(':', '')}, in clear text; use https`);
    if (!s.secretEnv) warn(source, 'webhook-unsigned', `webhook "${s.id}" is not signed: set \`secretEnv\` so the receiver can check it comes from relance`);
  },
};
