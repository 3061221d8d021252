import Handlebars from 'handlebars';
import { DateTime } from 'luxon';

/**
 * The Handlebars instance that renders emails at send time. It is a private instance
 * (`Handlebars.create()`), never the global one, so no other module can add or replace a helper
 * that every email would then run.
 *
 * The helper names are the ones `src/templates/context.ts` (HELPERS) lets templates use: a test
 * keeps the two lists in sync.
 */
export const handlebars = Handlebars.create();

/** relance's own helpers (Handlebars' built-ins `if`, `unless`, `each`, `with`, `lookup`, `log` come on top). */
export const RELANCE_HELPERS = ['default', 'upper', 'lower', 'capitalize', 'formatDate', 'eq', 'ne', 'gt', 'lt', 'and', 'or', 'not'] as const;

/**
 * Values the renderer passes to helpers through Handlebars' `@data` frame (not the template
 * context, so a contact field cannot shadow them).
 */
export interface RenderData {
  /** IANA zone `formatDate` shows dates in, unless the template names one. Default: UTC. */
  timeZone?: string;
  /** Locale `formatDate` uses for month and day names (the email's language). Default: `en`. */
  locale?: string;
}

/** `html` escapes `{{x}}` (HTML bodies); `plain` does not (subjects, text parts, headers). */
export type TemplateMode = 'html' | 'plain';

type HelperOptions = Handlebars.HelperOptions & { data?: RenderData & Record<string, unknown> };

function isOptions(value: unknown): value is HelperOptions {
  return typeof value === 'object' && value !== null && 'hash' in value && 'data' in value;
}

/** The arguments a helper was called with, without Handlebars' trailing options object. */
function split(args: unknown[]): { values: unknown[]; options: HelperOptions | undefined } {
  const last = args[args.length - 1];
  return isOptions(last) ? { values: args.slice(0, -1), options: last } : { values: args, options: undefined };
}

/** Handlebars' own idea of truth (`#if`): an empty list is false too. */
function truthy(value: unknown): boolean {
  return Array.isArray(value) ? value.length > 0 : Boolean(value);
}

function text(value: unknown): string {
  return value === null || value === undefined ? '' : String(value);
}

/** Predicates work inline, as sub-expressions (`{{#if (eq a b)}}`) and as blocks (`{{#eq a b}}…{{else}}…{{/eq}}`). */
function predicate(test: (values: unknown[]) => boolean) {
  return function (this: unknown, ...args: unknown[]): unknown {
    const { values, options } = split(args);
    const result = test(values);
    if (options && typeof options.fn === 'function') return result ? options.fn(this) : options.inverse(this);
    return result;
  };
}

/** Loose enough for CSV data ("5" equals 5), strict otherwise (no `null == undefined` surprises beyond that). */
function equal(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a === null || a === undefined || b === null || b === undefined) return false;
  if (a instanceof Date || b instanceof Date) return toMillis(a) === toMillis(b) && !Number.isNaN(toMillis(a));
  const ta = typeof a;
  const tb = typeof b;
  if ((ta === 'string' || ta === 'number' || ta === 'boolean') && (tb === 'string' || tb === 'number' || tb === 'boolean')) return String(a) === String(b);
  return false;
}

function toMillis(value: unknown): number {
  if (value instanceof Date) return value.getTime();
  return parseDate(value, 'utc')?.toMillis() ?? Number.NaN;
}

/** Numbers compare as numbers (CSV gives "42"), anything else as text. */
function compare(a: unknown, b: unknown): number | null {
  if (a === null || a === undefined || b === null || b === undefined) return null;
  const na = typeof a === 'number' ? a : typeof a === 'string' && a.trim() !== '' ? Number(a) : Number.NaN;
  const nb = typeof b === 'number' ? b : typeof b === 'string' && b.trim() !== '' ? Number(b) : Number.NaN;
  if (!Number.isNaN(na) && !Number.isNaN(nb)) return na - nb;
  const sa = String(a);
  const sb = String(b);
  return sa < sb ? -1 : sa > sb ? 1 : 0;
}

const zoneOk = new Map<string, boolean>();
/** Unknown zones fall back to UTC instead of printing "Invalid DateTime" to a customer. */
function validZone(zone: string | undefined): string {
  if (!zone) return 'utc';
  let ok = zoneOk.get(zone);
  if (ok === undefined) {
    ok = DateTime.now().setZone(zone).isValid;
    if (zoneOk.size < 1000) zoneOk.set(zone, ok);
  }
  return ok ? zone : 'utc';
}

/**
 * Reads a date the way contact data holds it: a Date, epoch milliseconds, a luxon DateTime, or
 * text — ISO 8601 (`2026-10-06`, `2026-10-06T14:00:00+02:00`), SQL (`2026-10-06 14:00`),
 * RFC 2822 or HTTP dates. Text without an offset is read in `zone`.
 */
export function parseDate(value: unknown, zone: string): DateTime | null {
  let dt: DateTime | null = null;
  if (DateTime.isDateTime(value)) dt = value;
  else if (value instanceof Date) dt = DateTime.fromJSDate(value, { zone });
  else if (typeof value === 'number' && Number.isFinite(value)) dt = DateTime.fromMillis(value, { zone });
  else if (typeof value === 'string' && value.trim() !== '') {
    const s = value.trim();
    const opts = { zone };
    dt = DateTime.fromISO(s, opts);
    if (!dt.isValid) dt = DateTime.fromSQL(s, opts);
    if (!dt.isValid) dt = DateTime.fromRFC2822(s, opts);
    if (!dt.isValid) dt = DateTime.fromHTTP(s, opts);
  }
  return dt && dt.isValid ? dt : null;
}

/**
 * `{{formatDate date "EEEE d MMMM yyyy, HH:mm"}}` with luxon format tokens. Optional third
 * argument or `zone=` hash: the IANA zone to show the date in; `locale=` for the language of month
 * and day names. Defaults come from the render (`@data`): the scenario's zone and the email's
 * language. An empty value renders as nothing; a value that is not a date renders as it is.
 */
function formatDate(...args: unknown[]): string {
  const { values, options } = split(args);
  const [value, format, zoneArg] = values;
  const hash = (options?.hash ?? {}) as Record<string, unknown>;
  const data = options?.data;
  const zone = validZone(typeof zoneArg === 'string' ? zoneArg : typeof hash.zone === 'string' ? hash.zone : data?.timeZone);
  const locale = typeof hash.locale === 'string' ? hash.locale : data?.locale ?? 'en';
  if (value === null || value === undefined || value === '') return '';
  const dt = parseDate(value, zone);
  if (!dt) return String(value);
  const shown = dt.setZone(zone).setLocale(locale);
  return shown.toFormat(typeof format === 'string' && format !== '' ? format : 'DDD');
}

const helpers: Record<(typeof RELANCE_HELPERS)[number], Handlebars.HelperDelegate> = {
  /** `{{default firstName "there"}}`: the first value that is not empty. */
  default: (...args: unknown[]) => {
    const { values } = split(args);
    for (const v of values) if (v !== null && v !== undefined && v !== '') return v;
    return '';
  },
  upper: (value: unknown) => text(isOptions(value) ? '' : value).toUpperCase(),
  lower: (value: unknown) => text(isOptions(value) ? '' : value).toLowerCase(),
  /** First letter up, the rest as it is (`mcDonald` stays `McDonald`). */
  capitalize: (value: unknown) => {
    const s = text(isOptions(value) ? '' : value);
    return s.charAt(0).toUpperCase() + s.slice(1);
  },
  formatDate,
  eq: predicate(([a, b]) => equal(a, b)),
  ne: predicate(([a, b]) => !equal(a, b)),
  gt: predicate(([a, b]) => (compare(a, b) ?? 0) > 0),
  lt: predicate(([a, b]) => (compare(a, b) ?? 0) < 0),
  and: predicate((values) => values.length > 0 && values.every(truthy)),
  or: predicate((values) => values.some(truthy)),
  not: predicate((values) => !truthy(values[0])),
};

for (const [name, fn] of Object.entries(helpers)) handlebars.registerHelper(name, fn);

const knownHelpers = Object.fromEntries(RELANCE_HELPERS.map((name) => [name, true])) as Record<string, true>;

/** A small least-recently-used map: a hit moves the entry to the end, the oldest goes first. */
export class LruCache<K, V> {
  private readonly map = new Map<K, V>();
  constructor(readonly max: number) {}
  get size(): number {
    return this.map.size;
  }
  get(key: K): V | undefined {
    const value = this.map.get(key);
    if (value !== undefined) {
      this.map.delete(key);
      this.map.set(key, value);
    }
    return value;
  }
  set(key: K, value: V): void {
    this.map.delete(key);
    this.map.set(key, value);
    if (this.map.size > this.max) this.map.delete(this.map.keys().next().value as K);
  }
  clear(): void {
    this.map.clear();
  }
}

export type CompiledTemplate = (context: unknown, data?: RenderData) => string;

/** Compiled templates, one per distinct source text and mode. */
const cache = { html: new LruCache<string, CompiledTemplate>(1000), plain: new LruCache<string, CompiledTemplate>(1000) };

/**
 * The compiled template for this source text, compiled once and cached (rendering runs for every
 * email sent; compiling is the expensive part). Handlebars compiles lazily: a syntax error is
 * thrown on the first render.
 */
export function compileTemplate(source: string, mode: TemplateMode = 'html'): CompiledTemplate {
  const entries = cache[mode];
  let compiled = entries.get(source);
  if (!compiled) {
    if (!source.includes('{{')) {
      const constant = source; // nothing to render: no need to run Handlebars at all
      compiled = () => constant;
    } else {
      const template = handlebars.compile(source, { noEscape: mode === 'plain', knownHelpers, strict: false });
      compiled = (context, data) => template(context, { data: data ?? {} });
    }
    entries.set(source, compiled);
  }
  return compiled;
}

/** Renders one template text against a context. */
export function renderTemplate(source: string, context: unknown, options: RenderData & { mode?: TemplateMode } = {}): string {
  const { mode, ...data } = options;
  return compileTemplate(source, mode ?? 'html')(context, data);
}

/** Empties the compiled-template cache (tests, or a long-running process after a big deploy). */
export function clearTemplateCache(): void {
  cache.html.clear();
  cache.plain.clear();
}

export function templateCacheSize(): number {
  return cache.html.size + cache.plain.size;
}

/** The same escaping Handlebars applies to `{{x}}` in HTML. */
export const escapeHtml: (value: string) => string = (value) => handlebars.Utils.escapeExpression(value);
