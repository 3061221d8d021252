import { LineCounter, parseAllDocuments, type Document } from 'yaml';
import type { Diagnostic } from '../diagnostics/diagnostic.js';

/** Deeper than this is not a scenario: refuse it before anything recurses over it. */
export const MAX_DEPTH = 64;
/** Anchors and aliases are allowed, but a few of them must not expand into gigabytes. */
export const MAX_ALIAS_COUNT = 100;

export interface ParsedYaml {
  doc: Document.Parsed | undefined;
  lineCounter: LineCounter;
  value: unknown;
  diagnostics: Diagnostic[];
}

/**
 * Parses one YAML document with positions. Hostile input (alias bombs, deep nesting, duplicate
 * keys, custom tags, several documents) becomes a diagnostic, never an exception or a hang.
 */
export function parseYaml(text: string, file: string): ParsedYaml {
  const lineCounter = new LineCounter();
  const diagnostics: Diagnostic[] = [];
  const at = (offset: number, code: string, message: string): void => {
    const { line, col } = lineCounter.linePos(offset);
    diagnostics.push({ severity: 'error', code, message, file, line, column: col });
  };
  const fail = (): ParsedYaml => ({ doc: undefined, lineCounter, value: undefined, diagnostics });

  let docs: Document.Parsed[];
  try {
    docs = withPlainEnv(() => parseAllDocuments(text, { lineCounter, uniqueKeys: true, strict: true, prettyErrors: false, merge: false }) as Document.Parsed[]);
  } catch (err) {
    // The composer recurses per nesting level; a pathological file can exhaust the stack.
    at(0, 'yaml-syntax', describeCrash(err));
    return fail();
  }
  if (!Array.isArray(docs)) docs = [docs];
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
  return { doc, lineCounter, value, diagnostics };
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

/** True when `value` is nested deeper than `limit`; iterative, so it cannot overflow itself. */
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
