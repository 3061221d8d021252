import { renderSection, type Section } from './markdown.js';

/** GitHub refuses an issue comment longer than this. */
export const COMMENT_LIMIT = 65_536;

export interface Fitted {
  body: string;
  /** Sections that did not fit, in order: they go to the job summary. */
  rest: Section[];
}

/**
 * Keeps the head, then as many whole sections as fit with the footer under `limit`, and when some
 * do not fit, a line saying where they went. Sections are kept in order: the first ones matter most.
 */
export function fitComment(head: string, sections: Section[], foot: string, limit = COMMENT_LIMIT, where = 'the job summary of the workflow run linked below'): Fitted {
  const parts = sections.map(renderSection);
  const size = (texts: string[]) => texts.reduce((n, t) => n + t.length + 1, 0);
  if (size([head, ...parts, foot]) <= limit) return { body: [head, ...parts, foot].join('\n'), rest: [] };
  let kept = 0;
  while (kept < parts.length && size([head, ...parts.slice(0, kept + 1), cutNote(sections.slice(kept + 1), where), foot]) <= limit) kept++;
  const body = [head, ...parts.slice(0, kept), cutNote(sections.slice(kept), where), foot].join('\n');
  return { body, rest: sections.slice(kept) };
}

/** Names the sections left out (the first few: a thousand titles would not fit either). */
export function cutNote(rest: Section[], where: string): string {
  const names = rest.slice(0, 8).map((s) => s.title).join(', ') + (rest.length > 8 ? `, and ${rest.length - 8} more` : '');
  return `> ✂️ **This comment is cut here** to stay within GitHub's ${COMMENT_LIMIT.toLocaleString('en-US')} characters: ${rest.length} more section${rest.length === 1 ? '' : 's'} (${names}) ${rest.length === 1 ? 'is' : 'are'} in ${where}.\n`;
}
