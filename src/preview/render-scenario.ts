import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import { lintEmail } from '../lint/lint-email.js';
import { locateInScenario } from '../lint/locate-in-scenario.js';
import { SAMPLE_NOW } from '../samples/defaults.js';
import { renderSamples, type SampleEmail } from '../samples/render-samples.js';
import type { SampleContact } from '../samples/sample-contacts.js';
import type { TemplateStore } from '../templates/template-store.js';
import { buildMessage } from '../transports/mime.js';
import type { ValidScenario } from '../validate/validate.js';
import type { PreviewEmail } from './manifest.js';
import { stepWords } from './step-words.js';

/** An email written to the output folder, with what the later phases need of it. */
export interface WrittenEmail {
  preview: PreviewEmail;
  /** The rendered HTML (the gallery frames it) and the MIME message (SpamAssassin scores it). */
  html: string;
  raw: string;
}

/**
 * Renders every email of one scenario for its sample contacts, with the renderer that sends
 * (samples/) and the MIME builder the SMTP and outbox transports use, and writes
 * `<scenario>/<step>.<language>.<contact n>.{html,txt,eml}` under `out`. Emails that cannot
 * be rendered become errors pointing at their step.
 */
export function renderScenario(valid: ValidScenario, contacts: readonly SampleContact[], out: string, templates: TemplateStore, errors: Diagnostic[]): WrittenEmail[] {
  const { file, scenario, graph } = valid;
  const name = scenario.metadata.name;
  const samples = renderSamples({ file, scenario, graph }, contacts, {
    templates,
    onError: (e) => {
      const pointer = graph.steps[e.stepId]?.source ?? '';
      errors.push({ severity: 'error', code: 'preview-render', message: e.message, file, ...locateInScenario(file, pointer), pointer });
    },
  });
  if (samples.length === 0) return [];
  mkdirSync(join(out, safe(name)), { recursive: true });
  const numbers = new Map(contacts.map((c, i) => [c.id, i + 1]));
  const missing = unresolvedByAll(samples);
  const words = new Map<string, { audience: string; delay: string }>();
  return samples.map((sample) => {
    const { rendered, stepId, language } = sample;
    const base = `${safe(name)}/${safe(stepId)}.${safe(language)}.${numbers.get(sample.contact.id) ?? 1}`;
    const files = { html: `${base}.html`, text: `${base}.txt`, eml: `${base}.eml` };
    const raw = buildMessage(rendered, SAMPLE_NOW).raw;
    writeFileSync(join(out, files.html), rendered.html);
    writeFileSync(join(out, files.text), rendered.text);
    writeFileSync(join(out, files.eml), raw);
    const said = words.get(stepId) ?? stepWords(scenario, graph, stepId);
    words.set(stepId, said);
    const preview: PreviewEmail = {
      step: stepId,
      ...(sample.step.name ? { stepName: sample.step.name } : {}),
      language,
      contact: sample.contact.email,
      subject: rendered.subject,
      from: rendered.from.name ? `${rendered.from.name} <${rendered.from.address}>` : rendered.from.address,
      ...(rendered.replyTo ? { replyTo: rendered.replyTo } : {}),
      audience: said.audience,
      delay: said.delay,
      files,
      unresolved: sample.unresolved,
      htmlBytes: Buffer.byteLength(rendered.html),
      lint: lintEmail(sample, { unresolved: missing.get(`${stepId}|${language}`) ?? [] }),
    };
    return { preview, html: rendered.html, raw };
  });
}

/** Per step and language, the variables none of its sample contacts provides (the lint's "no sample contact"). */
function unresolvedByAll(samples: readonly SampleEmail[]): Map<string, string[]> {
  const sets = new Map<string, Set<string>>();
  for (const s of samples) {
    const key = `${s.stepId}|${s.language}`;
    const seen = sets.get(key);
    sets.set(key, seen ? new Set(s.unresolved.filter((n) => seen.has(n))) : new Set(s.unresolved));
  }
  return new Map([...sets].map(([k, v]) => [k, [...v]]));
}

/** A path segment from a name, an id or a language: nothing that climbs out or needs quoting. */
function safe(segment: string): string {
  return segment.replace(/[^A-Za-z0-9_-]+/g, '_') || '_';
}
