import type { PreviewManifest } from './manifest.js';
import type { WrittenEmail } from './render-scenario.js';
import { startSpamScorer } from './spam-score.js';

/**
 * Scores the emails with SpamAssassin and sets `spam` on each. With spamd every message is
 * scored; with only `spamassassin` (a second per process) the first sample contact of each
 * step and language is scored and its result shared with the others, whose text differs only
 * by names.
 */
export async function scoreSpam(emails: readonly WrittenEmail[]): Promise<PreviewManifest['spamScore']> {
  if (emails.length === 0) return { taken: false, reason: 'no email to score' };
  const scorer = await startSpamScorer();
  if ('reason' in scorer) return { taken: false, reason: scorer.reason };
  const failures: string[] = [];
  try {
    const key = (e: WrittenEmail) => (scorer.kind === 'spamd' ? e.preview.files.eml : e.preview.files.eml.replace(/\.\d+\.eml$/, ''));
    const firsts = new Map<string, WrittenEmail>();
    for (const e of emails) if (!firsts.has(key(e))) firsts.set(key(e), e);
    const queue = [...firsts.values()];
    const results = new Map<string, Awaited<ReturnType<typeof scorer.score>>>();
    const worker = async (): Promise<void> => {
      for (let e = queue.shift(); e; e = queue.shift()) {
        try {
          results.set(key(e), await scorer.score(e.raw));
        } catch (err) {
          failures.push((err as Error).message);
        }
      }
    };
    await Promise.all(Array.from({ length: scorer.concurrency }, worker));
    for (const e of emails) {
      const result = results.get(key(e));
      if (result) e.preview.spam = { score: result.score, ...(result.threshold !== undefined ? { threshold: result.threshold } : {}), rules: result.rules };
    }
  } finally {
    await scorer.close();
  }
  const scores = emails.flatMap((e) => (e.preview.spam ? [e.preview.spam.score] : [])).sort((a, b) => a - b);
  if (scores.length === 0) return { taken: false, reason: `SpamAssassin failed: ${failures[0] ?? 'no score'}` };
  const median = scores.length % 2 ? scores[(scores.length - 1) / 2]! : (scores[scores.length / 2 - 1]! + scores[scores.length / 2]!) / 2;
  return { taken: true, median: Math.round(median * 10) / 10, max: scores.at(-1)!, ...(failures.length ? { reason: `${failures.length} emails not scored: ${failures[0]}` } : {}) };
}
