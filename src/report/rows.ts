const SHIFT = 14;
const CHUNK = 1 << SHIFT;
const MASK = CHUNK - 1;

/**
 * A growing table of unsigned 32-bit cells, `width` per row, in chunks of 16,384 rows: about
 * 4 bytes a cell, where a JS object per row costs ten times that, and growing never copies.
 * Cells start at 0, which the report reads as "none" (no event happens at epoch 0).
 */
export class Rows {
  private readonly chunks: Uint32Array[] = [];
  length = 0;

  constructor(readonly width: number) {}

  add(): number {
    const row = this.length++;
    if ((row & MASK) === 0) this.chunks.push(new Uint32Array(CHUNK * this.width));
    return row;
  }

  /** The chunk holding `row`, and where the row starts in it: for loops over a row's cells. */
  chunkOf(row: number): Uint32Array {
    return this.chunks[row >>> SHIFT]!;
  }

  offsetOf(row: number): number {
    return (row & MASK) * this.width;
  }

  get(row: number, column: number): number {
    return this.chunks[row >>> SHIFT]![(row & MASK) * this.width + column]!;
  }

  set(row: number, column: number, value: number): void {
    this.chunks[row >>> SHIFT]![(row & MASK) * this.width + column] = value;
  }

  /** Keeps the earliest non-zero value. */
  min(row: number, column: number, value: number): void {
    const chunk = this.chunks[row >>> SHIFT]!;
    const at = (row & MASK) * this.width + column;
    const current = chunk[at]!;
    if (current === 0 || value < current) chunk[at] = value;
  }

  or(row: number, column: number, bits: number): void {
    const chunk = this.chunks[row >>> SHIFT]!;
    const at = (row & MASK) * this.width + column;
    chunk[at] = chunk[at]! | bits;
  }
}
