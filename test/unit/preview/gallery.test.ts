import { describe, expect, it } from 'vitest';
import { esc, href } from '../../../src/preview/escape.js';
import { galleryPage, type GalleryScenario } from '../../../src/preview/gallery.js';
import type { PreviewEmail, PreviewManifest } from '../../../src/preview/manifest.js';
import { previewSummary } from '../../../src/preview/summary.js';

const HOSTILE = `"><script>alert('x')</script><img src=x onerror=alert(1)>`;

function email(overrides: Partial<PreviewEmail> = {}): PreviewEmail {
  return {
    step: 'hello',
    language: 'en',
    contact: 'ada@example.com',
    subject: `Hi ${HOSTILE}`,
    from: `Alice ${HOSTILE} <alice@acme.test>`,
    audience: 'contacts who entered the scenario',
    delay: 'as soon as the contact enters',
    files: { html: 'demo/hello.en.1.html', text: 'demo/hello.en.1.txt', eml: 'demo/hello.en.1.eml' },
    unresolved: ['company'],
    htmlBytes: 100,
    lint: [{ severity: 'warning', code: 'email-image-alt', message: `image without alt ${HOSTILE}`, file: 'scenarios/demo/hello.html.hbs', line: 3, column: 5 }],
    spam: { score: 5.2, threshold: 5, rules: [{ name: 'HTML_IMAGE_ONLY_04', score: 1.7, description: `BODY: ${HOSTILE}` }] },
    ...overrides,
  };
}

function manifest(emails: PreviewEmail[]): PreviewManifest {
  return {
    format: 1,
    createdAt: '2026-06-01T09:00:00.000Z',
    screenshots: { taken: false, reason: 'Chromium not installed (apt-get install chromium)' },
    spamScore: { taken: true, median: 5.2, max: 5.2 },
    scenarios: [{ name: 'demo', title: `Demo ${HOSTILE}`, description: HOSTILE, file: 'scenarios/demo.yaml', emails }],
    contacts: { source: 'file', file: 'contacts.csv', count: 1, rejected: [{ line: 3, reason: `invalid email address "${HOSTILE}"` }] },
  };
}

function page(emails: PreviewEmail[], html = `<p>${HOSTILE}</p>`): string {
  const m = manifest(emails);
  const scenarios: GalleryScenario[] = [{ preview: m.scenarios[0]!, explain: `demo ${HOSTILE}`, steps: [{ id: 'hello', label: `Hello ${HOSTILE}`, audience: 'contacts who entered the scenario', delay: 'as soon as the contact enters' }] }];
  return galleryPage(m, scenarios, () => html);
}

describe('the gallery', () => {
  it('escapes every value that comes from templates, contacts or files, and runs no script', () => {
    const html = page([email()]);
    expect(html).not.toContain('<script>');
    expect(html).not.toMatch(/<img src=x/);
    expect(html).not.toContain("alert('x')");
    expect(html).toContain('Hi &quot;&gt;&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;');
    // The email itself goes into srcdoc, escaped once more, in a frame with every sandbox flag off.
    expect(html).toContain('<iframe class="frame" sandbox="" loading="lazy"');
    expect(html).toContain('srcdoc="&lt;p&gt;&quot;&gt;&lt;script&gt;');
    expect(html).toContain(`<meta http-equiv="Content-Security-Policy" content="default-src 'none'`);
  });

  it('shows the notices, unresolved variables, lint with file:line:column and the spam rules', () => {
    const html = page([email()]);
    expect(html).toContain('Screenshots: Chromium not installed (apt-get install chromium) — each email is shown in a frame instead.');
    expect(html).toContain('Spam scores: median 5.2, highest 5.2');
    expect(html).toContain('Contact file, line 3: invalid email address');
    expect(html).toContain('Unresolved for this contact: <mark>{{company}}</mark>');
    expect(html).toContain('<code>scenarios/demo/hello.html.hbs:3:5</code> image without alt');
    expect(html).toContain('Spam score <b class="score bad">5.2</b> / 5.0');
    expect(html).toContain('<code>HTML_IMAGE_ONLY_04</code>');
    expect(html).toContain('<b>Who receives it:</b> contacts who entered the scenario');
  });

  it('shows screenshots instead of the frame when there are some, and an empty subject as a problem', () => {
    const html = page([email({ subject: '', files: { html: 'demo/a b.html', text: 'demo/a.txt', eml: 'demo/a.eml', desktop: 'demo/a b.desktop.png', mobile: 'demo/a.mobile.png' } })]);
    expect(html).toContain('<img src="demo/a%20b.desktop.png"');
    expect(html).toContain('<mark>(empty after rendering)</mark>');
    expect(html).not.toContain('<iframe');
  });
});

describe('escaping helpers', () => {
  it('escapes the five HTML characters and encodes path segments', () => {
    expect(esc(`<a href="x">'&'</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
    expect(href('a/b c/"d".png')).toBe('a/b%20c/%22d%22.png');
  });
});

describe('the summary line', () => {
  it('counts emails, scenarios, contacts and languages, and says what was off', () => {
    const m = manifest([email(), email({ language: 'fr' })]);
    m.screenshots = { taken: false, reason: '--no-screenshots' };
    const line = previewSummary({ manifest: m, errors: [], warnings: [email().lint[0]!], emails: 2, contacts: 1, languages: 2 }, 'previews');
    expect(line).toBe('relance preview: 2 emails (1 scenario, 1 contact, 2 languages) in previews/ — screenshots: off (--no-screenshots); spam scores: median 5.2, highest 5.2 — 1 lint warning');
  });
});
