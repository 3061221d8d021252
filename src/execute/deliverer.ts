import type { Redis } from 'ioredis';
import { runSendSteps } from '../enroll/send-steps.js';
import { renderEmail } from '../delivery/render.js';
import { chooseTemplates, defaultThread, formUrlFor, scenarioInfo, senderDomain as senderDomainOf, threadSubject } from '../delivery/send-input.js';
import type { Secret } from '../delivery/tokens.js';
import { sendIdOf } from '../delivery/verp.js';
import type { Keys } from '../state/keys.js';
import type { Clock } from '../time/clock.js';
import { describeSendError } from '../transports/send-error.js';
import type { SendResult, Transport } from '../transports/types.js';
import { SendFailure, SendWithdrawn, type Deliverer } from './effects.js';
import { SendLauncher } from './send-launcher.js';

export interface DelivererOptions {
  redis: Redis;
  keys: Keys;
  transport: Transport;
  secret: Secret;
  clock: Clock;
  publicUrl?: string;
  /** The envelope sender's address, VERP-tagged per send (RELANCE_BOUNCE_ADDRESS; see delivery/verp.ts). */
  bounceAddress?: string;
  /** How long a worker keeps a scenario's templates before reading them again. */
  templateTtlMs?: number;
}

/**
 * Renders at send time from the templates the reconciler published to Redis (so an edit made
 * before the send is what goes out), and sends through the configured transport.
 */
export function templateDeliverer(options: DelivererOptions): Deliverer {
  const cache = new Map<string, { at: number; files: Record<string, string> }>();
  const storedLinks = new StoredLinks();
  const launcher = new SendLauncher((steps) => runSendSteps(options.redis, options.keys, steps), options.transport.concurrency);
  const ttl = options.templateTtlMs ?? 5000;
  const templates = async (scenario: string): Promise<Record<string, string>> => {
    const hit = cache.get(scenario);
    const now = Date.now();
    if (hit && now - hit.at < ttl) return hit.files;
    const files = await options.redis.hgetall(options.keys.templates(scenario));
    cache.set(scenario, { at: now, files });
    return files;
  };
  return {
    async deliver({ scenarioName, scenario, step, contact, threadOf, visit, zone, attempt }) {
      const files = await templates(scenarioName);
      const { language, paths } = chooseTemplates(step, contact.fields.language, scenario, (path) => files[path] !== undefined);
      const html = files[paths.html];
      if (html === undefined) throw new SendFailure('temporary', `template ${paths.html} of ${scenarioName} is not published yet`);
      const senderDomain = senderDomainOf(step, scenario);
      // The id the earlier email was sent with (kept by its send); before that record existed, its visit-less id.
      const stored = threadOf ? await options.redis.hget(options.keys.threads(scenarioName), `${contact.id}|${threadOf.id}`) : null;
      const thread = threadOf
        ? stored
          ? { messageId: stored, subject: threadSubject(threadOf, contact.fields) }
          : defaultThread({ threadOf, scenarioName, contact, domain: senderDomain, secret: options.secret })
        : undefined;
      const mail = renderEmail({
        scenario: scenarioInfo(scenarioName, scenario, zone),
        step,
        language,
        templates: { html, text: files[paths.text] },
        contact: { id: contact.id, email: contact.email, fields: contact.fields },
        vars: scenario.spec.variables,
        // relance's own form route learns who answers from a signed token (`t`), not from what they type.
        formUrl: formUrlFor({ scenarioName, scenario, contactId: contact.id, stepId: step.id, visit, publicUrl: options.publicUrl, secret: options.secret }),
        publicUrl: options.publicUrl,
        bounceAddress: options.bounceAddress,
        secret: options.secret,
        messageIdDomain: senderDomain,
        thread,
        visit,
        now: options.clock.now(),
      });
      const links = storedLinks.unstored(scenarioName, mail.links);
      const go = await launcher.begin({ ...attempt.begin, sendId: sendIdOf(mail.messageId), ...(links.size > 0 ? { links } : {}) });
      storedLinks.stored(scenarioName, links);
      if (go !== 'go') throw new SendWithdrawn(go);
      let sent: SendResult;
      try {
        sent = await options.transport.send(mail);
      } catch (err) {
        const info = describeSendError(err);
        const failure = new SendFailure(info.class === 'temporary' ? 'temporary' : info.hardBounce ? 'bounce' : 'rejected', info.message);
        await launcher.finish(attempt.finish(failure.kind === 'bounce' ? { kind: 'bounced', error: info.message } : failure.kind === 'rejected' ? { kind: 'rejected', error: info.message } : { kind: 'failed', error: info.message })).catch(() => undefined);
        throw failure;
      }
      // Should Redis not take the record, the batch's commit writes it again.
      await launcher.finish(attempt.finish({ kind: 'done', messageId: sent.messageId })).catch(() => undefined);
      return sent;
    },
  };
}

/**
 * The tracked links this process knows are in Redis, so that a send carries only new ones to its
 * check (which stores them before the email can go). Forgotten every 10 minutes and when large,
 * should the links have been deleted meanwhile.
 */
class StoredLinks {
  private known = new Set<string>();
  private since = Date.now();

  unstored(scenario: string, links: ReadonlyMap<string, string> | undefined): Map<string, string> {
    if (Date.now() - this.since > 600_000 || this.known.size > 100_000) {
      this.known = new Set();
      this.since = Date.now();
    }
    const out = new Map<string, string>();
    for (const [id, url] of links ?? []) if (!this.known.has(`${scenario}|${id}`)) out.set(id, url);
    return out;
  }

  stored(scenario: string, links: ReadonlyMap<string, string>): void {
    for (const id of links.keys()) this.known.add(`${scenario}|${id}`);
  }
}
