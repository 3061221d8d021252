/**
 * At most `size` SMTP transactions at once in this process: the transport's pool size. A send is
 * marked started only once it holds a place, so after a crash the sends whose outcome is unknown
 * are at most the pool, not every send a batch had queued.
 */
export class SendGate {
  private free: number;
  private readonly waiting: Array<() => void> = [];

  constructor(readonly size: number) {
    this.free = Math.max(1, size);
  }

  /** Waits for a place; the function returned gives it back (once, however often it is called). */
  async acquire(): Promise<() => void> {
    if (this.free > 0) this.free--;
    else await new Promise<void>((resolve) => this.waiting.push(resolve));
    let held = true;
    return () => {
      if (!held) return;
      held = false;
      const next = this.waiting.shift();
      if (next) next();
      else this.free++;
    };
  }
}
