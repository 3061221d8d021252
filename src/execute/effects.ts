import type { EmailStep, Scenario, WebhookStep } from '../schema/scenario.gen.js';
import type { ContactState } from '../conditions/contact-state.js';

/** Renders and sends one email; throws a SendFailure when it does not go out. */
export interface Deliverer {
  deliver(input: DeliverInput): Promise<{ messageId: string }>;
}

export interface DeliverInput {
  scenarioName: string;
  scenario: Scenario;
  step: EmailStep;
  contact: ContactState;
  /** The earlier email whose thread this one replies in (`thread:`). */
  threadOf?: EmailStep;
  /** The version's time zone (dates in templates). */
  zone: string;
}

/** temporary: retried with backoff; bounce: the address is refused for good; rejected: this message is. */
export type FailureKind = 'temporary' | 'bounce' | 'rejected';

export class SendFailure extends Error {
  constructor(readonly kind: FailureKind, message: string) {
    super(message);
  }
}

/** Calls webhooks; throws on failure (the engine retries with backoff). */
export interface WebhookCaller {
  call(input: { scenarioName: string; step: WebhookStep; contact: ContactState }): Promise<void>;
}
