import { FOOTER_CLASS } from '../delivery/footer.js';
import { decodeEntities } from '../delivery/html.js';
import { PREHEADER_OPEN, type RenderedEmail } from '../delivery/render.js';

/** An `<a>` or `<img>` of an HTML template, with the URL it has in the rendered email. */
export interface EmailTag {
  name: 'a' | 'img';
  /** Where the tag starts in the template. */
  line: number;
  column: number;
  /** Attributes as written (lower-case names; `true` when written without a value). */
  written: Record<string, string | true>;
  /** `href` or `src` as the contact would get it (decoded, click tracking undone); absent when not known. */
  url?: string;
  /** Where that attribute's value starts in the template. */
  urlLine?: number;
  urlColumn?: number;
}

const TAG = /<(a|img)\b((?:[^>"']|"[^"]*"|'[^']*')*)>/gi;
const ATTRIBUTE = /([^\s=/>"']+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+)))?/g;

/**
 * The rendered HTML split in what the template wrote and what relance adds after it (footer,
 * open pixel, link-scanner trap). The hidden preheader relance puts first is left out of both.
 */
export function splitRendered(html: string): { body: string; footer: string } {
  let body = html;
  const pre = body.indexOf(PREHEADER_OPEN);
  if (pre !== -1) {
    const end = body.indexOf('</div>', pre);
    if (end !== -1) body = body.slice(0, pre) + body.slice(end + 6);
  }
  const mark = body.lastIndexOf(`class="${FOOTER_CLASS}"`);
  if (mark === -1) return { body, footer: '' };
  const start = body.lastIndexOf('<', mark);
  const close = /<\/body\s*>/i.exec(body.slice(start));
  const end = close ? start + close.index : body.length;
  return { body: body.slice(0, start) + body.slice(end), footer: body.slice(start, end) };
}

/**
 * The `<a>`/`<img>` tags of a template, each paired with the same tag in the rendered body: the
 * next rendered tag whose URL fits the written one (its literal parts in order, any text where
 * the template has `{{…}}`). Tags inside `{{#each}}` or a false `{{#if}}` may stay unpaired.
 */
export function emailTags(template: string, body: string, rendered: RenderedEmail, publicUrl: string): EmailTag[] {
  const lines = lineStarts(template);
  const masked = mask(template);
  const out: EmailTag[] = [];
  const renderedTags = scan(body, body).map((t) => ({ ...t, url: untracked(urlOf(t.name, t.values), rendered, publicUrl) }));
  let cursor = 0;
  for (const tag of scan(masked, template)) {
    const at = position(lines, tag.offset);
    const key = tag.name === 'a' ? 'href' : 'src';
    const written = tag.values[key];
    const entry: EmailTag = { name: tag.name, ...at, written: tag.values };
    if (typeof written === 'string') {
      const where = position(lines, tag.valueOffsets[key]!);
      entry.urlLine = where.line;
      entry.urlColumn = where.column;
      const pattern = urlPattern(written);
      const found = renderedTags.findIndex((r, i) => i >= cursor && r.name === tag.name && r.url !== undefined && pattern.test(r.url));
      if (found !== -1) {
        entry.url = renderedTags[found]!.url;
        cursor = found + 1;
      } else if (!written.includes('{{')) entry.url = decodeEntities(written).trim();
    }
    out.push(entry);
  }
  return out;
}

interface ScannedTag {
  name: 'a' | 'img';
  offset: number;
  values: Record<string, string | true>;
  valueOffsets: Record<string, number>;
}

/** Tags found in `structure` (mustaches masked), values read from `source` at the same offsets. */
function scan(structure: string, source: string): ScannedTag[] {
  const out: ScannedTag[] = [];
  for (const m of structure.matchAll(TAG)) {
    const attributesAt = m.index + 1 + m[1]!.length;
    const values: Record<string, string | true> = {};
    const valueOffsets: Record<string, number> = {};
    for (const a of m[2]!.matchAll(ATTRIBUTE)) {
      const name = a[1]!.toLowerCase();
      if (Object.hasOwn(values, name)) continue;
      const raw = a[2] ?? a[3] ?? a[4];
      if (raw === undefined) {
        values[name] = true;
        continue;
      }
      const quoted = a[2] !== undefined || a[3] !== undefined ? 1 : 0;
      const start = attributesAt + a.index + a[0].length - raw.length - quoted;
      values[name] = source.slice(start, start + raw.length);
      valueOffsets[name] = start;
    }
    out.push({ name: m[1]!.toLowerCase() as 'a' | 'img', offset: m.index, values, valueOffsets });
  }
  return out;
}

function urlOf(name: string, values: Record<string, string | true>): string | undefined {
  const v = values[name === 'a' ? 'href' : 'src'];
  return typeof v === 'string' ? decodeEntities(v).trim() : undefined;
}

/** A link rewritten for click tracking (`…/c/TOKEN/ID`) gives back its destination. */
function untracked(url: string | undefined, rendered: RenderedEmail, publicUrl: string): string | undefined {
  if (!url || !rendered.links || !url.startsWith(`${publicUrl}/c/`)) return url;
  return rendered.links.get(url.slice(url.lastIndexOf('/') + 1)) ?? url;
}

/** `{{vars.site}}/pricing?x={{code}}` → /^[\s\S]*?\/pricing\?x=[\s\S]*?$/ (on the decoded URL). */
function urlPattern(written: string): RegExp {
  const parts = written.split(/\{\{\{?[\s\S]*?\}\}\}?/);
  const literal = parts.map((p) => decodeEntities(p).replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  return new RegExp(`^\\s*${literal.join('[\\s\\S]*?')}\\s*$`);
}

/** Mustaches and comments blanked out (same length, line breaks kept): quotes inside them cannot cut a tag. */
function mask(text: string): string {
  const blank = (s: string) => s.replace(/[^\n]/g, ' ');
  return text.replace(/<!--[\s\S]*?-->/g, blank).replace(/\{\{!--[\s\S]*?--\}\}|\{\{\{?[\s\S]*?\}\}\}?/g, (s) => `{{${blank(s.slice(2, -2))}}}`);
}

function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return starts;
}

/** 1-based line and column of an offset. */
export function position(starts: number[], offset: number): { line: number; column: number } {
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid]! <= offset) lo = mid;
    else hi = mid - 1;
  }
  return { line: lo + 1, column: offset - starts[lo]! + 1 };
}
