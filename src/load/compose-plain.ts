import { CST, Document, isScalar, type DocumentOptions, type ParseOptions, type SchemaOptions } from 'yaml';

/**
 * The options every scenario file is read with, shared by yaml's own composer and this one so
 * that both resolve scalars (`true`, `0x1f`, `~`…) from the very same schema.
 */
export const YAML_OPTIONS: ParseOptions & DocumentOptions & SchemaOptions = { uniqueKeys: true, strict: true, prettyErrors: false, merge: false };

/**
 * Builds the JavaScript value of a plain YAML file straight from yaml's CST, skipping yaml's
 * Document model, which costs as much as parsing itself and is only needed to point at a line.
 *
 * "Plain" is what scenario files are made of: one document whose root is a block map, block
 * maps and sequences, flow collections, scalars and comments. It follows yaml's composer check
 * for check and returns `undefined` at the first thing it does not vouch for: anchors, aliases,
 * tags, directives, `---`, explicit keys, tabs near indentation, non-string or duplicate keys,
 * `__proto__`, nesting deeper than `maxDepth` collections, and every error yaml would report.
 * The caller then asks yaml's own composer, which decides and explains. A differential test
 * (test/unit/load/compose-plain.test.ts) holds the two to the same values.
 */
export function composePlain(tokens: readonly CST.Token[], maxDepth: number): { value: Record<string, unknown> } | undefined {
  try {
    return { value: composeStream(tokens, maxDepth) };
  } catch (err) {
    if (err === UNSURE) return undefined;
    throw err;
  }
}

/** Thrown, never returned: the fast path only ever gives up as a whole. */
const UNSURE = Symbol('unsure');
function unsure(): never {
  throw UNSURE;
}

let schema: { tags: ScalarTag[]; options: object } | undefined;
interface ScalarTag {
  test: RegExp;
  resolve(source: string, onError: (message: string) => void, options: object): unknown;
}
/** yaml's own default scalar tags, in its order of precedence, and the options it passes them. */
function scalarSchema(): { tags: ScalarTag[]; options: object } {
  if (!schema) {
    const doc = new Document(undefined, YAML_OPTIONS);
    const tags = (doc.schema.tags as Array<{ default?: unknown; test?: RegExp; collection?: string; resolve?: unknown }>)
      .filter((tag) => tag.default === true && tag.test && !tag.collection) as ScalarTag[];
    schema = { tags, options: doc.options };
  }
  return schema;
}

function composeStream(tokens: readonly CST.Token[], maxDepth: number): Record<string, unknown> {
  let document: CST.Document | undefined;
  for (const token of tokens) {
    if (token.type === 'document' && !document) document = token;
    else if (token.type !== 'comment' && token.type !== 'newline' && token.type !== 'space') unsure();
  }
  if (!document) unsure();
  const { start, value, end } = document;
  // `---` (found) and anything else before the root are left to yaml.
  if (props(start, 'doc-start', false, true, document.offset).found || value?.type !== 'block-map') unsure();
  const root = blockMap(value, maxDepth);
  for (const token of end ?? []) if (token.type !== 'space' && token.type !== 'newline' && token.type !== 'comment') unsure();
  return root.value as Record<string, unknown>;
}

/** A composed node: its value and where yaml's node range ends (`range[2]`). */
interface Composed {
  value: unknown;
  end: number;
}

/**
 * `depth` counts the collections still allowed below this point: deep nesting is given up on
 * long before the stack could run out.
 */
function compose(token: CST.Token, depth: number): Composed {
  switch (token.type) {
    case 'scalar':
    case 'single-quoted-scalar':
    case 'double-quoted-scalar':
    case 'block-scalar':
      return scalar(token, false);
    case 'block-map':
      return blockMap(token, depth);
    case 'block-seq':
      return blockSeq(token, depth);
    case 'flow-collection':
      return flowCollection(token, depth);
    default:
      return unsure();
  }
}

function scalar(token: CST.FlowScalar | CST.BlockScalar, atKey: boolean): Composed {
  if (atKey && token.type === 'block-scalar') unsure();
  const resolved = CST.resolveAsScalar(token, true, unsure);
  if (!resolved) unsure();
  const end = resolved.range[2];
  if (token.type !== 'scalar') return { value: resolved.value, end };
  return { value: plainValue(resolved.value), end };
}

/**
 * What a plain scalar means (`true`, `3`, `~`, or a string), by yaml's own tags. The answer
 * depends on the text alone, and the same few hundred words recur across files: remembered.
 */
const plainValues = new Map<string, unknown>();
function plainValue(text: string): unknown {
  let value = plainValues.get(text);
  if (value === undefined && !plainValues.has(text)) {
    const { tags, options } = scalarSchema();
    const tag = tags.find((t) => t.test.test(text));
    value = tag ? tag.resolve(text, unsure, options) : text;
    if (isScalar(value)) value = value.value;
    if (plainValues.size >= 4096) plainValues.clear();
    plainValues.set(text, value);
  }
  return value;
}

/** Where yaml places a missing value (`key:` with nothing after it), which is `null`. */
function empty(offset: number, before: CST.SourceToken[] | undefined, p: Props): Composed {
  const position = emptyScalarPosition(offset, before);
  return { value: null, end: p.comment ? p.end : position };
}

function blockMap(map: CST.BlockMap, depth: number): Composed {
  if (depth <= 0) unsure();
  const out: Record<string, unknown> = {};
  let offset = map.offset;
  let commentEnd: number | null = null;
  for (const { start, key, sep, value } of map.items) {
    const keyProps = props(start, 'explicit-key-ind', false, true, offset);
    if (keyProps.found) unsure();
    if (!sep) {
      // A line holding only comments; anything else without a `:` is yaml's to report.
      if (key) unsure();
      commentEnd = keyProps.end;
      continue;
    }
    if (!key || !isFlowScalar(key) || key.indent !== map.indent || hasNewline(key)) unsure();
    const name = mapKey(key, out);
    const valueProps = props(sep, 'map-value-ind', false, false, name.end);
    const found = valueProps.found;
    if (!found) unsure();
    if (value?.type === 'block-map' && !valueProps.hasNewline) unsure();
    if (keyProps.end < found.offset - 1024) unsure();
    const node = value ? compose(value, depth - 1) : empty(valueProps.end, sep, valueProps);
    out[name.value] = node.value;
    offset = node.end;
  }
  if (commentEnd && commentEnd < offset) unsure();
  return { value: out, end: commentEnd ?? offset };
}

function blockSeq(seq: CST.BlockSequence, depth: number): Composed {
  if (depth <= 0) unsure();
  const out: unknown[] = [];
  let offset = seq.offset;
  let commentEnd: number | null = null;
  for (const { start, value } of seq.items) {
    const p = props(start, 'seq-item-ind', false, true, offset);
    if (!p.found) {
      if (value) unsure();
      commentEnd = p.end;
      continue;
    }
    const node = value ? compose(value, depth - 1) : empty(p.end, start, p);
    out.push(node.value);
    offset = node.end;
  }
  return { value: out, end: commentEnd ?? offset };
}

function flowCollection(fc: CST.FlowCollection, depth: number): Composed {
  if (depth <= 0) unsure();
  const isMap = fc.start.source === '{';
  const out: Record<string, unknown> | unknown[] = isMap ? {} : [];
  let offset = fc.offset + fc.start.source.length;
  fc.items.forEach(({ start, key, sep, value }, i) => {
    const p = props(start, 'explicit-key-ind', true, false, offset);
    if (p.found) unsure();
    if (!sep && !value) {
      // Only a trailing comma may leave an item empty: `[a, b, ]`.
      if (key || (i === 0 && p.comma) || i < fc.items.length - 1) unsure();
      offset = p.end;
      return;
    }
    if (i === 0 ? p.comma : !p.comma) unsure();
    if (!isMap) {
      // `[a: b]` pairs inside a sequence are left to yaml.
      if (sep || key || !value || isBlock(value)) unsure();
      const node = compose(value, depth - 1);
      (out as unknown[]).push(node.value);
      offset = node.end;
      return;
    }
    if (!key || !isFlowScalar(key) || hasNewline(key)) unsure();
    const name = mapKey(key, out as Record<string, unknown>);
    const valueProps = props(sep ?? [], 'map-value-ind', true, false, name.end);
    if (!valueProps.found || (value && isBlock(value))) unsure();
    const node = value ? compose(value, depth - 1) : empty(valueProps.end, sep, valueProps);
    (out as Record<string, unknown>)[name.value] = node.value;
    offset = node.end;
  });
  const [close, ...rest] = fc.end;
  if (close?.source !== (isMap ? '}' : ']')) unsure();
  const closeEnd = close.offset + close.source.length;
  return { value: out, end: rest.length > 0 ? tokensEnd(rest, closeEnd) : closeEnd };
}

/** A map key, which must be a new string: numbers, duplicates and `__proto__` go to yaml. */
function mapKey(key: CST.FlowScalar, map: Record<string, unknown>): { value: string; end: number } {
  const { value, end } = scalar(key, true);
  if (typeof value !== 'string' || value === '__proto__' || Object.hasOwn(map, value)) unsure();
  return { value, end };
}

interface Props {
  found: CST.SourceToken | null;
  comma: boolean;
  comment: boolean;
  hasNewline: boolean;
  /** Where the tokens end (yaml's `props.end`). */
  end: number;
}

/**
 * yaml's `resolveProps` without anchors and tags: the space, comments and one indicator before
 * a node. Tabs are refused outright (yaml refuses them as indentation and only sometimes allows
 * them elsewhere), and so is a comment glued to what precedes it.
 */
function props(tokens: readonly CST.SourceToken[], indicator: CST.SourceToken['type'], flow: boolean, startOnNewline: boolean, offset: number): Props {
  let hasSpace = startOnNewline;
  let hasNewline = false;
  let comment = false;
  let comma = false;
  let found: CST.SourceToken | null = null;
  for (const token of tokens) {
    switch (token.type) {
      case 'space':
        if (token.source.includes('\t')) unsure();
        hasSpace = true;
        break;
      case 'comment':
        if (!hasSpace) unsure();
        comment = true;
        break;
      case 'newline':
        hasNewline = true;
        hasSpace = true;
        break;
      case 'comma':
        if (!flow || comma) unsure();
        comma = true;
        hasSpace = false;
        break;
      default:
        if (token.type !== indicator || found) unsure();
        found = token;
        hasSpace = false;
    }
  }
  const last = tokens[tokens.length - 1];
  return { found, comma, comment, hasNewline, end: last ? last.offset + last.source.length : offset };
}

/** yaml's `resolveEnd` after a flow collection: only space, newlines and spaced comments. */
function tokensEnd(tokens: readonly CST.SourceToken[], offset: number): number {
  let hasSpace = false;
  for (const token of tokens) {
    if (token.type === 'space' || token.type === 'newline') hasSpace = true;
    else if (token.type !== 'comment' || !hasSpace) unsure();
    offset += token.source.length;
  }
  return offset;
}

/** yaml's `emptyScalarPosition`: right after the last token that is not space or a comment. */
function emptyScalarPosition(offset: number, before: readonly CST.SourceToken[] | undefined): number {
  if (!before) return offset;
  for (let i = before.length - 1; i >= 0; --i) {
    let token = before[i]!;
    if (token.type === 'space' || token.type === 'comment' || token.type === 'newline') {
      offset -= token.source.length;
      continue;
    }
    token = before[++i]!;
    while (token?.type === 'space') {
      offset += token.source.length;
      token = before[++i]!;
    }
    break;
  }
  return offset;
}

function isFlowScalar(token: CST.Token): token is CST.FlowScalar {
  return token.type === 'scalar' || token.type === 'single-quoted-scalar' || token.type === 'double-quoted-scalar';
}

function isBlock(token: CST.Token): boolean {
  return token.type === 'block-map' || token.type === 'block-seq';
}

function hasNewline(key: CST.FlowScalar): boolean {
  return key.source.includes('\n') || (key.end?.some((t) => t.type === 'newline') ?? false);
}
