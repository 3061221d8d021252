import type { Campaign, Condition, ConditionStep, EmailStep, ExitStep, Outcome, Step, WaitStep } from '../schema/scenario.gen.js';
import type { CampaignSlot, ExpandInput, Expansion } from './types.js';

/** Exit ids shared by every template. */
export const DONE = 'done';
export const FORM_SUBMITTED = 'form-submitted';
/** The schema's default delay for every campaign but the first (`temporisation`). */
export const DEFAULT_DELAY = '3 days';

// Audience vocabulary of SPEC 3.4, per contact.
export const reacted = (key: string): Condition => ({ reacted: key });
export const inactive = (key: string): Condition => ({ not: { reacted: key } });
export const received = (key: string): Condition => ({ received: key });
export const anyOf = (first: Condition, ...rest: Condition[]): Condition => ({ any: [first, ...rest] });
export const allOf = (first: Condition, ...rest: Condition[]): Condition => ({ all: [first, ...rest] });

/** One campaign of a template: who gets it and where contacts go afterwards. */
export interface CampaignPlan {
  key: string;
  /** Who receives it among the contacts who reach it; omitted: all of them. */
  audience?: Condition;
  /** Contacts who submitted the form leave (outcome `success`) instead of receiving it. */
  exceptForm?: boolean;
  /** After the email: a campaign key or an exit id (default `done`). */
  next?: string;
  /** Not in the audience: a campaign key or an exit id (default `done`). */
  otherwise?: string;
  /** First campaign of its chain (default: the first plan): no delay unless the campaign sets one. */
  first?: boolean;
}

/** A step and the JSON pointer of what the author wrote for it. */
export interface Sourced {
  step: Step;
  source: string;
}

export function campaignOf(input: ExpandInput, key: string): Campaign {
  const campaign = input.campaigns[key];
  // The validation rules report missing campaigns; expanding without one is a caller bug.
  if (!campaign) throw new Error(`campaign "${key}" is missing`);
  return campaign;
}

export function delayOf(campaign: Campaign, first: boolean): string | undefined {
  return campaign.delay ?? (first ? undefined : DEFAULT_DELAY);
}

export function emailStep(key: string, campaign: Campaign, next: string, name?: string): EmailStep {
  const step: EmailStep = { id: key, type: 'email', ...(name ? { name } : {}), next, template: campaign.template, subject: campaign.subject };
  // Copy only what is set: an `undefined` property is not valid against the schema.
  for (const k of ['preheader', 'from', 'replyTo', 'thread', 'languages'] as const) {
    if (campaign[k] !== undefined) (step as unknown as Record<string, unknown>)[k] = structuredClone(campaign[k]);
  }
  return step;
}

export function waitStep(id: string, duration: string, next: string): WaitStep {
  return { id, type: 'wait', for: duration, next };
}

export function conditionStep(id: string, condition: Condition, then: string, otherwise: string, name?: string): ConditionStep {
  return { id, type: 'condition', ...(name ? { name } : {}), if: structuredClone(condition), then, else: otherwise };
}

export function exitStep(id: string, outcome: Outcome, name: string): ExitStep {
  return { id, type: 'exit', name, outcome };
}

/** First step of a campaign: its wait, else its audience check, else its form check, else the email. */
function entryOf(plan: CampaignPlan, delay: string | undefined): string {
  if (delay) return `wait-${plan.key}`;
  if (plan.audience) return `${plan.key}-audience`;
  return plan.exceptForm ? `${plan.key}-form` : plan.key;
}

/**
 * Expands campaign plans into one step list, in plan order: per campaign `wait-<key>` (its
 * delay), `<key>-audience`, `<key>-form`, then the email `<key>`. The delay comes first so the
 * audience is judged when the campaign goes out. Every target is explicit, so order is only
 * for reading. `head` steps (segment split) come first; their targets may name campaign keys.
 */
export function expandCampaigns(
  input: ExpandInput,
  slots: readonly CampaignSlot[],
  plans: readonly CampaignPlan[],
  head?: (to: (target: string) => string) => Sourced[],
): Expansion {
  const delays = new Map(plans.map((p, i) => [p.key, delayOf(campaignOf(input, p.key), p.first ?? i === 0)]));
  const entries = new Map(plans.map((p) => [p.key, entryOf(p, delays.get(p.key))]));
  const used = new Set<string>();
  const to = (target: string): string => {
    const id = entries.get(target) ?? target;
    used.add(id);
    return id;
  };

  const out: Sourced[] = head ? head(to) : [];
  for (const plan of plans) {
    const { key } = plan;
    const campaign = campaignOf(input, key);
    const label = slots.find((s) => s.key === key)?.label;
    const source = `/spec/campaigns/${key}`;
    const delay = delays.get(key);
    const formId = `${key}-form`;
    const afterAudience = plan.exceptForm ? formId : key;
    const afterWait = plan.audience ? `${key}-audience` : afterAudience;
    if (delay) out.push({ step: waitStep(`wait-${key}`, delay, afterWait), source });
    if (plan.audience) {
      out.push({ step: conditionStep(`${key}-audience`, plan.audience, afterAudience, to(plan.otherwise ?? DONE), label && `Audience of ${label}`), source });
    }
    if (plan.exceptForm) {
      out.push({ step: conditionStep(formId, { formSubmitted: true }, to(FORM_SUBMITTED), key, label && `Form submitted before ${label}`), source });
    }
    out.push({ step: emailStep(key, campaign, to(plan.next ?? DONE), label), source });
  }
  // Only the exits something leads to: an unreachable step is a validation error.
  if (used.has(FORM_SUBMITTED)) out.push({ step: exitStep(FORM_SUBMITTED, 'success', 'Submitted the form'), source: '/spec/template' });
  if (used.has(DONE)) out.push({ step: exitStep(DONE, 'end', 'No more campaigns'), source: '/spec/template' });

  const sources: Record<string, string> = {};
  for (const { step, source } of out) sources[step.id] = source;
  return { steps: out.map((s) => s.step), sources };
}
