import { esc } from './escape.js';
import { offWords } from './summary.js';
import { emailCard } from './gallery-email.js';
import type { PreviewEmail, PreviewManifest, PreviewScenario } from './manifest.js';
import { GALLERY_CSS } from './gallery-style.js';

/** A scenario as the gallery shows it: its emails, and each email step in graph order, in words. */
export interface GalleryScenario {
  preview: PreviewScenario;
  /** `relance explain`'s text of the scenario. */
  explain: string;
  steps: Array<{ id: string; label: string; audience: string; delay: string }>;
}

/**
 * `index.html`: every email, grouped by scenario and step, for a reviewer who does not read
 * YAML. One self-contained file: inline CSS, no script, and a Content-Security-Policy that keeps
 * the framed emails from loading anything remote (no tracking pixel fires while reviewing).
 */
export function galleryPage(manifest: PreviewManifest, scenarios: readonly GalleryScenario[], htmlOf: (e: PreviewEmail) => string): string {
  const emails = scenarios.reduce((n, s) => n + s.preview.emails.length, 0);
  const toc = scenarios.map((s) => `<li><a href="#${esc(anchor(s.preview.name))}">${esc(s.preview.title ?? s.preview.name)}</a> <span class="muted">${plural(s.preview.emails.length, 'email')}</span></li>`);
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src 'self' file: data:; frame-src 'self' about:; base-uri 'none'; form-action 'none'">
<title>relance preview — ${plural(emails, 'email')}</title>
<style>${GALLERY_CSS}</style>
</head>
<body>
<h1>Email previews <span class="muted">${plural(emails, 'email')}, ${plural(scenarios.length, 'scenario')}</span></h1>
${notices(manifest)}
<nav><ol>${toc.join('')}</ol></nav>
${scenarios.map((s) => scenarioSection(s, htmlOf)).join('\n')}
</body>
</html>
`;
}

function notices(m: PreviewManifest): string {
  const items: string[] = [];
  if (m.changedSince) items.push(`Only the scenarios whose file or templates changed since <code>${esc(m.changedSince)}</code>.`);
  const shots = m.screenshots;
  items.push(shots.taken
    ? `Screenshots: Chromium, ${shots.widths?.desktop ?? 800} px (desktop) and ${shots.widths?.mobile ?? 375} px (mobile) wide${shots.msPerEmail !== undefined ? `, ${Math.round(shots.msPerEmail)} ms per email` : ''}${shots.failed ? `; <mark>${shots.failed} failed</mark>` : ''}.`
    : `Screenshots: ${esc(offWords(shots.reason))} — each email is shown in a frame instead.`);
  const spam = m.spamScore;
  items.push(spam.taken
    ? `Spam scores: median ${spam.median?.toFixed(1) ?? '—'}, highest ${spam.max?.toFixed(1) ?? '—'} (SpamAssassin, local rules only; 5 or more is usually filtered as spam).`
    : `Spam scores: ${esc(offWords(spam.reason))}.`);
  const c = m.contacts;
  if (c) items.push(c.source === 'file' ? `Sample contacts: ${c.count} from <code>${esc(c.file)}</code>.` : `Sample contacts: ${c.count} per scenario, generated from the fields each scenario uses.`);
  for (const r of c?.rejected ?? []) items.push(`<mark>Contact file, line ${r.line}: ${esc(r.reason)} — row skipped.</mark>`);
  for (const d of m.errors ?? []) items.push(`<mark>${esc(`${d.file}:${d.line}:${d.column}`)}: ${esc(d.message)}</mark>`);
  items.push('Remote images and links are not loaded on this page: it works offline, and no tracking pixel fires.');
  return `<ul class="notices">${items.map((i) => `<li>${i}</li>`).join('')}</ul>`;
}

function scenarioSection(s: GalleryScenario, htmlOf: (e: PreviewEmail) => string): string {
  const p = s.preview;
  const byStep = new Map<string, PreviewEmail[]>();
  for (const e of p.emails) byStep.set(e.step, [...(byStep.get(e.step) ?? []), e]);
  const steps = s.steps.map((step, i) => {
    const emails = byStep.get(step.id) ?? [];
    return `<section class="step" id="${esc(anchor(`${p.name}--${step.id}`))}">
<h3>${i + 1}. ${esc(step.label)} <code>${esc(step.id)}</code></h3>
<p class="who"><b>Who receives it:</b> ${esc(step.audience)}</p>
<p class="when"><b>When:</b> ${esc(step.delay)}</p>
${emails.length ? `<div class="emails">${emails.map((e) => emailCard(e, htmlOf(e))).join('\n')}</div>` : '<p><mark>Not rendered (see the errors above).</mark></p>'}
</section>`;
  });
  return `<section class="scenario" id="${esc(anchor(p.name))}">
<h2>${esc(p.title ?? p.name)} <code>${esc(p.name)}</code></h2>
${p.description ? `<p class="description">${esc(p.description)}</p>` : ''}
<p class="muted"><code>${esc(p.file)}</code></p>
<details><summary>The scenario in words (<code>relance explain</code>)</summary><pre>${esc(s.explain)}</pre></details>
${steps.join('\n')}
</section>`;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

function anchor(text: string): string {
  return text.replace(/[^A-Za-z0-9_-]+/g, '-');
}
