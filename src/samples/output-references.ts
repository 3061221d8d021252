import { createRequire } from 'node:module';
import type HandlebarsModule from 'handlebars';
import { BUILTIN_VARIABLES } from '../templates/context.js';

/** A name whose value a template prints: were it missing, the email would show nothing there. */
export interface OutputReference {
  /** The contact field it reads: `company` for `{{company}}` and `{{contact.company}}`. */
  name: string;
  /** As written, `contact.company`. */
  path: string;
  line: number;
  column: number;
}

/** Helpers that print their argument (empty in, empty out); `default` and the predicates do not. */
const PRINTING_HELPERS = new Set(['upper', 'lower', 'capitalize', 'formatDate']);
/** Names the renderer provides whatever the contact holds. */
const PROVIDED = new Set([...BUILTIN_VARIABLES.filter((n) => n !== 'contact' && n !== 'formUrl'), 'email']);

type Node = hbs.AST.Node & { loc?: hbs.AST.SourceLocation };

const cache = new Map<string, OutputReference[]>();

/**
 * The contact fields a template prints: `{{x}}` and `{{upper x}}`, not `{{default x "…"}}`, and
 * not inside `{{#if x}}` (a guarded value is the author's choice). Inside `#each`/`#with` names
 * belong to the inner value and are left out. A template that does not parse has none (validation
 * reports it). Cached per text: many emails share their templates.
 */
export function outputReferences(text: string): OutputReference[] {
  if (!text.includes('{{')) return [];
  let refs = cache.get(text);
  if (!refs) {
    refs = [];
    try {
      walk(handlebars().parseWithoutProcessing(text), new Set(), refs);
    } catch {
      refs = [];
    }
    if (cache.size > 2000) cache.clear();
    cache.set(text, refs);
  }
  return refs;
}

function walk(program: hbs.AST.Program | undefined, guarded: ReadonlySet<string>, out: OutputReference[]): void {
  for (const statement of program?.body ?? []) {
    const node = statement as Node;
    if (node.type === 'MustacheStatement') {
      const m = node as hbs.AST.MustacheStatement;
      const head = pathOf(m.path as Node);
      if (m.params.length === 0 && !m.hash) add(m.path as Node, guarded, out);
      else if (head && PRINTING_HELPERS.has(head) && m.params[0]) add(m.params[0] as Node, guarded, out);
    } else if (node.type === 'BlockStatement') {
      const b = node as hbs.AST.BlockStatement;
      const name = pathOf(b.path as Node);
      if (name === 'each' || name === 'with') {
        walk(b.inverse, guarded, out);
        continue;
      }
      const tested = b.params.map((p) => pathOf(p as Node)).filter((p): p is string => p !== undefined);
      const inner = tested.length > 0 ? new Set([...guarded, ...tested, ...tested.map(fieldName)]) : guarded;
      walk(b.program, inner, out);
      walk(b.inverse, inner, out);
    }
  }
}

function pathOf(node: Node): string | undefined {
  if (node.type !== 'PathExpression') return undefined;
  const p = node as hbs.AST.PathExpression;
  return p.data || p.depth > 0 || p.parts.length === 0 ? undefined : p.parts.join('.');
}

function fieldName(path: string): string {
  const parts = path.split('.');
  return parts[0] === 'contact' && parts[1] ? parts[1] : parts[0]!;
}

function add(node: Node, guarded: ReadonlySet<string>, out: OutputReference[]): void {
  const path = pathOf(node);
  if (!path || path.startsWith('vars.') || path === 'vars') return;
  const name = fieldName(path);
  if (path === 'contact' || PROVIDED.has(name) || (path.startsWith('contact.') && name === 'id')) return;
  if (!path.startsWith('contact.') && PROVIDED.has(path.split('.')[0]!)) return;
  if (guarded.has(path) || guarded.has(name)) return;
  out.push({ name, path, line: node.loc?.start.line ?? 1, column: (node.loc?.start.column ?? 0) + 1 });
}

/** Whether a contact gives a field a value that prints as something. */
export function provides(fields: Record<string, unknown>, name: string, formUrl: boolean): boolean {
  if (name === 'formUrl') return formUrl;
  const value = Object.hasOwn(fields, name) ? fields[name] : undefined;
  return value !== undefined && value !== null && value !== '' && !(Array.isArray(value) && value.length === 0);
}

let loaded: typeof HandlebarsModule | undefined;
function handlebars(): typeof HandlebarsModule {
  loaded ??= createRequire(import.meta.url)('handlebars') as typeof HandlebarsModule;
  return loaded;
}
