import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, dirname } from 'node:path';
import type HandlebarsModule from 'handlebars';
import { quickReferences } from './quick-references.js';
import { collectReferences, type Reference } from './references.js';

export interface TemplateSource {
  path: string;
  text: string;
  /** The names the template reads (present when it parsed). */
  references?: Reference[];
  parseError?: { message: string; line: number; column: number };
}

/** Email template files end like this; `<base>.<lang>.html.hbs` is a language variant. */
export function templatePaths(base: string, language?: string): { html: string; text: string } {
  const stem = language ? `${base}.${language}` : base;
  return { html: `${stem}.html.hbs`, text: `${stem}.txt.hbs` };
}

/**
 * Reads and parses email templates once per process: many scenarios share the same files,
 * and validating a thousand of them must not parse each template a thousand times.
 */
export class TemplateStore {
  private readonly cache = new Map<string, TemplateSource | null>();

  exists(path: string): boolean {
    return this.get(path) !== null;
  }

  get(path: string): TemplateSource | null {
    let entry = this.cache.get(path);
    if (entry === undefined) {
      entry = readIfExists(path);
      this.cache.set(path, entry);
    }
    return entry;
  }
}

// Optional parts (.txt.hbs, language variants) are often absent: one directory listing answers
// all of a folder's "does it exist" questions without a failed open() each.
const listings = new Map<string, Set<string> | null>();

function readIfExists(path: string): TemplateSource | null {
  const dir = dirname(path);
  let names = listings.get(dir);
  if (names === undefined) {
    try {
      names = new Set(readdirSync(dir));
    } catch {
      names = null;
    }
    listings.set(dir, names);
  }
  if (!names?.has(basename(path))) return null;
  return parseSource(path, readFileSync(path, 'utf8'));
}

export function parseSource(path: string, text: string): TemplateSource {
  // Plain text with no mustache cannot hold a variable or a syntax error.
  if (!text.includes('{{')) return { path, text, references: [] };
  // Most emails use only plain mustaches and blocks: a linear scan reads those.
  const quick = quickReferences(text);
  if (quick) return { path, text, references: quick };
  try {
    // Only the names matter here, not whitespace control: the cheaper parse is enough.
    return { path, text, references: collectReferences(handlebars().parseWithoutProcessing(text)) };
  } catch (err) {
    return { path, text, parseError: parseErrorOf(err) };
  }
}

/** Handlebars is loaded the first time a template needs it, which many validations never do. */
let loaded: typeof HandlebarsModule | undefined;
function handlebars(): typeof HandlebarsModule {
  loaded ??= createRequire(import.meta.url)('handlebars') as typeof HandlebarsModule;
  return loaded;
}

function parseErrorOf(err: unknown): { message: string; line: number; column: number } {
  const e = err as { message?: string; lineNumber?: number; column?: number };
  const message = String(e.message ?? err).split('\n')[0]!.replace(/^Parse error on line \d+:?\s*/, '');
  const line = e.lineNumber ?? Number(/line (\d+)/.exec(String(e.message))?.[1] ?? 1);
  return { message: `template syntax error: ${message}`, line, column: (e.column ?? 0) + 1 };
}
