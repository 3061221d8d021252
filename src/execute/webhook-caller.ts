import { createHmac } from 'node:crypto';
import { durationMs, parseDuration } from '../time/duration.js';
import type { WebhookStep } from '../schema/scenario.gen.js';
import type { ContactState } from '../conditions/contact-state.js';
import type { WebhookCaller } from './effects.js';

export interface HttpWebhookOptions {
  /** Where secrets come from (the scenario names the variable with `secretEnv`). */
  env?: NodeJS.ProcessEnv;
  /** Sends every call to this URL instead (the demo points webhooks at a local sink). */
  redirect?: string;
  now?: () => Date;
}

/**
 * POSTs the contact as JSON. With a secret, the body is signed with HMAC-SHA256 in
 * `X-Relance-Signature: t=<unix>,v1=<hex>` over `<t>.<body>`, so the receiver can check origin
 * and freshness. Any non-2xx answer or a timeout throws; the engine retries with backoff.
 */
export function httpWebhooks(options: HttpWebhookOptions = {}): WebhookCaller {
  const env = options.env ?? process.env;
  return {
    async call({ scenarioName, step, contact }) {
      const body = JSON.stringify(payload(scenarioName, step, contact, (options.now ?? (() => new Date()))()));
      const headers: Record<string, string> = { 'content-type': 'application/json', 'user-agent': 'relance', ...(step.headers ?? {}) };
      const secret = step.secretEnv ? env[step.secretEnv] : undefined;
      if (step.secretEnv && !secret) throw new Error(`environment variable ${step.secretEnv} (the webhook's secret) is not set`);
      if (secret) headers['x-relance-signature'] = sign(secret, body, Math.floor(Date.now() / 1000));
      const timeout = durationMs(parseDuration(step.timeout ?? '10s')) ?? 10_000;
      const response = await fetch(options.redirect ?? step.url, { method: step.method ?? 'POST', headers, body, signal: AbortSignal.timeout(timeout) });
      await response.arrayBuffer().catch(() => undefined);
      if (!response.ok) throw new Error(`webhook ${step.id}: HTTP ${response.status}`);
    },
  };
}

export function sign(secret: string, body: string, timestamp: number): string {
  return `t=${timestamp},v1=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

function payload(scenario: string, step: WebhookStep, contact: ContactState, at: Date): Record<string, unknown> {
  const fields = step.fields ? Object.fromEntries(step.fields.map((f) => [f, contact.fields[f] ?? null])) : contact.fields;
  return { scenario, step: step.id, at: at.toISOString(), contact: { id: contact.id, email: contact.email, ...fields } };
}
