/** The closest candidate to `word`, if it is close enough to be a likely typo. */
export function didYouMean(word: string, candidates: Iterable<string>): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  const lower = word.toLowerCase();
  const tolerance = Math.max(1, Math.floor(word.length / 3));
  for (const candidate of candidates) {
    const c = candidate.toLowerCase();
    // A shared stem ("replied" → "reply") counts as close even when the ending differs a lot.
    const d = commonPrefix(lower, c) >= 4 ? Math.min(distance(lower, c), tolerance) : distance(lower, c);
    if (d < bestDistance) { best = candidate; bestDistance = d; }
  }
  return bestDistance <= tolerance ? best : undefined;
}

function commonPrefix(a: string, b: string): number {
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  return i;
}

/** Edit distance where swapping two neighbours ("wiat" → "wait") is one typo, not two. */
function distance(a: string, b: string): number {
  if (a === b) return 0;
  const rows: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i]);
  for (let j = 1; j <= b.length; j++) rows[0]![j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min(rows[i - 1]![j]! + 1, rows[i]![j - 1]! + 1, rows[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, rows[i - 2]![j - 2]! + 1);
      rows[i]![j] = d;
    }
  }
  return rows[a.length]![b.length]!;
}

export function quote(value: unknown, max = 40): string {
  const text = typeof value === 'string' ? value : JSON.stringify(value) ?? String(value);
  const short = text.length > max ? text.slice(0, max - 1) + '…' : text;
  return `"${short}"`;
}
