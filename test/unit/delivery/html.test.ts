import { describe, expect, it } from 'vitest';
import { decodeEntities, htmlToText, insertBeforeBodyEnd, rewriteLinks } from '../../../src/delivery/html.js';

describe('htmlToText', () => {
  it('turns paragraphs, breaks, lists and links into readable text', () => {
    const html = `<style>p{color:red}</style><!-- hidden --><h2>Agenda</h2>
      <p>Hello   Jane,<br>see
      <a href="https://acme.example/a?x=1&amp;y=2">the agenda</a> or <a href="https://acme.example/b">https://acme.example/b</a>.</p>
      <ol><li>First</li><li><strong>Second</strong></li></ol>
      <p>Write to <a href="mailto:hi@acme.example">us</a> &mdash; caf&eacute; &#233; &#x3D; &nbsp;ok</p>
      <table><tr><td>Where</td><td>Paris</td></tr><tr><td>When</td><td>Tomorrow</td></tr></table>`;
    expect(htmlToText(html)).toBe(
      'Agenda\n\nHello Jane,\nsee the agenda (https://acme.example/a?x=1&y=2) or https://acme.example/b.\n\n- First\n- Second\n\nWrite to us (hi@acme.example) — café é = ok\n\nWhere Paris\nWhen Tomorrow',
    );
  });
});

describe('decodeEntities', () => {
  it('decodes Handlebars escapes, named and numeric entities, leaves unknown ones', () => {
    expect(decodeEntities('&lt;a&gt; &amp; &quot;x&quot; &#x27; &#x60; &#x3D; &unknown; &#0; &#xD800;')).toBe('<a> & "x" \' ` = &unknown; &#0; &#xD800;');
  });
});

describe('rewriteLinks', () => {
  it('rewrites quoted and unquoted hrefs, keeps other attributes, escapes the new URL', () => {
    const out = rewriteLinks('<a class="btn" href="https://a.example/?q=1&amp;r=2" target="_blank">x</a><A HREF=https://b.example>y</A><a name="top">t</a>', (url) => `https://t.example/c?u=${encodeURIComponent(url)}&v=1`);
    expect(out).toBe('<a class="btn" href="https://t.example/c?u=https%3A%2F%2Fa.example%2F%3Fq%3D1%26r%3D2&amp;v=1" target="_blank">x</a><A HREF="https://t.example/c?u=https%3A%2F%2Fb.example&amp;v=1">y</A><a name="top">t</a>');
  });
  it('leaves links alone when asked', () => {
    const html = '<a href="https://a.example">x</a>';
    expect(rewriteLinks(html, () => null)).toBe(html);
  });
});

describe('insertBeforeBodyEnd', () => {
  it('inserts before </body> or appends', () => {
    expect(insertBeforeBodyEnd('<body>x</BODY >', '!')).toBe('<body>x!</BODY >');
    expect(insertBeforeBodyEnd('<p>x</p>', '!')).toBe('<p>x</p>!');
  });
});
