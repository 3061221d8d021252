import { dirname, join } from 'node:path';
import { compileScenario } from '../compile/compile-scenario.js';
import { chooseVariant, DEFAULT_PUBLIC_URL, RenderError, renderEmail, type RenderedEmail } from '../delivery/render.js';
import { chooseTemplates, defaultThread, formUrlFor, scenarioInfo, senderDomain } from '../delivery/send-input.js';
import type { Secret } from '../delivery/tokens.js';
import { RelanceError } from '../errors.js';
import type { StepGraph } from '../schema/compiled.js';
import type { EmailStep, Scenario } from '../schema/scenario.gen.js';
import { TemplateStore } from '../templates/template-store.js';
import { SAMPLE_NOW, SAMPLE_SECRET } from './defaults.js';
import { outputReferences, provides } from './output-references.js';
import type { SampleContact } from './sample-contacts.js';

/** One email step, in one language, rendered for one sample contact. */
export interface SampleEmail {
  /** `metadata.name`. */
  scenario: string;
  /** The scenario file. */
  file: string;
  /** The scenario as loaded from that file. */
  definition: Scenario;
  stepId: string;
  /** The step as compiled (a catalogue template's campaigns expanded). */
  step: EmailStep;
  /** JSON pointer of what the author wrote for the step (its subject is at `${pointer}/subject`, or under `languages`). */
  pointer: string;
  /** The language rendered. */
  language: string;
  contact: SampleContact;
  /** Template files used, as the template store resolves them (joined to the scenario's folder). */
  templateFiles: { html: string; text?: string };
  /** Built by the renderer that sends. */
  rendered: RenderedEmail;
  /** Template variables this contact does not provide (they would render empty), e.g. `['company']`. */
  unresolved: string[];
}

export interface RenderSamplesOptions {
  /** Base URL of links to relance's own routes (default DEFAULT_PUBLIC_URL). */
  publicUrl?: string;
  /** Signs the sample links (default: a fixed preview-only secret). */
  secret?: Secret;
  /** When the emails are rendered (default SAMPLE_NOW, so previews do not change from run to run). */
  now?: Date;
  /** Shares template reads between scenarios. */
  templates?: TemplateStore;
  /** An email that cannot be rendered (missing or broken template, no sender): by default it is thrown. */
  onError?: (error: SampleRenderError) => void;
}

/** An email of a scenario cannot be rendered for a sample contact. */
export class SampleRenderError extends RelanceError {
  override readonly code = 'SAMPLE_RENDER';
  override readonly exitCode = 1;
  constructor(
    message: string,
    readonly file: string,
    readonly stepId: string,
    readonly language: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/**
 * Every email step × every language variant (the scenario's language and each `languages` key) ×
 * the contacts that would get that variant. A variant no contact would get is rendered for the
 * first contact with its language set to it. Reads template files from disk, never Redis.
 */
export function renderSamples(input: { file: string; scenario: Scenario; graph?: StepGraph }, contacts: readonly SampleContact[], options: RenderSamplesOptions = {}): SampleEmail[] {
  const { file, scenario } = input;
  const graph = input.graph ?? compileScenario(scenario);
  if (!graph || contacts.length === 0) return [];
  const templates = options.templates ?? new TemplateStore();
  const out: SampleEmail[] = [];
  const done = new Set<string>();
  for (const id of graph.order) {
    const { step, source } = graph.steps[id]!;
    if (step.type !== 'email') continue;
    for (const variant of variantsOf(step, scenario)) {
      let receivers = contacts.filter((c) => chooseVariant(step, c.fields.language, scenario.spec.language) === variant);
      if (receivers.length === 0) receivers = [{ ...contacts[0]!, fields: { ...contacts[0]!.fields, language: variant } }];
      for (const contact of receivers) {
        try {
          const email = renderOne({ file, scenario, graph, step, pointer: source, contact, templates, options });
          const key = `${step.id}|${email.language}|${contact.id}`;
          if (!done.has(key)) out.push(email);
          done.add(key);
        } catch (err) {
          const error = err instanceof SampleRenderError ? err : new SampleRenderError(`${file}: email "${step.id}" (${variant}) for ${contact.email}: ${(err as Error).message}`, file, step.id, variant, { cause: err });
          if (!options.onError) throw error;
          options.onError(error);
        }
      }
    }
  }
  return out;
}

function variantsOf(step: EmailStep, scenario: Scenario): string[] {
  return [...new Set([scenario.spec.language ?? 'en', ...Object.keys(step.languages ?? {})])];
}

interface One {
  file: string;
  scenario: Scenario;
  graph: StepGraph;
  step: EmailStep;
  pointer: string;
  contact: SampleContact;
  templates: TemplateStore;
  options: RenderSamplesOptions;
}

function renderOne({ file, scenario, graph, step, pointer, contact, templates, options }: One): SampleEmail {
  const dir = dirname(file);
  const name = scenario.metadata.name;
  const { language, paths } = chooseTemplates(step, contact.fields.language, scenario, (p) => templates.exists(join(dir, p)));
  const htmlFile = join(dir, paths.html);
  const html = templates.get(htmlFile);
  if (!html) throw new SampleRenderError(`${file}: email "${step.id}": template file ${htmlFile} does not exist`, file, step.id, language);
  if (html.parseError) throw new SampleRenderError(`${htmlFile}:${html.parseError.line}:${html.parseError.column}: ${html.parseError.message}`, file, step.id, language);
  const textFile = join(dir, paths.text);
  const text = templates.get(textFile);
  const secret = options.secret ?? SAMPLE_SECRET;
  const domain = senderDomain(step, scenario);
  const threadOf = step.thread ? graph.steps[step.thread]?.step : undefined;
  const formUrl = formUrlFor({ scenarioName: name, scenario, contactId: contact.id, stepId: step.id, publicUrl: options.publicUrl ?? DEFAULT_PUBLIC_URL, secret });
  let rendered: RenderedEmail;
  try {
    rendered = renderEmail({
      scenario: scenarioInfo(name, scenario, scenario.spec.schedule?.timezone ?? 'UTC'),
      step,
      language,
      templates: { html: html.text, text: text?.text },
      contact,
      vars: scenario.spec.variables,
      formUrl,
      publicUrl: options.publicUrl ?? DEFAULT_PUBLIC_URL,
      secret,
      messageIdDomain: domain,
      thread: threadOf?.type === 'email' ? defaultThread({ threadOf, scenarioName: name, contact, domain, secret }) : undefined,
      now: options.now ?? SAMPLE_NOW,
    });
  } catch (err) {
    if (!(err instanceof RenderError)) throw err;
    throw new SampleRenderError(`${file}: email "${step.id}" (${language}): ${err.message}`, file, step.id, language, { cause: err });
  }
  const variant = step.languages && Object.hasOwn(step.languages, language) ? step.languages[language] : undefined;
  const sources = [html.text, text?.text ?? '', variant?.subject ?? step.subject, variant?.preheader ?? step.preheader ?? ''];
  const unresolved = new Set<string>();
  for (const source of sources) for (const ref of outputReferences(source)) if (!provides(contact.fields, ref.name, formUrl !== undefined)) unresolved.add(ref.name);
  return {
    scenario: name,
    file,
    definition: scenario,
    stepId: step.id,
    step,
    pointer,
    language,
    contact,
    templateFiles: text ? { html: htmlFile, text: textFile } : { html: htmlFile },
    rendered,
    unresolved: [...unresolved].sort(),
  };
}
