const PAGE = 1 << 16;
/** Past this, a number key is kept in the Map: the pages' list would be too long. */
const MAX_NUMBER_KEY = 2 ** 40;

/** A contact id as a number when it is a plain integer (ids are `contact:seq` values), else -1. */
export function contactNumber(id: string): number {
  if (id.length === 0 || id.length > 12 || (id.length > 1 && id.charCodeAt(0) === 48)) return -1;
  let n = 0;
  for (let i = 0; i < id.length; i++) {
    const digit = id.charCodeAt(i) - 48;
    if (digit < 0 || digit > 9) return -1;
    n = n * 10 + digit;
  }
  return n;
}

/**
 * (contact id, small number) → a row number, for a million contacts without a Map entry each:
 * contact ids are small dense integers, so `id × stride + sub` indexes pages of 65,536 Uint32
 * cells, allocated when first written (256 kB each; contacts of one range share them). Any
 * other id, or a `sub` past the stride, falls back to a Map.
 */
export class IdIndex {
  private readonly pages: Array<Uint32Array | undefined> = [];
  private readonly other = new Map<string, number>();

  constructor(private readonly stride: number) {}

  get(contact: string, sub: number): number | undefined {
    const key = this.numberKey(contact, sub);
    if (key < 0) return this.other.get(`${contact}|${sub}`);
    const value = this.pages[Math.floor(key / PAGE)]?.[key % PAGE] ?? 0;
    return value === 0 ? undefined : value - 1;
  }

  set(contact: string, sub: number, row: number): void {
    const key = this.numberKey(contact, sub);
    if (key < 0) {
      this.other.set(`${contact}|${sub}`, row);
      return;
    }
    const p = Math.floor(key / PAGE);
    let page = this.pages[p];
    if (!page) this.pages[p] = page = new Uint32Array(PAGE);
    page[key % PAGE] = row + 1;
  }

  private numberKey(contact: string, sub: number): number {
    if (sub >= this.stride) return -1;
    const n = contactNumber(contact);
    const key = n < 0 ? -1 : n * this.stride + sub;
    return key > MAX_NUMBER_KEY ? -1 : key;
  }
}
