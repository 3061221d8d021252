import { Composer, LineCounter, Parser, parseAllDocuments, type CST, type Document } from 'yaml';
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import { composePlain, YAML_OPTIONS } from './compose-plain.js';
import { locate, type Located } from './locate.js';

/** Deeper than this is not a scenario: refuse it before anything recurses over it. */
export const MAX_DEPTH = 64;
/** Anchors and aliases are allowed, but a few of them must not expand into gigabytes. */
export const MAX_ALIAS_COUNT = 100;

/** Points from a path in the parsed value back to the source, for diagnostics. */
export interface YamlSource {
  /** With `key`, points at the property's key rather than its value. */
  locate(path: readonly string[], key?: boolean): Located;
}

export interface ParsedYaml {
  /** Present when the file was read without a diagnostic. */
  source: YamlSource | undefined;
  value: unknown;
  diagnostics: Diagnostic[];
}

/**
 * Parses one YAML document. Hostile input (alias bombs, deep nesting, duplicate keys, custom
 * tags, several documents) becomes a diagnostic, never an exception or a hang.
 *
 * A plain file (nearly all of them) is composed straight from yaml's CST, and yaml's Document,
 * which only serves to point at lines, is built later if a diagnostic needs one. Anything else
 * goes through yaml's composer, which reports what is wrong.
 */
export function parseYaml(text: string, file: string): ParsedYaml {
  const tokens = withPlainEnv(() => Array.from(new Parser().parse(text)));
  const plain = composePlain(tokens, MAX_DEPTH);
  if (plain) return { source: lazySource(text), value: plain.value, diagnostics: [] };
  const lineCounter = lineCounterOf(text);
  // Refused before anything recurses over it: deep enough, recursion ends in a stack overflow,
  // and V8 may abort the whole process rather than throw if that happens while compiling a RegExp.
  const deep = firstTooDeep(tokens, MAX_DEPTH);
  if (deep !== undefined) {
    const { line, col } = lineCounter.linePos(deep);
    return { source: undefined, value: undefined, diagnostics: [{ severity: 'error', code: 'too-deep', message: `the file nests values more than ${MAX_DEPTH} levels deep`, file, line, column: col }] };
  }
  return composeDocument(tokens, lineCounter, file);
}

/** The line starts the parser would have recorded, for the few files that need positions. */
function lineCounterOf(text: string): LineCounter {
  const lineCounter = new LineCounter();
  lineCounter.addNewLine(0);
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) lineCounter.addNewLine(i + 1);
  return lineCounter;
}

/** The whole of yaml: its Document, with its errors and warnings turned into diagnostics. */
function composeDocument(tokens: readonly CST.Token[], lineCounter: LineCounter, file: string): ParsedYaml {
  const diagnostics: Diagnostic[] = [];
  const at = (offset: number, code: string, message: string): void => {
    const { line, col } = lineCounter.linePos(offset);
    diagnostics.push({ severity: 'error', code, message, file, line, column: col });
  };
  const fail = (): ParsedYaml => ({ source: undefined, value: undefined, diagnostics });

  let docs: Document.Parsed[];
  try {
    docs = withPlainEnv(() => Array.from(new Composer(YAML_OPTIONS).compose(tokens)) as Document.Parsed[]);
  } catch (err) {
    at(0, 'yaml-syntax', describeCrash(err));
    return fail();
  }
  if (docs.length === 0) {
    at(0, 'empty-file', 'the file is empty: a scenario starts with `apiVersion: relance/v1`');
    return fail();
  }
  const doc = docs[0]!;
  if (docs.length > 1) {
    at(docs[1]!.range[0], 'multiple-documents', 'one scenario per file: move this second document (after `---`) to a file of its own');
  }
  for (const error of doc.errors) {
    at(error.pos[0], error.code === 'DUPLICATE_KEY' ? 'duplicate-key' : 'yaml-syntax', yamlMessage(error.code, error.message));
  }
  for (const warning of doc.warnings) {
    // An unknown tag (`!!js/function`, `!include`) would silently become a string: refuse it.
    at(warning.pos[0], warning.code === 'TAG_RESOLVE_FAILED' ? 'yaml-tag' : 'yaml-syntax', yamlMessage(warning.code, warning.message));
  }
  if (diagnostics.length > 0) return fail();

  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (err) {
    const message = err instanceof ReferenceError && /alias/i.test(err.message)
      ? `too many aliases (*anchor references): at most ${MAX_ALIAS_COUNT} are allowed`
      : describeCrash(err);
    at(0, 'yaml-alias', message);
    return fail();
  }
  if (value === null || value === undefined) {
    at(0, 'empty-file', 'the file is empty: a scenario starts with `apiVersion: relance/v1`');
    return fail();
  }
  const depth = depthBeyond(value, MAX_DEPTH);
  if (depth) {
    at(0, 'too-deep', `the file nests values more than ${MAX_DEPTH} levels deep`);
    return fail();
  }
  return { source: documentSource(doc, lineCounter), value, diagnostics };
}

function documentSource(doc: Document, lineCounter: LineCounter): YamlSource {
  return { locate: (path, key = false) => locate(doc, lineCounter, path, key) };
}

/** Parses the Document the first time a position is asked for: valid files never need it. */
function lazySource(text: string): YamlSource {
  let source: YamlSource | undefined;
  return {
    locate(path, key = false) {
      if (!source) {
        const lineCounter = new LineCounter();
        const doc = withPlainEnv(() => parseAllDocuments(text, { ...YAML_OPTIONS, lineCounter }) as Document.Parsed[])[0]!;
        source = documentSource(doc, lineCounter);
      }
      return source.locate(path, key);
    },
  };
}

/**
 * The yaml library reads `process.env.LOG_TOKENS` once per token, and Node's `process.env` is a
 * native interceptor that calls getenv on every read: 40% of the parse time of a scenario file.
 * Parsing is synchronous, so swapping in a plain copy for its duration is invisible to other code.
 */
let plainEnv: NodeJS.ProcessEnv | undefined;
function withPlainEnv<T>(parse: () => T): T {
  const real = process.env;
  plainEnv ??= { ...real };
  process.env = plainEnv;
  try {
    return parse();
  } finally {
    process.env = real;
  }
}

function yamlMessage(code: string, message: string): string {
  // The yaml library's messages are precise but end with a source excerpt we already locate.
  const first = message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
  if (code === 'DUPLICATE_KEY') return `this key appears twice in the same map (${first})`;
  if (code === 'TAG_RESOLVE_FAILED') return `custom YAML tags are not allowed (${first})`;
  return first;
}

function describeCrash(err: unknown): string {
  if (err instanceof RangeError) return 'the file nests brackets or indentation too deeply to be read';
  return `the file cannot be read as YAML: ${err instanceof Error ? err.message : String(err)}`;
}

/** Where the first collection nested `limit` levels deep starts; iterative, like the parser. */
function firstTooDeep(tokens: readonly CST.Token[], limit: number): number | undefined {
  const stack: Array<[CST.Token, number]> = tokens.map((token) => [token, 0]);
  while (stack.length > 0) {
    const [token, depth] = stack.pop()!;
    if (token.type === 'document') {
      if (token.value) stack.push([token.value, depth]);
    } else if (token.type === 'block-map' || token.type === 'block-seq' || token.type === 'flow-collection') {
      if (depth >= limit) return token.offset;
      for (const item of token.items) {
        if ('key' in item && item.key) stack.push([item.key, depth + 1]);
        if (item.value) stack.push([item.value, depth + 1]);
      }
    }
  }
  return undefined;
}

/** True when `value` is nested deeper than `limit` (aliases can nest it); iterative. */
function depthBeyond(value: unknown, limit: number): boolean {
  const stack: Array<[unknown, number]> = [[value, 0]];
  while (stack.length > 0) {
    const [node, depth] = stack.pop()!;
    if (node === null || typeof node !== 'object') continue;
    if (depth >= limit) return true;
    for (const child of Object.values(node)) stack.push([child, depth + 1]);
  }
  return false;
}
