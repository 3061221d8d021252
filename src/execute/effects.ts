import type { EmailStep, Scenario, WebhookStep } from '../schema/scenario.gen.js';
import type { ContactState } from '../conditions/contact-state.js';
import type { BeginSend, FinishSend, Withdrawal } from '../enroll/send-steps.js';
import type { EffectOutcome } from './advance.js';

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
  /** Which visit of the step this send is (the enrollment's `since`): part of its Message-ID and tokens. */
  visit: number;
  /** The version's time zone (dates in templates). */
  zone: string;
  /** The send's last-moment check and its outcome's record, around the SMTP transaction. */
  attempt: SendAttempt;
}

/**
 * Around one SMTP transaction: `begin` is its last-moment check (may it still go out? then it is
 * marked started), `finish` the ledger record of its outcome. The deliverer runs both.
 */
export interface SendAttempt {
  begin: BeginSend;
  finish(outcome: EffectOutcome): FinishSend | undefined;
}

/** temporary: retried with backoff; bounce: the address is refused for good; rejected: this message is. */
export type FailureKind = 'temporary' | 'bounce' | 'rejected';

export class SendFailure extends Error {
  constructor(readonly kind: FailureKind, message: string) {
    super(message);
  }
}

/** The send never started: its last-moment check said no (an unsubscribe, a pause, a removal). */
export class SendWithdrawn extends Error {
  constructor(readonly reason: Withdrawal) {
    super(`send withdrawn: ${reason}`);
  }
}

/** Calls webhooks; throws on failure (the engine retries with backoff). */
export interface WebhookCaller {
  call(input: { scenarioName: string; step: WebhookStep; contact: ContactState }): Promise<void>;
}
