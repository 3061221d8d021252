/** SpamAssassin's verdict on one message, as mail-tester shows it. */
export interface SpamScore {
  score: number;
  /** The score at which SpamAssassin calls a message spam (5.0 by default). */
  threshold?: number;
  rules: { name: string; score: number; description: string }[];
}

/**
 * Reads the report of `spamassassin -t` or of spamd's REPORT command: the "Content analysis
 * details: (3.8 points, 5.0 required)" line, then the table of rules (points, name,
 * description; a long description goes on over indented lines). Rules are sorted by points,
 * highest first, as a reviewer reads them.
 */
export function parseSpamReport(report: string): SpamScore | undefined {
  const lines = report.split(/\r?\n/);
  const head = lines.findIndex((l) => /Content analysis details:/.test(l));
  const totals = /\((-?[\d.]+) points?, (-?[\d.]+) required\)/.exec(lines[head] ?? '');
  if (!totals) return undefined;
  const rules: SpamScore['rules'] = [];
  let inTable = false;
  for (const line of lines.slice(head + 1)) {
    if (/^-{3,} -{3,}/.test(line)) {
      inTable = true;
      continue;
    }
    if (!inTable) continue;
    const rule = /^\s*(-?\d+(?:\.\d+)?)\s+([A-Z0-9_]+)\s+(.*)$/.exec(line);
    if (rule) rules.push({ name: rule[2]!, score: Number(rule[1]), description: rule[3]!.trim() });
    else if (/^\s{6,}\S/.test(line) && rules.length) rules.at(-1)!.description += ` ${line.trim()}`;
    else if (line.trim() === '' && rules.length) break;
  }
  rules.sort((a, b) => b.score - a.score || a.name.localeCompare(b.name));
  return { score: Number(totals[1]), threshold: Number(totals[2]), rules };
}
