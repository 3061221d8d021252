import { BOT_CLICK, BOT_OPEN, KIND } from './event-index.js';

/** What Resume.csv says of one email step: contacts, each counted once per send (its first event of a kind). */
export interface StepCounts {
  targeted: number;
  sent: number;
  delivered: number;
  deferred: number;
  opened: number;
  clicked: number;
  reacted: number;
  replied: number;
  bounced: number;
  unsubscribed: number;
  complained: number;
  formSubmitted: number;
  converted: number;
  botOpens: number;
  botClicks: number;
  /** Bounced at the SMTP transaction (`failed|bounced`): in `bounced`, never sent. */
  refusedBounced: number;
}

function zero(): StepCounts {
  return { targeted: 0, sent: 0, delivered: 0, deferred: 0, opened: 0, clicked: 0, reacted: 0, replied: 0, bounced: 0, unsubscribed: 0, complained: 0, formSubmitted: 0, converted: 0, botOpens: 0, botClicks: 0, refusedBounced: 0 };
}

/** Counts per email step (by the step's number in EmailSteps), filled as Global.csv's rows are written. */
export class Tally {
  private readonly steps: StepCounts[] = [];
  /** Form submissions (events) in the report's period, whatever email they follow. */
  formSubmissions = 0;

  at(step: number): StepCounts {
    while (this.steps.length <= step) this.steps.push(zero());
    return this.steps[step]!;
  }

  /** A send that went out: `times` holds its first event of each kind (0: none), `bots` its bot bits. */
  sent(step: number, times: Uint32Array, bots: number): void {
    const c = this.at(step);
    const opened = times[KIND.opened]! > 0;
    const clicked = times[KIND.clicked]! > 0;
    const bounced = times[KIND.bounced]! > 0;
    c.targeted++;
    c.sent++;
    // Without a delivery report (most providers send none), a send that did not bounce was delivered.
    if (times[KIND.delivered]! > 0 || !bounced) c.delivered++;
    if (opened) c.opened++;
    if (clicked) c.clicked++;
    if (opened || clicked) c.reacted++;
    if (times[KIND.replied]! > 0) c.replied++;
    if (bounced) c.bounced++;
    if (times[KIND.unsubscribed]! > 0) c.unsubscribed++;
    if (times[KIND.complained]! > 0) c.complained++;
    if (times[KIND['form-submitted']]! > 0) c.formSubmitted++;
    if (times[KIND.converted]! > 0) c.converted++;
    if (bots & BOT_OPEN) c.botOpens++;
    if (bots & BOT_CLICK) c.botClicks++;
  }

  /**
   * An event that named no email, placed on this send of the step (last-touch.ts), which had no
   * event of that kind of its own: `times` are the send's own events.
   */
  placed(step: number, kind: number, times: Uint32Array): void {
    const c = this.at(step);
    switch (kind) {
      case KIND.replied: c.replied++; break;
      case KIND.unsubscribed: c.unsubscribed++; break;
      case KIND.complained: c.complained++; break;
      case KIND['form-submitted']: c.formSubmitted++; break;
      case KIND.converted: c.converted++; break;
      case KIND.bounced:
        c.bounced++;
        // Counted as delivered for want of a report: a bounce says otherwise.
        if (times[KIND.delivered] === 0) c.delivered--;
        break;
    }
  }

  /** A send reserved that did not go out (refused at SMTP, outcome unknown, in flight). */
  notSent(step: number, bounced: boolean): void {
    const c = this.at(step);
    c.targeted++;
    if (bounced) {
      c.bounced++;
      c.refusedBounced++;
    }
  }

  /** Contacts held at the step by their provider's weekly quota now (status `deferred`). */
  deferred(step: number, n: number): void {
    const c = this.at(step);
    c.targeted += n;
    c.deferred += n;
  }
}
