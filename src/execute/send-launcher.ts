import type { BeginSend, FinishSend, SendStep, SendStepAnswer, Withdrawal } from '../enroll/send-steps.js';

interface Held<T> {
  step: SendStep;
  resolve(answer: T): void;
  reject(reason: unknown): void;
}

/**
 * Starts this process's SMTP transactions: at most `size` at once (the transport's pool), each
 * right after its last-moment check, and records each outcome. A send is marked started only once
 * it holds a place, so after a crash the sends whose outcome is unknown are at most the pool.
 *
 * The checks and outcome records of many sends go to Redis as one script call (`run`): while a
 * call is out, or while fewer than `group` checks wait and a transaction is still under way
 * (its end brings the next event), they wait and go together. On this kind of machine a socket
 * write costs as much as rendering an email: one call per few sends instead of one per send is
 * most of the difference between the engine and a bare nodemailer loop. Nothing waits longer
 * than `maxHoldMs`: a check held longer keeps an SMTP connection idle (2 ms measured best here,
 * against 10).
 */
export class SendLauncher {
  private free: number;
  private readonly waiting: Array<() => void> = [];
  private queue: Array<Held<SendStepAnswer>> = [];
  private sending = 0;
  private inFlight = false;
  private scheduled = false;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly run: (steps: SendStep[]) => Promise<SendStepAnswer[]>,
    readonly size: number,
    private readonly group = Math.ceil(Math.max(1, size) / 2),
    private readonly maxHoldMs = 2,
  ) {
    this.free = Math.max(1, size);
  }

  /**
   * Waits for a place, then for the send's check. On 'go' the place is held until `finish`;
   * otherwise (or if Redis fails) it is given back.
   */
  async begin(send: BeginSend): Promise<'go' | Withdrawal> {
    if (this.free > 0) this.free--;
    else await new Promise<void>((resolve) => this.waiting.push(resolve));
    let answer: SendStepAnswer;
    try {
      answer = await this.hold({ kind: 'begin', ...send });
    } catch (err) {
      this.release();
      throw err;
    }
    if (answer === 'go') this.sending++;
    else this.release();
    return answer as 'go' | Withdrawal;
  }

  /** The transaction begun with 'go' ended: its place goes to the next send, its outcome to Redis. */
  finish(record: FinishSend | undefined): Promise<void> {
    this.sending--;
    this.release();
    return record ? this.hold({ kind: 'finish', ...record }).then(() => undefined) : Promise.resolve();
  }

  private release(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.free++;
  }

  private hold(step: SendStep): Promise<SendStepAnswer> {
    return new Promise((resolve, reject) => {
      this.queue.push({ step, resolve, reject });
      this.schedule();
    });
  }

  // After the current turn, so that what else it brings (the next send's check, given the place
  // a finished one left) joins the same call.
  private schedule(): void {
    if (this.scheduled || this.inFlight || this.queue.length === 0) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.flushIfDue();
    });
  }

  private flushIfDue(): void {
    if (this.inFlight || this.queue.length === 0) return;
    const checks = this.queue.filter((h) => h.step.kind === 'begin').length;
    // Nothing under way will bring another event: go now. Else wait for a group, or the timer.
    if (this.sending > 0 && checks < this.group) {
      this.timer ??= setTimeout(() => {
        this.timer = undefined;
        void this.flush();
      }, this.maxHoldMs);
      return;
    }
    void this.flush();
  }

  private async flush(): Promise<void> {
    if (this.inFlight || this.queue.length === 0) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const batch = this.queue;
    this.queue = [];
    this.inFlight = true;
    try {
      const answers = await this.run(batch.map((h) => h.step));
      batch.forEach((h, i) => h.resolve(answers[i]!));
    } catch (err) {
      for (const h of batch) h.reject(err);
    } finally {
      this.inFlight = false;
      this.schedule();
    }
  }
}
