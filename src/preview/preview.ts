import { statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { compareDiagnostics, type Diagnostic } from '../diagnostics/diagnostic.js';
import { RelanceError } from '../errors.js';
import { explainScenario } from '../explain/explain-text.js';
import { changedFiles } from '../git/changed-files.js';
import { readSampleContacts, sampleContacts, type SampleContact } from '../samples/sample-contacts.js';
import { TemplateStore } from '../templates/template-store.js';
import { validatePaths, type ValidScenario } from '../validate/validate.js';
import { changedScenarios } from './changed-scenarios.js';
import { galleryPage, type GalleryScenario } from './gallery.js';
import type { PreviewManifest, PreviewScenario } from './manifest.js';
import { prepareOutFolder } from './output-folder.js';
import { renderScenario, type WrittenEmail } from './render-scenario.js';
import { labelOf, stepWords } from './step-words.js';

/** `--contacts` names a file with no row a preview can use. */
export class PreviewContactsError extends RelanceError {
  override readonly code = 'PREVIEW_CONTACTS';
}

export interface PreviewOptions {
  out: string;
  /** Sample contacts from this CSV for every scenario, instead of generated ones. */
  contactsFile?: string;
  /** Generated sample contacts per scenario. */
  samples: number;
  changedSince?: string;
  screenshots: boolean;
  spamScore: boolean;
  env?: NodeJS.ProcessEnv;
}

export interface PreviewResult {
  manifest: PreviewManifest;
  /** Files not previewed (validation errors) and emails that could not be rendered. */
  errors: Diagnostic[];
  /** Email lint warnings, each once (several sample contacts often hit the same one). */
  warnings: Diagnostic[];
  emails: number;
  /** Sample contacts per scenario (the largest), and languages rendered. */
  contacts: number;
  languages: number;
}

/**
 * `relance preview`: every email of every valid scenario (or of those changed since a
 * revision), for sample contacts, in every language variant; then screenshots and spam scores
 * when Chromium and SpamAssassin are installed; then `index.html` and `manifest.json`.
 * A file with errors is reported and skipped; the others are still previewed.
 */
export async function runPreview(paths: readonly string[], options: PreviewOptions): Promise<PreviewResult> {
  const validation = await validatePaths(paths);
  const errors: Diagnostic[] = [...validation.errors];
  let scenarios = validation.scenarios;
  // git runs where the scenarios are: they may live in another checkout than the current folder.
  if (options.changedSince) scenarios = changedScenarios(scenarios, await changedFiles(options.changedSince, folderOf(paths[0] ?? '.')));
  const fromFile = options.contactsFile ? await readSampleContacts(options.contactsFile) : undefined;
  if (fromFile && fromFile.contacts.length === 0) {
    const why = fromFile.rejected.slice(0, 3).map((r) => `line ${r.line}: ${r.reason}`).join('; ');
    throw new PreviewContactsError(`${options.contactsFile} has no usable contact${why ? ` (${why})` : ''}`);
  }
  prepareOutFolder(options.out);

  const templates = new TemplateStore();
  const rendered = scenarios.map((valid) => {
    const contacts: SampleContact[] = fromFile ? fromFile.contacts : sampleContacts(valid.scenario, options.samples);
    return { valid, contacts, emails: renderScenario(valid, contacts, options.out, templates, errors) };
  });
  const all = rendered.flatMap((r) => r.emails);

  // Screenshots and spam scores are independent: Chromium and spamd work side by side.
  const [screenshots, spamScore] = await Promise.all([
    options.screenshots ? (await import('./screenshot-phase.js')).screenshotEmails(all, options.out, options.env) : { taken: false, reason: '--no-screenshots' },
    options.spamScore ? (await import('./spam-phase.js')).scoreSpam(all) : { taken: false, reason: '--no-spam-score' },
  ]);

  const manifest: PreviewManifest = {
    format: 1,
    createdAt: new Date().toISOString(),
    ...(options.changedSince ? { changedSince: options.changedSince } : {}),
    screenshots,
    spamScore,
    scenarios: rendered.map(({ valid, emails }) => previewScenario(valid, emails)),
    contacts: fromFile
      ? { source: 'file', file: options.contactsFile!, count: fromFile.contacts.length, ...(fromFile.rejected.length ? { rejected: fromFile.rejected } : {}) }
      : { source: 'generated', count: options.samples },
    ...(errors.length ? { errors } : {}),
  };
  const gallery: GalleryScenario[] = rendered.map(({ valid, emails }, i) => ({
    preview: manifest.scenarios[i]!,
    explain: explainScenario(valid.file, valid.scenario, valid.graph),
    steps: emailSteps(valid, emails),
  }));
  const htmlByFile = new Map(all.map((e) => [e.preview.files.html, e.html]));
  writeFileSync(join(options.out, 'index.html'), galleryPage(manifest, gallery, (e) => htmlByFile.get(e.files.html) ?? ''));
  writeFileSync(join(options.out, 'manifest.json'), JSON.stringify(manifest, null, 2) + '\n');

  return {
    manifest,
    errors,
    warnings: unique(all.flatMap((e) => e.preview.lint)),
    emails: all.length,
    contacts: Math.max(0, ...rendered.map((r) => r.contacts.length)),
    languages: new Set(all.map((e) => e.preview.language)).size,
  };
}

function previewScenario({ file, scenario }: ValidScenario, emails: readonly WrittenEmail[]): PreviewScenario {
  const { name, title, description } = scenario.metadata;
  return { name, ...(title ? { title } : {}), ...(description ? { description: description.trim() } : {}), file, emails: emails.map((e) => e.preview) };
}

/** The email steps in graph order, with who receives each and when (an email's words, else worked out). */
function emailSteps({ scenario, graph }: ValidScenario, emails: readonly WrittenEmail[]): GalleryScenario['steps'] {
  return graph.order
    .filter((id) => graph.steps[id]!.step.type === 'email')
    .map((id) => {
      const first = emails.find((e) => e.preview.step === id)?.preview;
      const words = first ?? stepWords(scenario, graph, id);
      return { id, label: labelOf(graph, id), audience: words.audience, delay: words.delay };
    });
}

function folderOf(path: string): string {
  return statSync(path, { throwIfNoEntry: false })?.isDirectory() ? path : dirname(path);
}

function unique(diagnostics: readonly Diagnostic[]): Diagnostic[] {
  const seen = new Map<string, Diagnostic>();
  for (const d of diagnostics) seen.set(`${d.file}:${d.line}:${d.column}:${d.code}:${d.message}`, d);
  return [...seen.values()].sort(compareDiagnostics);
}
