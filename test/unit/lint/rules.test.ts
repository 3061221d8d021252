import { describe, expect, it } from 'vitest';
import type { SampleContact } from '../../../src/samples/sample-contacts.js';
import { lintFixture, where, words } from './fixture.js';

const P = '<p>Hello {{firstName}}, here is our news.</p>\n';
const bare: SampleContact = { id: 'c1', email: 'ana@acme.test', fields: { email: 'ana@acme.test' } };

describe('email-subject-too-long and email-subject-empty', () => {
  it('warns on a subject over 78 characters once rendered, at the subject in the YAML', async () => {
    const d = await lintFixture({ html: P, subject: `{{firstName}}, ${'a very long subject '.repeat(4)}` });
    expect(where(d)).toEqual(['email-subject-too-long t.yaml:15:16']);
    expect(d[0]!.message).toMatch(/is \d+ characters for .*inboxes cut subjects/);
    expect(await lintFixture({ html: P, subject: 'Our news for {{firstName}}' })).toEqual([]);
  });

  it('points at the language variant\'s own subject', async () => {
    const d = await lintFixture({ html: P, subject: 'Short', step: `      languages:\n        fr:\n          subject: "${'Un sujet beaucoup trop long '.repeat(3)}"`, files: { 'mail/hello.fr.html.hbs': P } });
    expect(where(d)).toEqual(['email-subject-too-long t.yaml:18:20']);
    expect(d[0]!.message).toContain('email "hello" (fr)');
  });

  it('warns on a subject that renders empty for a sample contact', async () => {
    const d = await lintFixture({ html: '<p>Hi</p>', subject: '{{firstName}}', contacts: [bare] });
    expect(where(d)).toEqual(['email-subject-empty t.yaml:15:16', 'email-unresolved-variable t.yaml:15:16']);
    expect(await lintFixture({ html: '<p>Hi</p>', subject: '{{default firstName "Hello"}}', contacts: [bare] })).toEqual([]);
  });
});

describe('email-unsubscribe-not-linked', () => {
  it('warns when an HTML footer of one\'s own shows the unsubscribe address as text', async () => {
    const d = await lintFixture({ html: P, spec: '  tracking: { opens: true }\n  unsubscribe:\n    text: "<p>Had enough? {{unsubscribeUrl}}</p>"' });
    expect(where(d)).toEqual(['email-unsubscribe-not-linked t.yaml:12:11']);
  });

  it('accepts the address as a link, a plain-text footer (relance links it) and the built-in footer', async () => {
    expect(await lintFixture({ html: P, spec: '  tracking: { opens: true }\n  unsubscribe:\n    text: "<p><a href=\\"{{unsubscribeUrl}}\\">Unsubscribe</a></p>"' })).toEqual([]);
    expect(await lintFixture({ html: P, spec: '  tracking: { opens: true }\n  unsubscribe:\n    text: "Had enough? {{unsubscribeUrl}}"' })).toEqual([]);
    expect(await lintFixture({ html: P })).toEqual([]);
  });
});

describe('email-malformed-link', () => {
  it('warns on relative, placeholder, spaced and brace-mangled links, at the href value', async () => {
    const html = [
      '<p><a href="www.acme.test/pricing">pricing</a></p>',
      '<p><a href="#">read more</a></p>',
      '<p><a href="https://acme.test/a b">a b</a> <a href="{vars.site}}/x">x</a></p>',
      '<p><a href="mailto:nobody">mail</a> <a>no href</a> <img src="" alt=""></p>',
    ].join('\n');
    const d = await lintFixture({ html, text: 'pricing, read more', long: true });
    expect(where(d)).toEqual([
      'email-malformed-link mail/hello.html.hbs:1:13',
      'email-malformed-link mail/hello.html.hbs:2:13',
      'email-malformed-link mail/hello.html.hbs:3:13',
      'email-malformed-link mail/hello.html.hbs:3:53',
      'email-malformed-link mail/hello.html.hbs:4:13',
      'email-malformed-link mail/hello.html.hbs:4:37',
      'email-malformed-link mail/hello.html.hbs:4:62',
    ]);
    expect(d[0]!.message).toContain('is relative ("www.acme.test/pricing")');
    expect(d[1]!.message).toContain('placeholder');
    expect(d[2]!.message).toContain('contains a space');
    expect(d[3]!.message).toContain('template braces');
  });

  it('accepts https, mailto, tel and in-page anchors', async () => {
    const html = '<p><a href="https://acme.test/x?a=1&amp;b=2">x</a> <a href="mailto:sales@acme.test?subject=Hi">m</a> <a href="tel:+33123">t</a> <a href="#top">top</a></p>';
    expect(await lintFixture({ html })).toEqual([]);
  });
});

describe('email-http-link', () => {
  it('warns on http: links and images, written or coming from a variable', async () => {
    const d = await lintFixture({
      html: '<p><a href="http://acme.test/a">a</a></p>\n<p>Read <a href="{{vars.blog}}/post">the post</a>.</p>\n<img src="http://acme.test/logo.png" alt="Acme">',
      spec: '  tracking: { opens: true }\n  variables:\n    blog: http://blog.acme.test',
      text: 'a, read the post',
      long: true,
    });
    expect(where(d)).toEqual(['email-http-link mail/hello.html.hbs:1:13', 'email-http-link mail/hello.html.hbs:2:18', 'email-http-link mail/hello.html.hbs:3:11']);
    expect(d[1]!.message).toContain('http://blog.acme.test/post');
  });

  it('accepts https links, and relance\'s own links', async () => {
    expect(await lintFixture({ html: '<p><a href="https://acme.test/a">a</a> <a href="{{unsubscribeUrl}}">leave</a></p>' })).toEqual([]);
  });
});

describe('email-third-party-tracking', () => {
  it('warns on another provider\'s click tracking, a shortener, and a host that reads like a redirect tracker', async () => {
    const html = [
      '<a href="https://acme.us1.list-manage.com/track/click?u=1&id=2">a</a>',
      '<a href="https://bit.ly/3xYz">b</a>',
      '<a href="https://click.mailer.acme.test/ls/click?upn=aGVsbG8gd29ybGQgaGVsbG8gd29ybGQgaGVsbG8">c</a>',
      '<img src="https://u123.ct.sendgrid.net/wf/open?upn=x" alt="">',
    ].join('\n');
    const d = await lintFixture({ html, text: 'a b c', long: true });
    expect(where(d)).toEqual([1, 2, 3, 4].map((line) => `email-third-party-tracking mail/hello.html.hbs:${line}:${line === 4 ? 11 : 10}`));
    expect(d[0]!.message).toContain("Mailchimp's click tracking");
    expect(d[1]!.message).toContain('URL shortener bit.ly');
    expect(d[2]!.message).toContain('redirect tracker (click.mailer.acme.test)');
    expect(d[3]!.message).toContain('SendGrid');
  });

  it('accepts links straight to pages, tracked by relance itself', async () => {
    const html = '<p><a href="https://www.acme.test/pricing?plan=pro">pricing</a> <a href="https://links.acme.test/about">about</a></p>';
    expect(await lintFixture({ html, spec: '  tracking: { opens: true, clicks: true }' })).toEqual([]);
  });
});

describe('email-image-no-alt', () => {
  it('warns on an image without alt, at the tag', async () => {
    const d = await lintFixture({ html: `${P}<p>\n  <img src="https://acme.test/chart.png" width="600"></p>`, text: 'Hello {{firstName}}, here is our news.', long: true });
    expect(where(d)).toEqual(['email-image-no-alt mail/hello.html.hbs:3:3']);
    expect(d[0]!.message).toContain('https://acme.test/chart.png');
  });

  it('accepts alt text, and an empty alt for a decorative image', async () => {
    const text = 'Hello {{firstName}}, here is our news.';
    expect(await lintFixture({ html: `${P}<img src="https://acme.test/chart.png" alt="MRR up 12%"><img src="https://acme.test/line.png" alt="">`, text, long: true })).toEqual([]);
  });
});

describe('email-unresolved-variable', () => {
  it('warns where a field no sample contact has is printed', async () => {
    const d = await lintFixture({ html: '<p>Hi {{firstName}},</p>\n<p>How is {{company}} doing? {{upper contact.city}}</p>', subject: 'Hi', contacts: [{ ...bare, fields: { email: bare.email, firstName: 'Ana' } }] });
    expect(where(d)).toEqual(['email-unresolved-variable mail/hello.html.hbs:2:13', 'email-unresolved-variable mail/hello.html.hbs:2:38']);
    expect(d[0]!.message).toContain('{{company}} prints nothing');
  });

  it('keeps quiet when one sample contact has it, or the template guards it', async () => {
    const other: SampleContact = { id: 'c2', email: 'bo@acme.test', fields: { email: 'bo@acme.test', company: 'Bo & Co' } };
    expect(await lintFixture({ html: '<p>{{company}}</p>', subject: 'Hi', contacts: [bare, other] })).toEqual([]);
    expect(await lintFixture({ html: '<p>{{default company "your team"}} {{#if city}}in {{city}}{{/if}}</p>', subject: 'Hi', contacts: [bare] })).toEqual([]);
  });
});

describe('email-no-text-part', () => {
  it('warns when the derived text part loses images or a table layout', async () => {
    const d = await lintFixture({ html: `${P}<img src="https://acme.test/chart.png" alt="MRR up 12% this quarter">`, long: true });
    expect(where(d)).toEqual(['email-no-text-part mail/hello.html.hbs:1:1']);
    expect(d[0]!.message).toContain('mail/hello.txt.hbs');
    const layout = `<html><body><table><tr><td><table><tr><td>${P}</td></tr></table></td></tr></table></body></html>`;
    expect(where(await lintFixture({ html: layout }))).toEqual(['email-no-text-part mail/hello.html.hbs:1:1']);
  });

  it('keeps quiet for paragraphs and links, which convert well, or with a text part', async () => {
    expect(await lintFixture({ html: `${P}<p><a href="https://acme.test">Read more</a></p>` })).toEqual([]);
    expect(await lintFixture({ html: `${P}<img src="https://acme.test/c.png" alt="chart">`, text: 'Hello {{firstName}}, here is our news.', long: true })).toEqual([]);
  });
});

describe('email-text-differs', () => {
  it('warns when the text part says something else than the HTML', async () => {
    const d = await lintFixture({ html: '<p>Our spring webinar on runway forecasting starts Thursday at five.</p>', text: 'Thanks for downloading the pricing guide, we hope it helps your team decide.' });
    expect(where(d)).toEqual(['email-text-differs mail/hello.txt.hbs:1:1']);
    expect(d[0]!.message).toMatch(/shares only \d+% of its words/);
  });

  it('accepts a text part that says the same in plain words', async () => {
    const html = '<p>Our spring <strong>webinar</strong> on runway forecasting starts Thursday at five.</p><p><a href="https://acme.test/w">Save your seat</a></p>';
    expect(await lintFixture({ html, text: 'Our spring webinar on runway forecasting starts Thursday at five.\n\nSave your seat: https://acme.test/w' })).toEqual([]);
  });
});

describe('email-html-clipped', () => {
  it('warns past 102 KB of rendered HTML', async () => {
    const html = `<p>${words(14_000)}</p>`;
    expect(where(await lintFixture({ html }))).toEqual(['email-html-clipped mail/hello.html.hbs:1:1']);
    expect(await lintFixture({ html: `<p>${words(1_000)}</p>` })).toEqual([]);
  });
});

describe('email-image-only-html (SpamAssassin HTML_IMAGE_ONLY_*)', () => {
  it('explains the open pixel in a short email, at the scenario\'s tracking settings', async () => {
    const d = await lintFixture({ html: P, spec: '  language: en' });
    expect(where(d)).toEqual(['email-image-only-html t.yaml:6:3']);
    expect(d[0]!.message).toMatch(/short HTML \([\d,]+ characters\) whose only image is the open-tracking pixel/);
    expect(d[0]!.message).toMatch(/\+1\.381 \(HTML_IMAGE_ONLY_12\)/);
    expect(d[0]!.message).toContain('tracking: { opens: false }');
  });

  it('keeps quiet with no pixel, an explicit opens: true, or over 3,200 characters of HTML', async () => {
    expect(await lintFixture({ html: P, spec: '  tracking: { opens: false }' })).toEqual([]);
    expect(await lintFixture({ html: P, spec: '  tracking: { opens: true }' })).toEqual([]);
    expect(await lintFixture({ html: `<p>${words(400)}</p>`, spec: '  language: en' })).toEqual([]);
  });

  it('points at the template when the email has short HTML with images of its own', async () => {
    const d = await lintFixture({ html: `${P}<img src="https://acme.test/c.png" alt="chart">`, text: 'Hello {{firstName}}, here is our news.', spec: '  tracking: { opens: false }' });
    expect(where(d)).toEqual(['email-image-only-html mail/hello.html.hbs:1:1']);
  });
});
