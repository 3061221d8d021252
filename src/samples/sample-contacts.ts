import { compileScenario } from '../compile/compile-scenario.js';
import type { StepGraph } from '../schema/compiled.js';
import type { Scenario } from '../schema/scenario.gen.js';
import { satisfy, syntheticContact } from '../synthetic/contacts.js';
import { seededRandom } from '../synthetic/random.js';
import { SAMPLE_NOW } from './defaults.js';

export { readSampleContacts } from './csv-contacts.js';

/** A contact to render emails for: generated from the scenario, or read from a CSV. */
export interface SampleContact {
  id: string;
  email: string;
  fields: Record<string, unknown>;
}

const DAY = 86_400_000;
const CITIES = ['Paris', 'Lyon', 'London', 'Amsterdam', 'Berlin', 'Madrid'];

/**
 * `count` plausible contacts for a scenario: they meet its entry (list segment or first trigger's
 * `when`), alternate between its segments `a` and `b` when it has them, hold a value for every
 * field a template may read (built-in and declared under `spec.fields`), and take turns over the
 * languages its emails exist in, so that every language variant gets rendered. Seeded by the
 * scenario's name: the same file gives the same contacts.
 */
export function sampleContacts(scenario: Scenario, count: number, graph?: StepGraph): SampleContact[] {
  const { spec } = scenario;
  const entry = satisfy(spec.entry.lists ? spec.entry.segment : spec.entry.triggers?.[0]?.when);
  const languages = sampleLanguages(scenario, graph);
  const rnd = seededRandom(seedOf(scenario.metadata.name));
  const out: SampleContact[] = [];
  for (let i = 0; i < count; i++) {
    const n = i + 1;
    const segment = spec.segments ? satisfy(i % 2 === 0 ? spec.segments.a : spec.segments.b) : {};
    const { email: wantedEmail, ...wanted } = { ...entry, ...segment };
    const fields = syntheticContact(n, `${scenario.metadata.name}.example`, rnd, {
      phone: `+33 1 23 45 67 ${String(10 + (n % 90)).padStart(2, '0')}`,
      city: CITIES[i % CITIES.length],
      createdAt: new Date(SAMPLE_NOW.getTime() - (90 + n) * DAY).toISOString(),
      ...declaredFields(scenario, i),
      language: languages[i % languages.length],
      ...wanted,
    });
    const email = entryEmail(wantedEmail, n) ?? String(fields.email);
    out.push({ id: `sample-${n}`, email, fields: { ...fields, email } });
  }
  return out;
}

/** The scenario's language first, then every language an email has a variant in. */
export function sampleLanguages(scenario: Scenario, compiled?: StepGraph): string[] {
  const languages = new Set([scenario.spec.language ?? 'en']);
  const graph = compiled ?? compileScenario(scenario);
  for (const id of graph?.order ?? []) {
    const step = graph!.steps[id]!.step;
    if (step.type === 'email') for (const key of Object.keys(step.languages ?? {})) languages.add(key);
  }
  return [...languages];
}

/** A value for each field the scenario declares, by type; a select of its form gives its choices. */
function declaredFields(scenario: Scenario, i: number): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const choices = new Map((scenario.spec.form?.fields ?? []).filter((f) => f.options?.length).map((f) => [f.name, f.options!]));
  for (const [name, type] of Object.entries(scenario.spec.fields ?? {})) {
    const options = choices.get(name);
    if (options) out[name] = options[i % options.length];
    else if (type === 'date') out[name] = new Date(SAMPLE_NOW.getTime() + (14 + i) * DAY + 5 * 3_600_000).toISOString();
    else if (type === 'number') out[name] = 100 + 50 * i;
    else if (type === 'boolean') out[name] = i % 2 === 0;
    else out[name] = /url$/i.test(name) ? `https://www.example.com/${name}` : capitalized(words(name));
  }
  return out;
}

function capitalized(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** `registrationStatus` → `registration status`. */
function words(name: string): string {
  return name.replace(/([a-z0-9])([A-Z])/g, '$1 $2').replace(/[_-]+/g, ' ').toLowerCase();
}

/** An entry condition on the address (`endsWith: "@acme.com"`) makes it part of the address. */
function entryEmail(wanted: unknown, n: number): string | undefined {
  if (typeof wanted !== 'string') return undefined;
  const email = wanted.replace(/^x(?=@)/, `sample.${n}`);
  return /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email) ? email.toLowerCase() : undefined;
}

function seedOf(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h >>> 0;
}
