import Handlebars from 'handlebars';
import { describe, expect, it } from 'vitest';
import { clearTemplateCache, compileTemplate, handlebars, LruCache, RELANCE_HELPERS, renderTemplate, templateCacheSize } from '../../../src/delivery/helpers.js';
import { HELPERS } from '../../../src/templates/context.js';

const r = (source: string, context: unknown = {}, data: { timeZone?: string; locale?: string } = {}) => renderTemplate(source, context, data);

describe('handlebars instance', () => {
  it('registers exactly the helpers templates may use (src/templates/context.ts)', () => {
    const builtIn = ['if', 'unless', 'each', 'with', 'lookup', 'log'];
    expect([...builtIn, ...RELANCE_HELPERS].sort()).toEqual([...HELPERS].sort());
    for (const name of HELPERS) expect(handlebars.helpers[name], name).toBeTypeOf('function');
  });

  it('is private: the global Handlebars has none of relance helpers', () => {
    expect(handlebars).not.toBe(Handlebars);
    expect(Handlebars.helpers.formatDate).toBeUndefined();
  });
});

describe('helpers', () => {
  it('default picks the first non-empty value', () => {
    expect(r('{{default firstName "there"}}', { firstName: '' })).toBe('there');
    expect(r('{{default firstName "there"}}', { firstName: 'Jane' })).toBe('Jane');
    expect(r('{{default venue session "TBA"}}', { session: 'Paris' })).toBe('Paris');
    expect(r('{{default score 10}}', { score: 0 })).toBe('0');
  });

  it('upper, lower, capitalize', () => {
    expect(r('{{upper x}}|{{lower x}}|{{capitalize y}}', { x: 'Élan Vital', y: 'mcDonald' })).toBe('ÉLAN VITAL|élan vital|McDonald');
    expect(r('{{upper missing}}{{capitalize missing}}')).toBe('');
  });

  it('formatDate uses luxon tokens, the zone and locale of the render, or explicit ones', () => {
    const ctx = { d: '2026-10-06T12:00:00Z' };
    expect(r('{{formatDate d "EEEE d MMMM yyyy, HH:mm"}}', ctx)).toBe('Tuesday 6 October 2026, 12:00');
    expect(r('{{formatDate d "EEEE d MMMM yyyy, HH:mm"}}', ctx, { timeZone: 'Europe/Paris', locale: 'fr' })).toBe('mardi 6 octobre 2026, 14:00');
    expect(r('{{formatDate d "HH:mm" "America/New_York"}}', ctx, { timeZone: 'Europe/Paris' })).toBe('08:00');
    expect(r('{{formatDate d "HH:mm ZZZZ" zone="Asia/Tokyo"}}', ctx)).toBe('21:00 GMT+9');
    expect(r('{{formatDate d "EEEE" locale="de"}}', ctx)).toBe('Dienstag');
  });

  it('formatDate reads dates as contacts hold them', () => {
    const f = (d: unknown) => r('{{formatDate d "yyyy-MM-dd HH:mm"}}', { d }, { timeZone: 'Europe/Paris' });
    expect(f('2026-10-06')).toBe('2026-10-06 00:00'); // no offset: in the render zone
    expect(f('2026-10-06 09:30')).toBe('2026-10-06 09:30'); // SQL-ish
    expect(f('2026-10-06T09:30:00+02:00')).toBe('2026-10-06 09:30');
    expect(f(new Date('2026-10-06T07:30:00Z'))).toBe('2026-10-06 09:30');
    expect(f(Date.UTC(2026, 9, 6, 7, 30))).toBe('2026-10-06 09:30');
    expect(f('')).toBe('');
    expect(f(undefined)).toBe('');
    expect(f('next tuesday')).toBe('next tuesday'); // not a date: shown as it is
    expect(r('{{formatDate d}}', { d: '2026-10-06' })).toBe('October 6, 2026'); // default format DDD
  });

  it('formatDate falls back to UTC for an unknown zone instead of printing Invalid DateTime', () => {
    expect(r('{{formatDate d "HH:mm"}}', { d: '2026-10-06T12:00:00Z' }, { timeZone: 'Mars/Olympus' })).toBe('12:00');
  });

  it('eq, ne, gt, lt compare CSV text and numbers sensibly', () => {
    expect(r('{{#if (eq score 5)}}y{{else}}n{{/if}}', { score: '5' })).toBe('y');
    expect(r('{{#if (eq language "fr")}}y{{else}}n{{/if}}', { language: 'en' })).toBe('n');
    expect(r('{{#if (ne language "fr")}}y{{else}}n{{/if}}', { language: 'en' })).toBe('y');
    expect(r('{{#if (gt score 10)}}y{{else}}n{{/if}}', { score: '9' })).toBe('n'); // 9 < 10 as numbers, not as text
    expect(r('{{#if (lt score 10)}}y{{else}}n{{/if}}', { score: '9' })).toBe('y');
    expect(r('{{#if (gt missing 1)}}y{{else}}n{{/if}}', {})).toBe('n');
    expect(r('{{#if (eq missing null)}}y{{else}}n{{/if}}', {})).toBe('n');
  });

  it('and, or, not (inline and as blocks)', () => {
    const ctx = { a: true, b: 'x', z: '', list: [] };
    expect(r('{{#if (and a b)}}y{{else}}n{{/if}}', ctx)).toBe('y');
    expect(r('{{#if (and a z)}}y{{else}}n{{/if}}', ctx)).toBe('n');
    expect(r('{{#if (or z list b)}}y{{else}}n{{/if}}', ctx)).toBe('y');
    expect(r('{{#if (or z list)}}y{{else}}n{{/if}}', ctx)).toBe('n');
    expect(r('{{#if (not z)}}y{{else}}n{{/if}}', ctx)).toBe('y');
    expect(r('{{#eq b "x"}}same{{else}}different{{/eq}}', ctx)).toBe('same');
    expect(r('{{#and a z}}both{{else}}not both{{/and}}', ctx)).toBe('not both');
  });

  it('escapes in HTML mode only', () => {
    expect(renderTemplate('{{x}}', { x: '<b>&"' }, { mode: 'html' })).toBe('&lt;b&gt;&amp;&quot;');
    expect(renderTemplate('{{x}}', { x: '<b>&"' }, { mode: 'plain' })).toBe('<b>&"');
  });

  it('does not reach prototype properties from templates', () => {
    expect(r('{{constructor.name}}|{{x.__proto__.polluted}}', { x: {} })).toBe('|');
  });
});

describe('template cache', () => {
  it('compiles each distinct source once per mode', () => {
    clearTemplateCache();
    const a = compileTemplate('Hi {{firstName}}');
    expect(compileTemplate('Hi {{firstName}}')).toBe(a);
    expect(compileTemplate('Hi {{firstName}}', 'plain')).not.toBe(a);
    expect(templateCacheSize()).toBe(2);
  });

  it('is bounded, dropping the least recently used entry', () => {
    const lru = new LruCache<string, number>(2);
    lru.set('a', 1);
    lru.set('b', 2);
    lru.get('a');
    lru.set('c', 3);
    expect(lru.get('b')).toBeUndefined();
    expect(lru.get('a')).toBe(1);
    expect(lru.size).toBe(2);
  });

  it('keeps at most 1,000 templates per mode', () => {
    clearTemplateCache();
    for (let i = 0; i < 1200; i++) compileTemplate(`{{x}} ${i}`);
    expect(templateCacheSize()).toBe(1000);
  });
});
