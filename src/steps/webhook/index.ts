import type { WebhookStep } from '../../schema/scenario.gen.js';
import { edge, type StepDefinition } from '../types.js';

export const webhookStep: StepDefinition<WebhookStep> = {
  type: 'webhook',
  edges: (s, fallthrough) => [edge('next', s.next, fallthrough)],
  waits: () => false,
  conditions: () => [],
  summary: (s) => `${s.method ?? 'POST'} the contact to ${s.url}${s.secretEnv ? ' (signed)' : ''}`,
};
