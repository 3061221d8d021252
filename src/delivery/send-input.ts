import type { EmailStep, Scenario } from '../schema/scenario.gen.js';
import { chooseVariant, DEFAULT_PUBLIC_URL, messageIdFor, variantTemplatePaths, type ScenarioInfo } from './render.js';
import { renderInline } from './render-inline.js';
import { signToken, type Secret } from './tokens.js';

/**
 * The parts of a send's `RenderInput` worked out from the scenario: the engine's deliverer and
 * the previews (`src/samples/`) share them, so a preview is the email that would leave.
 */

/** What the renderer needs of the scenario, in the version's time zone. */
export function scenarioInfo(name: string, scenario: Scenario, zone: string): ScenarioInfo {
  const s = scenario;
  return { name, title: s.metadata.title, language: s.spec.language, sender: s.spec.sender, unsubscribe: s.spec.unsubscribe, tracking: s.spec.tracking, timeZone: zone };
}

/** The sending domain: right-hand side of Message-IDs and of the VERP return path. */
export function senderDomain(step: Pick<EmailStep, 'from'>, scenario: Scenario): string {
  return (step.from?.email ?? scenario.spec.sender?.email ?? 'relance.local').split('@')[1] ?? 'relance.local';
}

/**
 * The contact's language variant and its template paths (relative to the scenario file). When
 * the variant's HTML is missing (`has` says no) the email goes out in the scenario's language.
 */
export function chooseTemplates(step: EmailStep, contactLanguage: unknown, scenario: Scenario, has: (path: string) => boolean): { language: string; paths: { html: string; text: string } } {
  const language = chooseVariant(step, contactLanguage, scenario.spec.language);
  const paths = variantTemplatePaths(step, language);
  if (has(paths.html)) return { language, paths };
  const fallback = scenario.spec.language ?? 'en';
  return { language: fallback, paths: variantTemplatePaths({ template: step.template }, fallback) };
}

/** The form link: the scenario's own `url`, or relance's form route with a signed token saying who answers. */
export function formUrlFor(options: { scenarioName: string; scenario: Scenario; contactId: string; stepId: string; visit?: number; publicUrl?: string; secret: Secret }): string | undefined {
  const form = options.scenario.spec.form;
  if (!form) return undefined;
  if (form.url) return form.url;
  const base = (options.publicUrl ?? DEFAULT_PUBLIC_URL).replace(/\/+$/, '');
  const token = signToken({ scenario: options.scenarioName, contactId: options.contactId, step: options.stepId, kind: 'view', visit: options.visit }, options.secret);
  return `${base}/f/${options.scenarioName}/${form.id}?t=${token}`;
}

/** The thread an email replies in, when the engine has no record of the earlier send's id: its visit-less id. */
export function defaultThread(options: { threadOf: EmailStep; scenarioName: string; contact: { id: string; fields: Record<string, unknown> }; domain: string; secret: Secret }): { messageId: string; subject: string } {
  const { threadOf, contact } = options;
  return {
    messageId: messageIdFor({ secret: options.secret, domain: options.domain, scenario: options.scenarioName, step: threadOf.id, contactId: contact.id }),
    subject: threadSubject(threadOf, contact.fields),
  };
}

/** The subject of the email a reply follows, as the engine renders it for the thread. */
export function threadSubject(threadOf: Pick<EmailStep, 'subject'>, fields: Record<string, unknown>): string {
  return renderInline(threadOf.subject, fields);
}
