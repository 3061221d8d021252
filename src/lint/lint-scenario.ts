import { compileScenario } from '../compile/compile-scenario.js';
import type { Diagnostic, Position } from '../diagnostics/diagnostic.js';
import { renderSamples } from '../samples/render-samples.js';
import { sampleContacts, type SampleContact } from '../samples/sample-contacts.js';
import type { StepGraph } from '../schema/compiled.js';
import type { Scenario } from '../schema/scenario.gen.js';
import type { TemplateStore } from '../templates/template-store.js';
import { lintEmail } from './lint-email.js';
import { describeEmail } from './rules/words.js';
import { imageOnlyBand, pixelOnlyMessage, TRACKING_POINTER, type ImageOnlyHit } from './rules/image-only.js';

export interface LintScenarioOptions {
  /** Sample contacts (default: one generated from the scenario; every language variant is rendered anyway). */
  contacts?: SampleContact[];
  templates?: TemplateStore;
  /** Where a value of the scenario file is (validate passes its own, already parsed). */
  locate?: (file: string, pointer: string) => Position;
}

/**
 * Renders a scenario's emails for sample contacts and lints them. Emails that cannot be rendered
 * are skipped (validation reports why). A variable counts as unresolved only when no sample
 * contact of that email provides it; a warning found for several contacts is kept once.
 */
export function lintScenario(input: { file: string; scenario: Scenario; graph?: StepGraph }, options: LintScenarioOptions = {}): Diagnostic[] {
  const graph = input.graph ?? compileScenario(input.scenario);
  if (!graph) return [];
  const contacts = options.contacts ?? sampleContacts(input.scenario, 1, graph);
  const emails = renderSamples({ ...input, graph }, contacts, { templates: options.templates, onError: () => {} });
  const missing = new Map<string, Set<string>>();
  for (const email of emails) {
    const key = `${email.stepId}|${email.language}`;
    const seen = missing.get(key);
    missing.set(key, seen ? new Set(email.unresolved.filter((name) => seen.has(name))) : new Set(email.unresolved));
  }
  const out: Diagnostic[] = [];
  const kept = new Set<string>();
  // The open pixel's SpamAssassin cost is one warning per scenario, naming every email it costs.
  const pixelOnly: ImageOnlyHit[] = [];
  let pixelWarning: Diagnostic | undefined;
  const read = options.templates ? (file: string) => options.templates!.get(file)?.text : undefined;
  for (const email of emails) {
    const unresolved = [...missing.get(`${email.stepId}|${email.language}`)!];
    for (const d of lintEmail(email, { unresolved, locate: options.locate, read })) {
      if (d.code === 'email-image-only-html' && d.pointer === TRACKING_POINTER) {
        const name = describeEmail(email);
        if (!pixelOnly.some((h) => h.email === name)) pixelOnly.push({ email: name, ...imageOnlyBand(email.rendered.html)! });
        pixelWarning ??= d;
      }
      const key = `${d.code}|${d.file}|${d.line}|${d.column}|${d.pointer ?? ''}`;
      if (kept.has(key)) continue;
      kept.add(key);
      out.push(d);
    }
  }
  if (pixelWarning) pixelWarning.message = pixelOnlyMessage(pixelOnly);
  return out;
}
