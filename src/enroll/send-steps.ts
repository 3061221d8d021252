import type { Redis } from 'ioredis';
import type { Keys } from '../state/keys.js';
import { runScript } from '../state/scripts.js';

/** Why a reserved send did not start: the contact or scenario changed after the reservation. */
export type Withdrawal = 'suppressed' | 'paused' | 'archived' | 'moved' | 'lost';

export interface BeginSend {
  scenario: string;
  contactId: string;
  email: string;
  /** The enrollment as the worker read it: a contact paused, removed or moved on since is not sent to. */
  enrollment: string;
  ledgerField: string;
  quotaKey: string;
  /** The reservation's owner, `<worker id>/<batch>`. */
  owner: string;
  nowS: number;
  /** Tracked links of the email (link id → URL), stored before it can go out: the click route reads them. */
  links?: ReadonlyMap<string, string>;
  /** Its Message-ID's 32 hex digits (delivery/verp.ts `sendIdOf`): indexed when the send goes, for the replies and bounces that name it. */
  sendId?: string;
}

export interface FinishSend {
  scenario: string;
  ledgerField: string;
  /** The ledger's new value; '' releases the reservation for a retry. */
  value: string;
  /** A hard bounce: the normalized address and its suppression record, written with the outcome. */
  suppress?: { email: string; record: string };
  /** A send a later step replies to (`thread:`): its Message-ID, kept for that step. */
  thread?: { contactId: string; step: string; messageId: string };
}

/** One per-send record: a check before a transaction, or a transaction's outcome. */
export type SendStep = ({ kind: 'begin' } & BeginSend) | ({ kind: 'finish' } & FinishSend);
export type SendStepAnswer = 'go' | Withdrawal | 'ok';

/**
 * Runs the per-send records of many sends in one script (lua/send-steps.lua), in the order
 * given; one answer per step. A begin is the last look before an SMTP transaction: the send
 * starts only if the scenario runs, the enrollment is unchanged, the address is not suppressed
 * and the reservation is still this batch's; then the attempt is marked started, else the
 * reservation is released. A finish records a transaction's outcome.
 */
export async function runSendSteps(redis: Redis, keys: Keys, steps: SendStep[]): Promise<SendStepAnswer[]> {
  const names = [keys.suppressed(), keys.messageIds()];
  const index = new Map<string, number>();
  const at = (key: string): number => {
    let i = index.get(key);
    if (i === undefined) index.set(key, (i = names.push(key)));
    return i;
  };
  const args: Array<string | number> = [];
  for (const step of steps) {
    if (step.kind === 'begin') {
      for (const [id, url] of step.links ?? []) args.push('n', at(keys.links(step.scenario)), id, url);
      args.push('b', at(keys.ledger(step.scenario)), at(keys.scenario(step.scenario)), at(keys.enrollments(step.scenario)), at(step.quotaKey),
        step.ledgerField, step.owner, step.nowS, step.contactId, step.enrollment, step.email, step.sendId ?? '', `${step.scenario}|${step.ledgerField}`);
    } else {
      args.push('f', at(keys.ledger(step.scenario)), step.ledgerField, step.value, step.suppress?.email ?? '', step.suppress?.record ?? '');
      if (step.thread) args.push('t', at(keys.threads(step.scenario)), `${step.thread.contactId}|${step.thread.step}`, step.thread.messageId);
    }
  }
  const answers = await runScript<SendStepAnswer[]>(redis, 'send-steps', names, args);
  if (answers.length !== steps.length) throw new Error(`send-steps answered ${answers.length} times for ${steps.length} steps`);
  return answers;
}
