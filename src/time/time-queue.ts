/**
 * A min-heap of simulation entries ordered by time, then rank (events before passes at the same
 * instant, as the engine records events before it sweeps), then insertion order: equal keys come
 * out in the order they went in, so a run is reproducible. Keys live in plain number arrays next
 * to the items: comparisons never touch the items, whatever their shape.
 */
export class TimeQueue<T> {
  private readonly items: T[] = [];
  private readonly times: number[] = [];
  /** rank * 2^44 + insertion number: one number orders both (2^44 insertions is plenty). */
  private readonly order: number[] = [];
  private seq = 0;

  get size(): number {
    return this.items.length;
  }

  push(at: number, rank: 0 | 1, item: T): void {
    const { items, times, order } = this;
    const key = rank * 2 ** 44 + this.seq++;
    let i = items.length;
    items.push(item);
    times.push(at);
    order.push(key);
    while (i > 0) {
      const p = (i - 1) >> 1;
      const pt = times[p]!;
      if (pt < at || (pt === at && order[p]! < key)) break;
      items[i] = items[p]!;
      times[i] = pt;
      order[i] = order[p]!;
      i = p;
    }
    items[i] = item;
    times[i] = at;
    order[i] = key;
  }

  /** The time of the first entry, if any. */
  peekTime(): number | undefined {
    return this.times[0];
  }

  pop(): T | undefined {
    const { items, times, order } = this;
    if (items.length === 0) return undefined;
    const top = items[0]!;
    const item = items.pop()!;
    const at = times.pop()!;
    const key = order.pop()!;
    const n = items.length;
    if (n === 0) return top;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) break;
      const r = l + 1;
      let m = l;
      if (r < n && (times[r]! < times[l]! || (times[r] === times[l] && order[r]! < order[l]!))) m = r;
      const mt = times[m]!;
      if (at < mt || (at === mt && key < order[m]!)) break;
      items[i] = items[m]!;
      times[i] = mt;
      order[i] = order[m]!;
      i = m;
    }
    items[i] = item;
    times[i] = at;
    order[i] = key;
    return top;
  }
}
