import type { Reference } from './references.js';

/**
 * The references of a template written only in the plain subset of Handlebars that emails use
 * (`{{path}}`, `{{helper arg "text" 3}}`, `{{#if x}}…{{else}}…{{/if}}`, `{{#each xs}}…{{/each}}`),
 * found with one linear scan instead of Handlebars' table-driven parser (about 100× faster).
 *
 * Returns `undefined` for anything outside that subset (triple braces, comments, partials,
 * whitespace control, hashes, sub-expressions, `@data`, `../`, escapes, unbalanced or mismatched
 * blocks, or anything malformed): the caller then asks Handlebars itself, which also produces the
 * real error messages. When it does return, Handlebars would accept the template and
 * `collectReferences` would give the same list; a property test holds the two together.
 */
export function quickReferences(text: string): Reference[] | undefined {
  const out: Reference[] = [];
  const blocks: Array<{ name: string; scope: number; inverse: boolean; outer: number }> = [];
  let scope = 0;
  let line = 1;
  let lineStart = 0;
  let seen = 0; // newlines are counted up to here
  const position = (offset: number): { line: number; column: number } => {
    for (let i = text.indexOf('\n', seen); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) {
      line++;
      lineStart = i + 1;
    }
    seen = Math.max(seen, offset);
    return { line, column: offset - lineStart + 1 };
  };

  for (let open = text.indexOf('{{'); open !== -1; open = text.indexOf('{{', open)) {
    if (open > 0 && text.charCodeAt(open - 1) === 92 /* \ */) return undefined;
    const close = text.indexOf('}}', open + 2);
    // `}}}` closes a triple-brace mustache for Handlebars, even after a plain `{{`.
    if (close === -1 || text.charCodeAt(close + 2) === 125 /* } */) return undefined;
    let body = open + 2;
    const sigil = text[body];
    if (sigil === '#' || sigil === '/') body++;
    else if (sigil !== undefined && !/[\sA-Za-z_]/.test(sigil)) return undefined;
    const tokens = tokenize(text, body, close);
    if (!tokens || tokens.length === 0) return undefined;
    const [head, ...params] = tokens;
    // `{{else…` opens an inverse chain for Handlebars' lexer whatever follows: `{{else-}}` is not a name.
    if (head!.kind !== 'path' || (head!.text.startsWith('else') && head!.text !== 'else')) return undefined;

    if (sigil === '/') {
      const top = blocks.pop();
      if (!top || params.length > 0 || head!.text !== top.name) return undefined;
      scope = top.outer;
    } else if (sigil !== '#' && head!.text === 'else') {
      const top = blocks.at(-1);
      if (!top || top.inverse || params.length > 0) return undefined;
      top.inverse = true;
      scope = top.outer;
    } else {
      if (head!.text === 'else') return undefined;
      const isCall = sigil === '#' || params.length > 0;
      add(out, head!, isCall, scope, position);
      for (const p of params) if (p.kind === 'path') add(out, p, false, scope, position);
      if (sigil === '#') {
        if (head!.text.includes('.')) return undefined;
        const inner = head!.text === 'each' || head!.text === 'with' ? scope + 1 : scope;
        blocks.push({ name: head!.text, scope: inner, inverse: false, outer: scope });
        scope = inner;
      }
    }
    open = close + 2;
  }
  return blocks.length === 0 ? out : undefined;
}

type Token = { kind: 'path' | 'literal'; text: string; offset: number };

const KEYWORDS = new Set(['true', 'false', 'null', 'undefined', 'this', 'as']);
const PATH = /^[A-Za-z_][A-Za-z0-9_-]*(?:\.[A-Za-z_][A-Za-z0-9_-]*)*$/;
const NUMBER = /^-?[0-9]+(?:\.[0-9]+)?$/;

/** Splits a mustache's inside into paths and literals; `undefined` for anything else. */
function tokenize(text: string, from: number, to: number): Token[] | undefined {
  const tokens: Token[] = [];
  let i = from;
  while (i < to) {
    const c = text.charCodeAt(i);
    if (c === 32 || c === 9 || c === 10 || c === 13) { i++; continue; }
    if (c === 34 /* " */) {
      const end = text.indexOf('"', i + 1);
      if (end === -1 || end >= to) return undefined;
      const inner = text.slice(i + 1, end);
      if (inner.includes('\\')) return undefined;
      tokens.push({ kind: 'literal', text: inner, offset: i });
      i = end + 1;
    } else {
      let end = i;
      while (end < to && !/\s/.test(text[end]!)) end++;
      const word = text.slice(i, end);
      if (NUMBER.test(word) || word === 'true' || word === 'false' || word === 'null' || word === 'undefined') {
        // A literal in head position means something else to Handlebars: leave it to Handlebars.
        if (tokens.length === 0) return undefined;
        tokens.push({ kind: 'literal', text: word, offset: i });
      } else {
        if (!PATH.test(word) || word.split('.').some((part) => KEYWORDS.has(part) || part === 'else')) {
          if (!(word === 'else' && tokens.length === 0)) return undefined;
        }
        tokens.push({ kind: 'path', text: word, offset: i });
      }
      i = end;
    }
    // Tokens are separated by whitespace; `"a"b` or `x"y"` are not in the subset.
    if (i < to && !/\s/.test(text[i]!)) return undefined;
  }
  return tokens;
}

function add(out: Reference[], token: Token, isCall: boolean, scope: number, position: (offset: number) => { line: number; column: number }): void {
  if (scope > 0) return; // inside #each / #with the names belong to the inner value
  const parts = token.text.split('.');
  out.push({ head: parts[0]!, path: token.text, helper: isCall && parts.length === 1, ...position(token.offset) });
}
