import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FOOTER_TEXTS } from '../../../src/delivery/footer.js';
import { chooseVariant, HONEYPOT_LINK, messageIdFor, RenderError, renderEmail, variantTemplatePaths, type RenderInput } from '../../../src/delivery/render.js';
import { verifyToken } from '../../../src/delivery/tokens.js';
import { BUILTIN_VARIABLES } from '../../../src/templates/context.js';
import { FOOTER_LANGUAGES } from '../../../src/validate/rules/unsubscribe.js';

const SECRET = 'render-test-secret-0123456789';

function input(overrides: Partial<RenderInput> = {}): RenderInput {
  return {
    scenario: {
      name: 'welcome',
      title: 'Welcome series',
      language: 'en',
      sender: { name: 'Acme Analytics', email: 'hello@acme.example', replyTo: 'replies@acme.example' },
      timeZone: 'Europe/Paris',
    },
    step: {
      id: 'hello',
      subject: 'Welcome, {{default firstName "friend"}}!',
      languages: { fr: { subject: 'Bienvenue {{firstName}} !' }, 'pt-BR': { subject: 'Olá {{firstName}}' } },
    },
    templates: { html: '<p>Hi {{firstName}}, see <a href="{{vars.blogUrl}}">the blog</a>.</p>' },
    contact: { id: 'c-1', email: 'jane@example.com', fields: { firstName: 'Jane', lastName: 'Doe', language: 'en' } },
    vars: { blogUrl: 'https://acme.example/blog?utm_source=email&utm_medium=welcome' },
    secret: SECRET,
    messageIdDomain: 'mail.acme.example',
    publicUrl: 'https://go.acme.example',
    now: new Date('2026-03-01T23:30:00Z'),
    ...overrides,
  };
}

const tokenOf = (url: string, route: string) => new RegExp(`${route}/([A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+)`).exec(url)?.[1] ?? '';

describe('chooseVariant', () => {
  const step = { languages: { fr: {}, 'pt-BR': {}, de: {} } };
  it('takes the contact language when the step has it, exact or by its 2-letter base', () => {
    expect(chooseVariant(step, 'fr', 'en')).toBe('fr');
    expect(chooseVariant(step, 'fr-CA', 'en')).toBe('fr');
    expect(chooseVariant(step, 'FR_fr', 'en')).toBe('fr');
    expect(chooseVariant(step, 'pt-BR', 'en')).toBe('pt-BR');
    expect(chooseVariant(step, 'pt_br', 'en')).toBe('pt-BR');
    expect(chooseVariant(step, 'pt', 'en')).toBe('pt-BR'); // a regional variant of the same language beats another language
  });
  it('falls back to the scenario language, then en', () => {
    expect(chooseVariant(step, 'es', 'en')).toBe('en');
    expect(chooseVariant(step, undefined, 'fr')).toBe('fr');
    expect(chooseVariant(step, 42, undefined)).toBe('en');
    expect(chooseVariant({}, 'fr', 'en')).toBe('en');
    expect(chooseVariant({ languages: { fr: {} } }, 'en-GB', 'en')).toBe('en');
  });
  it('gives the template files of the variant', () => {
    const s = { template: 'welcome/hello', languages: { fr: {}, de: { template: 'welcome/hallo' } } };
    expect(variantTemplatePaths(s, 'fr')).toEqual({ html: 'welcome/hello.fr.html.hbs', text: 'welcome/hello.fr.txt.hbs' });
    expect(variantTemplatePaths(s, 'de')).toEqual({ html: 'welcome/hallo.html.hbs', text: 'welcome/hallo.txt.hbs' });
    expect(variantTemplatePaths(s, 'en')).toEqual({ html: 'welcome/hello.html.hbs', text: 'welcome/hello.txt.hbs' });
  });
});

describe('renderEmail', () => {
  it('renders subject, envelope and variables', () => {
    const mail = renderEmail(input());
    expect(mail.subject).toBe('Welcome, Jane!');
    expect(mail.from).toEqual({ name: 'Acme Analytics', address: 'hello@acme.example' });
    expect(mail.to).toEqual({ name: 'Jane Doe', address: 'jane@example.com' });
    expect(mail.replyTo).toBe('replies@acme.example');
    expect(mail.language).toBe('en');
    expect(mail.html).toContain('<p>Hi Jane, see');
    expect(mail.html).toMatch(/^<!DOCTYPE html>\n<html lang="en">/);
    expect(mail.html).toContain('<title>Welcome, Jane!</title>');
  });

  it('gives templates every builtin name of src/templates/context.ts', () => {
    const html = BUILTIN_VARIABLES.map((name) => `[${name}:{{#if ${name}}}yes{{else}}no{{/if}}]`).join('');
    const mail = renderEmail(input({ templates: { html }, formUrl: 'https://forms.acme.example/f/1' }));
    for (const name of BUILTIN_VARIABLES) expect(mail.html, name).toContain(`[${name}:yes]`);
  });

  it('exposes contact fields at top level and under contact, plus vars, sender, scenario, step, today', () => {
    const html = '{{firstName}}|{{contact.firstName}}|{{contact.email}}|{{contact.id}}|{{email}}|{{vars.blogUrl}}|{{sender.name}}|{{sender.email}}|{{sender.replyTo}}|{{scenario.name}}|{{scenario.title}}|{{step.id}}|{{today}}|{{formUrl}}';
    const mail = renderEmail(input({ templates: { html, text: html }, formUrl: 'https://forms.acme.example/f/1' }));
    expect(mail.text.split('\n')[0]).toBe(
      'Jane|Jane|jane@example.com|c-1|jane@example.com|https://acme.example/blog?utm_source=email&utm_medium=welcome|Acme Analytics|hello@acme.example|replies@acme.example|welcome|Welcome series|hello|2026-03-02|https://forms.acme.example/f/1',
    );
  });

  it('lets no contact field replace relance names (unsubscribeUrl, vars, step…)', () => {
    const fields = { firstName: 'Jane', unsubscribeUrl: 'https://evil.example/', vars: { blogUrl: 'x' }, step: { id: 'evil' } };
    const mail = renderEmail(input({ contact: { id: 'c-1', email: 'jane@example.com', fields }, templates: { html: '{{unsubscribeUrl}} {{vars.blogUrl}} {{step.id}}', text: '{{unsubscribeUrl}} {{step.id}}' } }));
    expect(mail.text).not.toContain('evil');
    expect(mail.text).toMatch(/^https:\/\/go\.acme\.example\/u\/\S+ hello/);
  });

  it('HTML-escapes contact data in HTML, not in the subject or the text part', () => {
    const fields = { firstName: '<script>alert(1)</script>', company: 'AT&T' };
    const mail = renderEmail(input({ contact: { id: 'c-1', email: 'jane@example.com', fields }, step: { id: 'hello', subject: '{{company}} for {{firstName}}' } }));
    expect(mail.html).not.toContain('<script>');
    expect(mail.html).toContain('Hi &lt;script&gt;alert(1)&lt;/script&gt;');
    expect(mail.subject).toBe('AT&T for <script>alert(1)</script>');
    expect(mail.text).toContain('Hi <script>alert(1)</script>');
  });

  it('keeps header values on one line', () => {
    const mail = renderEmail(input({ contact: { id: 'c-1', email: 'jane@example.com', fields: { firstName: 'Jane\r\nBcc: victim@example.com' } } }));
    expect(mail.subject).toBe('Welcome, Jane Bcc: victim@example.com!');
    expect(mail.to.name).toBe('Jane Bcc: victim@example.com');
    expect(() => renderEmail(input({ contact: { id: 'c-1', email: 'jane@example.com\r\nBcc: x@y.z', fields: {} } }))).toThrow(RenderError);
  });

  it('formats dates with luxon tokens in the scenario zone and the email language', () => {
    const html = readFileSync('scenarios/event/thanks.html.hbs', 'utf8');
    const fields = { firstName: 'Jane', eventDate: '2026-10-06T12:00:00Z', session: 'Paris', venue: 'Station F' };
    const en = renderEmail(input({ templates: { html }, contact: { id: 'c-1', email: 'j@example.com', fields } }));
    expect(en.html).toContain('Tuesday 6 October 2026, 14:00');
    const frHtml = readFileSync('scenarios/event/thanks.fr.html.hbs', 'utf8');
    const fr = renderEmail(input({ language: 'fr', templates: { html: frHtml }, contact: { id: 'c-1', email: 'j@example.com', fields } }));
    expect(fr.html).toContain('mardi 6 octobre 2026, 14:00');
  });

  it('uses the language variant chosen from the contact, falling back to the default', () => {
    const fr = renderEmail(input({ contact: { id: 'c-1', email: 'j@example.com', fields: { firstName: 'Jeanne', language: 'fr-FR' } } }));
    expect(fr.language).toBe('fr');
    expect(fr.subject).toBe('Bienvenue Jeanne !');
    expect(fr.html).toContain('<html lang="fr">');
    expect(fr.text).toContain('Se désinscrire');
    const es = renderEmail(input({ contact: { id: 'c-1', email: 'j@example.com', fields: { firstName: 'Juana', language: 'es' } } }));
    expect(es.language).toBe('en');
    expect(es.subject).toBe('Welcome, Juana!');
    const br = renderEmail(input({ language: 'pt-BR' }));
    expect(br.subject).toBe('Olá Jane');
    expect(br.text).toContain('Cancelar inscrição');
  });

  it('appends the built-in unsubscribe footer in each language', () => {
    expect(Object.keys(FOOTER_TEXTS).sort()).toEqual([...FOOTER_LANGUAGES].sort());
    for (const [language, words] of Object.entries(FOOTER_TEXTS)) {
      const mail = renderEmail(input({ scenario: { ...input().scenario, language }, contact: { id: 'c-1', email: 'j@example.com', fields: {} } }));
      const unsubscribeUrl = /<(https:[^>]+)>/.exec(mail.headers['List-Unsubscribe']!)![1]!;
      expect(mail.text, language).toContain(`${words.question} ${words.action}: ${unsubscribeUrl}`);
      expect(mail.html, language).toContain(`<a href="${unsubscribeUrl}" style="color:#6b7280">`);
      expect(mail.html.indexOf('relance-footer')).toBeLessThan(mail.html.indexOf('</body>'));
    }
  });

  it('puts the footer in unsubscribe.language when given', () => {
    const mail = renderEmail(input({ scenario: { ...input().scenario, unsubscribe: { language: 'de' } } }));
    expect(mail.text).toContain('Abmelden');
  });

  it('renders a custom unsubscribe text with its link', () => {
    const scenario = { ...input().scenario, unsubscribe: { text: 'Plus de mails de {{sender.name}} ? {{unsubscribeUrl}}' } };
    const mail = renderEmail(input({ scenario }));
    const url = /<(https:[^>]+)>/.exec(mail.headers['List-Unsubscribe']!)![1]!;
    expect(mail.text).toContain(`Plus de mails de Acme Analytics ? ${url}`);
    expect(mail.html).toContain(`Plus de mails de Acme Analytics ? <a href="${url}" style="color:#6b7280">${url}</a>`);
    const lost = renderEmail(input({ scenario: { ...scenario, unsubscribe: { text: 'Bye.' } } }));
    expect(lost.text).toContain(`Bye. ${url}`);
    const html = renderEmail(input({ scenario: { ...scenario, unsubscribe: { text: '<a href="{{unsubscribeUrl}}">Stop</a> these emails' } } }));
    expect(html.html).toContain(`<a href="${url}">Stop</a> these emails`);
    expect(html.text).toContain(`Stop (${url}) these emails`);
  });

  it('adds List-Unsubscribe (signed https link + mailto) and List-Unsubscribe-Post', () => {
    const mail = renderEmail(input());
    expect(mail.headers['List-Unsubscribe-Post']).toBe('List-Unsubscribe=One-Click');
    const header = mail.headers['List-Unsubscribe']!;
    expect(header).toMatch(/^<https:\/\/go\.acme\.example\/u\/[A-Za-z0-9_.-]+>, <mailto:unsubscribe@mail\.acme\.example\?subject=unsubscribe>$/);
    const check = verifyToken(tokenOf(header, '/u'), SECRET, { kind: 'unsubscribe' });
    expect(check).toEqual({ ok: true, payload: { scenario: 'welcome', contactId: 'c-1', step: 'hello', kind: 'unsubscribe' } });
    expect(renderEmail(input({ unsubscribeMailto: 'leave@acme.example' })).headers['List-Unsubscribe']).toContain('<mailto:leave@acme.example?subject=unsubscribe>');
  });

  it('replies in a thread: In-Reply-To, References, "Re:" subject', () => {
    const thread = { messageId: '<first@mail.acme.example>', subject: 'Welcome, Jane!', references: ['<zero@mail.acme.example>'] };
    const step = { id: 'follow-up', subject: 'Ignored in a thread', thread: 'hello', languages: { fr: { subject: 'Suite pour {{firstName}}' } } };
    const mail = renderEmail(input({ step, thread }));
    expect(mail.subject).toBe('Re: Welcome, Jane!');
    expect(mail.inReplyTo).toBe('<first@mail.acme.example>');
    expect(mail.references).toEqual(['<zero@mail.acme.example>', '<first@mail.acme.example>']);
    expect(renderEmail(input({ step, thread: { ...thread, subject: 'RE: Welcome' } })).subject).toBe('RE: Welcome');
    expect(renderEmail(input({ step, thread, language: 'fr' })).subject).toBe('Suite pour Jane');
    const alone = renderEmail(input({ step }));
    expect(alone.subject).toBe('Ignored in a thread');
    expect(alone.inReplyTo).toBeUndefined();
    expect(alone.references).toBeUndefined();
  });

  it('tracks opens with a pixel before </body> and clicks through /c/, leaving unsubscribe and mailto alone', () => {
    const html = [
      '<p><a href="{{vars.blogUrl}}">blog</a> <a href=\'https://acme.example/x\'>x</a> <a href=https://acme.example/y>y</a></p>',
      '<p><a href="mailto:hello@acme.example">write</a> <a href="{{unsubscribeUrl}}">leave</a> <a href="#top">top</a>',
      '<a href="{{viewInBrowserUrl}}">view</a> <a data-notrack href="https://acme.example/raw">raw</a></p>',
    ].join('\n');
    const mail = renderEmail(input({ templates: { html } }));
    const pixel = /<img src="https:\/\/go\.acme\.example\/o\/([^"]+)\.gif" width="1" height="1"/.exec(mail.html);
    expect(pixel).not.toBeNull();
    expect(verifyToken(pixel![1], SECRET, { kind: 'open' }).ok).toBe(true);
    expect(mail.html.indexOf(pixel![0])).toBeLessThan(mail.html.indexOf('</body>'));

    // Links are /c/TOKEN/LINK: one signed click token for the send, then the link's id, no URL;
    // the URLs come back in `links`, for the send to store.
    const clicks = [...mail.html.matchAll(/<a href="https:\/\/go\.acme\.example\/c\/([^"/?]+)\/([^"/?]+)">/g)];
    const destinations = ['https://acme.example/blog?utm_source=email&utm_medium=welcome', 'https://acme.example/x', 'https://acme.example/y'];
    expect(clicks).toHaveLength(3);
    clicks.forEach(([, t, id], i) => {
      expect(verifyToken(t, SECRET, { kind: 'click' })).toMatchObject({ ok: true, payload: { scenario: 'welcome', step: 'hello' } });
      expect(mail.links!.get(id!)).toBe(destinations[i]);
    });
    expect(new Set(clicks.map((m) => m[1])).size).toBe(1);
    expect([...mail.links!.values()]).toEqual(destinations);
    // One hidden link, for scanners only.
    const honeypot = /<a href="https:\/\/go\.acme\.example\/c\/([^"/]+)\/([^"/]+)" style="display:none" aria-hidden="true" tabindex="-1"><\/a>/.exec(mail.html);
    expect(honeypot![1]).toBe(clicks[0]![1]);
    expect(honeypot![2]).toBe(HONEYPOT_LINK);
    expect(mail.html).toContain('href="mailto:hello@acme.example"');
    expect(mail.html).toContain('href="#top"');
    expect(mail.html).toContain('data-notrack href="https://acme.example/raw"');
    expect(mail.html).toMatch(/<a href="https:\/\/go\.acme\.example\/u\/[^"]+">leave<\/a>/);
    expect(mail.html).toMatch(/<a href="https:\/\/go\.acme\.example\/v\/[^"]+">view<\/a>/);
    expect(mail.html).toMatch(/relance-footer[^\n]*<a href="https:\/\/go\.acme\.example\/u\//);
    // The text part keeps the real destinations.
    expect(mail.text).toContain('blog (https://acme.example/blog?utm_source=email&utm_medium=welcome)');
  });

  it('does not track when the scenario turns it off', () => {
    const mail = renderEmail(input({ scenario: { ...input().scenario, tracking: { opens: false, clicks: false } } }));
    expect(mail.html).not.toContain('/o/');
    expect(mail.html).not.toContain('/c/');
    expect(mail.html).toContain('href="https://acme.example/blog?utm_source&#x3D;email&amp;utm_medium&#x3D;welcome"');
  });

  it('keeps a whole-document template and inserts into its body', () => {
    const html = '<html><head><title>x</title></head><body class="b"><p>Hi {{firstName}}</p></body></html>';
    const mail = renderEmail(input({ templates: { html }, step: { ...input().step, preheader: 'Your first week with {{vars.product}}' }, vars: { product: 'Acme' } }));
    expect(mail.html.startsWith('<html><head><title>x</title></head><body class="b"><div style="display:none')).toBe(true);
    expect(mail.html).toContain('Your first week with Acme</div><p>Hi Jane</p><p class="relance-footer"');
    expect(mail.html).toMatch(/\.gif"[^>]*><a href="[^"]+" style="display:none" aria-hidden="true" tabindex="-1"><\/a><\/body><\/html>$/);
    expect(mail.html.match(/<html/g)).toHaveLength(1);
  });

  it('uses the text template when there is one, else derives text from the HTML', () => {
    const withText = renderEmail(input({ templates: { html: '<p>Hi {{firstName}}</p>', text: 'Hello {{firstName}} & co' } }));
    expect(withText.text).toMatch(/^Hello Jane & co\n\n-- \nNo longer want to receive these emails\? Unsubscribe: https:\/\/go\.acme\.example\/u\/\S+\n$/);
    const derived = renderEmail(input({ templates: { html: '<h1>News</h1><p>Hi {{firstName}},</p><ul><li>one</li><li>two</li></ul>' } }));
    expect(derived.text).toMatch(/^News\n\nHi Jane,\n\n- one\n- two\n\n-- \n/);
  });

  it('gives a deterministic message id per scenario, step, contact and visit of the step', () => {
    const a = renderEmail(input());
    expect(a.messageId).toMatch(/^<[0-9a-f]{32}@mail\.acme\.example>$/);
    expect(renderEmail(input({ now: new Date('2030-01-01T00:00:00Z') })).messageId).toBe(a.messageId);
    expect(renderEmail(input({ contact: { id: 'c-2', email: 'x@example.com', fields: {} } })).messageId).not.toBe(a.messageId);
    expect(renderEmail(input({ step: { ...input().step, id: 'other' } })).messageId).not.toBe(a.messageId);
    const visit = renderEmail(input({ visit: 1_790_000_000 }));
    expect(visit.messageId).not.toBe(a.messageId);
    expect(renderEmail(input({ visit: 1_790_000_000 })).messageId).toBe(visit.messageId);
    expect(renderEmail(input({ visit: 1_790_000_060 })).messageId).not.toBe(visit.messageId);
    expect(a.messageId).toBe(messageIdFor({ secret: SECRET, domain: 'mail.acme.example', scenario: 'welcome', step: 'hello', contactId: 'c-1' }));
  });

  it('uses the step sender and reply-to over the scenario ones', () => {
    const mail = renderEmail(input({ step: { ...input().step, from: { name: 'Alice', email: 'alice@acme.example' }, replyTo: 'alice+replies@acme.example' } }));
    expect(mail.from).toEqual({ name: 'Alice', address: 'alice@acme.example' });
    expect(mail.replyTo).toBe('alice+replies@acme.example');
    const noReply = renderEmail(input({ step: { ...input().step, from: { email: 'bob@acme.example' } } }));
    expect(noReply.from).toEqual({ address: 'bob@acme.example' });
    expect(noReply.replyTo).toBeUndefined();
  });

  it('throws a RenderError naming the part that failed', () => {
    expect(() => renderEmail(input({ templates: { html: '{{#if}}' } }))).toThrow(/html template/);
    expect(() => renderEmail(input({ templates: { html: '{{nope x}}' } }))).toThrow(RenderError);
    expect(() => renderEmail(input({ scenario: { name: 'x' } }))).toThrow(/no sender/);
    expect(() => renderEmail(input({ messageIdDomain: 'bad domain>' }))).toThrow(RenderError);
  });

  it('renders every example template of scenarios/', () => {
    let count = 0;
    for (const dir of readdirSync('scenarios', { withFileTypes: true })) {
      if (!dir.isDirectory()) continue;
      for (const file of readdirSync(join('scenarios', dir.name))) {
        if (!file.endsWith('.html.hbs')) continue;
        const html = readFileSync(join('scenarios', dir.name, file), 'utf8');
        const fields = { firstName: 'Jane', company: 'Globex', eventDate: '2026-10-06T12:00:00Z', session: 'Paris', venue: 'Station F' };
        const mail = renderEmail(input({ templates: { html }, contact: { id: 'c-1', email: 'jane@example.com', fields }, formUrl: 'https://forms.acme.example/f' }));
        expect(mail.html, file).toContain('relance-footer');
        expect(mail.text.length, file).toBeGreaterThan(50);
        count++;
      }
    }
    expect(count).toBeGreaterThan(20);
  });
});
