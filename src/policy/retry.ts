/** Waits between attempts of a send or webhook that failed for a passing reason (4xx, timeout). */
export const BACKOFF_S = [60, 300, 900, 3600, 3 * 3600, 6 * 3600] as const;

/**
 * After the `attempts`-th failure of an effect: how long to wait before the next try, in seconds,
 * or undefined when the effect has used its tries (the enrollment ends in error). Emails get one
 * try per backoff step; webhooks as many as their `retries` (default 5).
 */
export function retryDelay(effect: { kind: 'email' } | { kind: 'webhook'; retries?: number }, attempts: number): number | undefined {
  const limit = effect.kind === 'webhook' ? effect.retries ?? 5 : BACKOFF_S.length;
  if (attempts > limit) return undefined;
  return BACKOFF_S[Math.min(attempts - 1, BACKOFF_S.length - 1)];
}
