/**
 * The addresses already met in one import file, with their line, for "duplicate of line N".
 *
 * A Map<string, number> of a million addresses costs ~100 MB and keeps slices of the parsed
 * chunks alive, which would defeat streaming. This table stores a 64-bit fingerprint and a line
 * number per address in typed arrays instead: 24 bytes a slot at most, ~24 MB for 1M addresses.
 * Two different addresses share a fingerprint with a probability around 1e-8 for a
 * million-row file; that is the price of not keeping the file in memory.
 */
export class SeenEmails {
  private lo = new Uint32Array(1 << 12);
  private hi = new Uint32Array(1 << 12);
  private lines = new Uint32Array(1 << 12); // 0 = empty slot (line 1 is the header, never stored)
  private count = 0;

  /** Records `email` at `line`; returns the line it was first seen on, or 0 when new. */
  add(email: string, line: number): number {
    const [a, b] = fingerprint(email);
    const found = this.find(a, b);
    if (this.lines[found] !== 0) return this.lines[found]!;
    this.lo[found] = a;
    this.hi[found] = b;
    this.lines[found] = line;
    if (++this.count * 2 > this.lines.length) this.grow();
    return 0;
  }

  get size(): number {
    return this.count;
  }

  /** Open addressing, linear probing: the slot holding (a, b), or the empty slot where it goes. */
  private find(a: number, b: number): number {
    const mask = this.lines.length - 1;
    let i = (a ^ Math.imul(b, 0x9e3779b1)) & mask;
    while (this.lines[i] !== 0 && (this.lo[i] !== a || this.hi[i] !== b)) i = (i + 1) & mask;
    return i;
  }

  private grow(): void {
    const { lo, hi, lines } = this;
    this.lo = new Uint32Array(lines.length * 2);
    this.hi = new Uint32Array(lines.length * 2);
    this.lines = new Uint32Array(lines.length * 2);
    for (let i = 0; i < lines.length; i++) {
      if (lines[i] === 0) continue;
      const slot = this.find(lo[i]!, hi[i]!);
      this.lo[slot] = lo[i]!;
      this.hi[slot] = hi[i]!;
      this.lines[slot] = lines[i]!;
    }
  }
}

/** Two 32-bit lanes of a cyrb53-style hash over UTF-16 code units: fast, well mixed. */
function fingerprint(text: string): [number, number] {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 2654435761);
    h2 = Math.imul(h2 ^ c, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return [h1 >>> 0, h2 >>> 0];
}
