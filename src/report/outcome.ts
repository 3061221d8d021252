import { contactView, parseEngagement, hasFlag, type Engagement } from '../conditions/contact-state.js';
import { evaluate } from '../conditions/evaluate.js';
import type { Enrollment } from '../state/enrollment.js';

/** What the report reads of an enrollment (`version|step|status|…`, src/state/enrollment.ts). */
export type Place = Pick<Enrollment, 'version' | 'step' | 'status'>;

/** The first three fields of a packed enrollment, without the rest: a million rows read them. */
export function placeOf(packed: string): Place {
  const a = packed.indexOf('|');
  const b = packed.indexOf('|', a + 1);
  const c = packed.indexOf('|', b + 1);
  return { version: packed.slice(0, a), step: packed.slice(a + 1, b), status: packed.slice(b + 1, c < 0 ? undefined : c) as Place['status'] };
}
import type { VersionRecord } from '../state/scenario-store.js';

/** What `outcome` reads for a finished run that did not end on an exit step (its exit rules). */
export interface EndedElsewhere {
  engagement: string | null;
  suppressed: boolean;
  fields: Record<string, unknown>;
}

/**
 * How a contact's run ended, for Global.csv: `success`, `failure` or `end` (SPEC 4), `error`,
 * or '' while it is in progress (or its enrollment was released by an archive). The enrollment
 * keeps its last step, not its outcome: a run that ended on an exit step has that step's
 * outcome; a reply ends in success; a run stopped elsewhere by an exit rule gets the outcome of
 * the first rule that holds for the contact now (the order of execute/walk.ts), else `end`.
 */
export function runOutcome(enrollment: Place | undefined, versions: ReadonlyMap<string, VersionRecord>, elsewhere?: EndedElsewhere): string {
  if (!enrollment) return '';
  switch (enrollment.status) {
    case 'replied': return 'success';
    case 'error': return 'error';
    case 'finished': break;
    default: return '';
  }
  const version = versions.get(enrollment.version);
  const step = version?.graph.steps[enrollment.step]?.step;
  if (step?.type === 'exit') return step.outcome ?? 'end';
  if (!version || !elsewhere) return 'end';
  return ruleOutcome(version, parseEngagement(elsewhere.engagement), elsewhere);
}

/** Whether `runOutcome` needs the contact's engagement, suppression and fields. */
export function endedElsewhere(enrollment: Place | undefined, versions: ReadonlyMap<string, VersionRecord>): boolean {
  if (enrollment?.status !== 'finished') return false;
  return versions.get(enrollment.version)?.graph.steps[enrollment.step]?.step.type !== 'exit';
}

function ruleOutcome(version: VersionRecord, engagement: Engagement, contact: EndedElsewhere): string {
  for (const rule of version.scenario.spec.exitOn ?? ['reply', 'unsubscribe', 'bounce']) {
    if (rule === 'reply' && hasFlag(engagement, 'replied', 'any')) return 'success';
    if (rule === 'unsubscribe' && contact.suppressed) return 'end';
    if (rule === 'bounce' && hasFlag(engagement, 'bounced', 'any')) return 'failure';
    if (rule === 'form' && engagement.f === 1) return 'success';
    if (rule === 'conversion' && engagement.v === 1) return 'success';
    if (typeof rule === 'object' && evaluate(rule.when, contactView({ id: '', email: '', fields: contact.fields, engagement, suppressed: contact.suppressed }))) return rule.outcome ?? 'end';
  }
  return 'end';
}
