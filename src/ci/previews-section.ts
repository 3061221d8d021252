import type { PreviewEmail, PreviewManifest, PreviewScenario } from '../preview/manifest.js';
import { uniqueDiagnostics } from './diagnostic-rows.js';
import type { CommentInput } from './comment-input.js';
import { cell, code, plural, tableSections, type Section } from './markdown.js';

const HEADER = ['Step', 'Language', 'Subject', 'From', 'Who receives it', 'When', 'Spam score', 'Lint', 'In the artifact'];

/**
 * What each email looks like, from `relance preview`'s manifest: one table per scenario, a row per
 * step and language (the sample contacts folded together). Images cannot be embedded from an
 * artifact, so the intro links to it.
 */
export function previewSections(input: CommentInput): Section[] {
  const { manifest, note, artifactUrl } = input.previews;
  if (!manifest) return [{ title: 'Email previews', body: `ℹ️ ${note ?? 'No previews: run `relance preview` and pass its folder with `--previews`.'}` }];
  const sections: Section[] = [{ title: 'Email previews', body: intro(manifest, artifactUrl) }];
  for (const scenario of manifest.scenarios) {
    const title = `Previews: ${scenario.name}`;
    const about = [scenario.title ? cell(scenario.title) : '', code(scenario.file)].filter(Boolean).join(' — ');
    sections.push(...tableSections(title, about, HEADER, rows(scenario)));
  }
  return sections;
}

function intro(m: PreviewManifest, artifactUrl: string | undefined): string {
  const emails = m.scenarios.reduce((n, s) => n + s.emails.length, 0);
  const contacts = new Set(m.scenarios.flatMap((s) => s.emails.map((e) => e.contact))).size;
  const lines = [
    `${plural(emails, 'email')} rendered (${plural(m.scenarios.length, 'scenario')}, ${plural(contacts, 'sample contact')}, every language)${m.changedSince ? `: only the scenarios changed since ${code(m.changedSince)}` : ''}.`,
    artifactUrl
      ? `📦 **[Download the previews](${artifactUrl})**: HTML, text and \`.eml\` of each email${m.screenshots.taken ? ', and screenshots at desktop and mobile width' : ''}; open \`index.html\` for the gallery.`
      : 'The previews were not uploaded (no `--artifact-url`): the paths below are in the preview folder.',
  ];
  if (!m.screenshots.taken) lines.push(`No screenshots${m.screenshots.reason ? `: ${cell(m.screenshots.reason)}` : ''}.`);
  if (!m.spamScore.taken) lines.push(`No spam score${m.spamScore.reason ? `: ${cell(m.spamScore.reason)}` : ''}.`);
  else lines.push('Spam score: SpamAssassin, local rules; 5 or more is usually filtered.');
  return lines.join('\n\n');
}

function rows(scenario: PreviewScenario): string[][] {
  const groups = new Map<string, PreviewEmail[]>();
  for (const e of scenario.emails) {
    const key = `${e.step}\u0000${e.language}`;
    groups.set(key, [...(groups.get(key) ?? []), e]);
  }
  return [...groups.values()].map((emails) => {
    const first = emails[0]!;
    const subjects = new Set(emails.map((e) => e.subject));
    const lint = uniqueDiagnostics(emails.flatMap((e) => e.lint)).length;
    const unresolved = [...new Set(emails.flatMap((e) => e.unresolved))];
    return [
      code(first.step),
      cell(first.language),
      (first.subject ? cell(first.subject) : '⚠️ *(empty)*') + (subjects.size > 1 ? ' *(varies by contact)*' : ''),
      cell(first.from) + (first.replyTo ? `<br>reply to ${cell(first.replyTo)}` : ''),
      cell(first.audience),
      cell(first.delay),
      spam(emails),
      [lint ? `⚠️ ${lint}` : '✅ 0', unresolved.length ? `unresolved: ${unresolved.map(code).join(', ')}` : ''].filter(Boolean).join('<br>'),
      code(first.files.html),
    ];
  });
}

function spam(emails: PreviewEmail[]): string {
  const scored = emails.filter((e) => e.spam);
  if (scored.length === 0) return '—';
  const worst = scored.reduce((a, b) => (b.spam!.score > a.spam!.score ? b : a));
  const rules = worst.spam!.rules.filter((r) => r.score > 0).sort((a, b) => b.score - a.score).slice(0, 3).map((r) => code(r.name));
  return `${worst.spam!.score >= 5 ? '🚩 ' : ''}${worst.spam!.score.toFixed(1)}${rules.length ? `<br>${rules.join(' ')}` : ''}`;
}
