import { esc, href } from './escape.js';
import type { PreviewEmail } from './manifest.js';

/** SpamAssassin's default threshold: at or above it, most filters file the message as spam. */
const SPAM_THRESHOLD = 5;

/**
 * One email in the gallery: its headers, what is wrong with it (unresolved variables, lint,
 * spam rules) and what it looks like (screenshots, else the HTML in a sandboxed frame).
 */
export function emailCard(e: PreviewEmail, html: string): string {
  const files = [['HTML', e.files.html], ['text', e.files.text], ['.eml', e.files.eml]].map(([label, path]) => `<a href="${href(path!)}">${label}</a>`).join(' · ');
  const rows: Array<[string, string]> = [
    ['Subject', e.subject ? esc(e.subject) : '<mark>(empty after rendering)</mark>'],
    ['From', esc(e.from)],
    ['Reply to', e.replyTo ? esc(e.replyTo) : '<span class="muted">the sender</span>'],
    ['To', esc(e.contact)],
  ];
  return `<article class="email">
<header><span class="lang">${esc(e.language)}</span> <span class="files">${files}</span></header>
<dl>${rows.map(([k, v]) => `<dt>${k}</dt><dd>${v}</dd>`).join('')}</dl>
${unresolved(e)}${lint(e)}${spam(e)}${look(e, html)}
</article>`;
}

function unresolved(e: PreviewEmail): string {
  if (!e.unresolved.length) return '';
  const names = e.unresolved.map((n) => `<mark>{{${esc(n)}}}</mark>`).join(' ');
  return `<p class="unresolved">⚠ Unresolved for this contact: ${names} — printed empty.</p>\n`;
}

function lint(e: PreviewEmail): string {
  if (!e.lint.length) return '<p class="ok">✔ No lint warnings.</p>\n';
  const items = e.lint.map((d) => `<li><code>${esc(`${d.file}:${d.line}:${d.column}`)}</code> ${esc(d.message)} <span class="muted">[${esc(d.code)}]</span></li>`);
  // A long list is folded: the count and the first lines of the card stay in view.
  return `<details class="lint"${e.lint.length <= 3 ? ' open' : ''}><summary>⚠ ${e.lint.length} lint warning${e.lint.length === 1 ? '' : 's'}</summary><ul>${items.join('')}</ul></details>\n`;
}

function spam(e: PreviewEmail): string {
  if (!e.spam) return '';
  const { score, rules } = e.spam;
  const threshold = e.spam.threshold ?? SPAM_THRESHOLD;
  const level = score >= threshold ? 'bad' : score >= threshold / 2 ? 'warn' : 'good';
  const rows = rules.map((r) => `<tr><td class="num">${r.score.toFixed(1)}</td><td><code>${esc(r.name)}</code></td><td>${esc(r.description)}</td></tr>`);
  const table = rows.length ? `<table><thead><tr><th>points</th><th>rule</th><th>what it means</th></tr></thead><tbody>${rows.join('')}</tbody></table>` : '<p>No rule hit.</p>';
  const counted = rules.filter((r) => r.score !== 0).length;
  return `<details class="spam"><summary>Spam score <b class="score ${level}">${score.toFixed(1)}</b> / ${threshold.toFixed(1)} (SpamAssassin, local rules) — ${counted} rule${counted === 1 ? '' : 's'} with points</summary>${table}</details>\n`;
}

function look(e: PreviewEmail, html: string): string {
  if (e.files.desktop && e.files.mobile) {
    const shot = (path: string, label: string) => `<a class="shot ${label}" href="${href(path)}"><img src="${href(path)}" alt="${esc(`${label} screenshot of ${e.subject}`)}" loading="lazy"><span>${label}</span></a>`;
    return `<div class="shots">${shot(e.files.desktop, 'desktop')}${shot(e.files.mobile, 'mobile')}</div>`;
  }
  // srcdoc keeps the gallery one self-contained file; sandbox="" runs no script and follows no link out.
  return `<iframe class="frame" sandbox="" loading="lazy" title="${esc(e.subject)}" srcdoc="${esc(html)}"></iframe>`;
}
