import type { PreviewResult } from './preview.js';

/**
 * The last line of `relance preview`:
 * `relance preview: 112 emails (14 scenarios, 3 contacts, 2 languages) in previews/ — screenshots: …; spam scores: median 2.0, highest 3.1`.
 */
export function previewSummary(result: PreviewResult, out: string): string {
  const { manifest: m } = result;
  const n = (count: number, word: string) => `${count} ${word}${count === 1 ? '' : 's'}`;
  const counts = `${n(result.emails, 'email')} (${n(m.scenarios.length, 'scenario')}, ${n(result.contacts, 'contact')}, ${n(result.languages, 'language')})`;
  const s = m.screenshots;
  const shots = s.taken
    ? `${n(result.emails * 2 - (s.failed ?? 0) * 2, 'PNG')} at ${s.widths?.desktop} and ${s.widths?.mobile} px, ${s.msPerEmail} ms per email${s.failed ? `, ${s.failed} failed` : ''}`
    : offWords(s.reason);
  const spam = m.spamScore.taken ? `median ${m.spamScore.median?.toFixed(1)}, highest ${m.spamScore.max?.toFixed(1)}` : offWords(m.spamScore.reason);
  const problems = [
    result.errors.length ? n(result.errors.length, 'error') : '',
    result.warnings.length ? n(result.warnings.length, 'lint warning') : '',
  ].filter(Boolean);
  return `relance preview: ${counts} in ${out.replace(/\/?$/, '/')} — screenshots: ${shots}; spam scores: ${spam}${problems.length ? ` — ${problems.join(', ')}` : ''}`;
}

/** Why screenshots or spam scores were not taken: `off (--no-screenshots)`, or the reason itself. */
export function offWords(reason: string | undefined): string {
  return reason?.startsWith('--') ? `off (${reason})` : (reason ?? 'off');
}
