/**
 * Fixed inputs of a sample render, so the same files give the same previews byte for byte (a PR
 * comment that changes on every push for nothing would hide the change that matters).
 */

/** The instant sample emails are rendered at (`{{today}}`, dates in sample contacts). */
export const SAMPLE_NOW = new Date('2026-06-01T09:00:00Z');

/** Signs the sample links: previews are never sent, so their tokens must not be valid anywhere. */
export const SAMPLE_SECRET = 'relance-preview-only-not-a-real-secret';
