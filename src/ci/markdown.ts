/**
 * One part of the comment: a heading and its Markdown. The comment is cut between sections, never
 * inside one, so a table or a diagram is always shown whole.
 */
export interface Section {
  title: string;
  body: string;
}

export function renderSection(s: Section): string {
  return `### ${s.title}\n\n${s.body.trim()}\n`;
}

/** Text for a table cell: no pipe, no line break, no HTML (a subject may hold `<b>`). */
export function cell(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/\|/g, '\\|').replace(/\r?\n/g, ' ').trim();
}

/** Inline code that survives backticks in the text. */
export function code(text: string): string {
  const clean = text.replace(/\r?\n/g, ' ');
  return clean.includes('`') ? `<code>${cell(clean)}</code>` : `\`${clean.replace(/\|/g, '\\|')}\``;
}

/**
 * A table as sections of at most `maxChars` each: every part repeats the header, so cutting the
 * comment between two parts still leaves whole tables.
 */
export function tableSections(title: string, intro: string, header: string[], rows: string[][], maxChars = 20_000): Section[] {
  const head = `| ${header.join(' | ')} |\n|${header.map(() => ' --- |').join('')}\n`;
  const parts: string[] = [];
  let current = '';
  for (const row of rows) {
    const line = `| ${row.join(' | ')} |\n`;
    if (current && head.length + current.length + line.length > maxChars) { parts.push(current); current = ''; }
    current += line;
  }
  if (current) parts.push(current);
  return parts.map((part, i) => ({
    title: i === 0 ? title : `${title} (continued, ${i + 1}/${parts.length})`,
    body: (i === 0 && intro ? `${intro}\n\n` : '') + head + part,
  }));
}

export const plural = (n: number, word: string): string => `${n.toLocaleString('en-US')} ${word}${n === 1 ? '' : 's'}`;
