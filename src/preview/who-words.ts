import { describeCondition } from '../conditions/describe.js';
import type { Condition } from '../schema/scenario.gen.js';

/** How an email step is named to a reader (its `name`, else its id), and which one came before. */
export interface Naming {
  label(stepId: string): string;
  /** The email the route starts from: tests on it read "the previous email". */
  previous: string | null;
}

// What the contact did with an email, said after "contacts who …" (and its negation).
const DID: Record<string, [string, string]> = {
  opened: ['opened', 'did not open'],
  clicked: ['clicked in', 'did not click in'],
  reacted: ['opened or clicked', 'did not open or click'],
  replied: ['replied to', 'did not reply to'],
  bounced: ['bounced on', 'did not bounce on'],
  delivered: ['got', 'did not get'],
  received: ['received', 'did not receive'],
};

/**
 * A condition as the end of "contacts who …": `did not open the previous email`, `submitted the
 * form`, `have country in US, CA`. Engagement and form tests are worded here; field, score, tag
 * and status tests keep describeCondition's wording (the one `explain` and the plan use).
 */
export function whoWords(c: Condition, naming: Naming, negated = false): string {
  if ('all' in c || 'any' in c) {
    const parts = 'all' in c ? c.all : c.any;
    // not (a and b) = not a or not b: the words stay positive sentences.
    const joiner = ('all' in c) !== negated ? ' and ' : ' or ';
    return parts.map((p) => nested(p, naming, negated)).join(joiner);
  }
  if ('not' in c) return whoWords(c.not, naming, !negated);
  if ('formSubmitted' in c) return negated ? 'did not submit the form' : 'submitted the form';
  const engagement = Object.entries(c).find(([k]) => k in DID);
  if (engagement && Object.keys(c).length === 1) {
    const [kind, step] = engagement as [string, string];
    const target = step === 'any' ? 'any email' : step === naming.previous ? 'the previous email' : `“${naming.label(step)}”`;
    const [yes, no] = DID[kind]!;
    return `${negated ? no : yes} ${target}`;
  }
  return attributeWords(c, negated);
}

const OPPOSITE: Record<string, string> = { eq: 'ne', ne: 'eq', in: 'notIn', notIn: 'in', gt: 'lte', lte: 'gt', gte: 'lt', lt: 'gte' };

/** Field, score, tag and status tests in describeCondition's words, negated by the opposite operator when there is one. */
function attributeWords(c: Condition, negated: boolean): string {
  if ('tag' in c) return `are${negated ? ' not' : ''} ${describeCondition(c)}`;
  if ('status' in c) return `${negated ? 'do not have' : 'have'} ${describeCondition(c).replace('status is', 'status')}`;
  if ('field' in c) {
    const { field, ...ops } = c;
    const [op, value] = Object.entries(ops)[0] ?? [];
    if (Object.keys(ops).length === 1 && op === 'exists') return (value === true) !== negated ? `have a ${field}` : `have no ${field}`;
    if (Object.keys(ops).length === 1 && negated && op && OPPOSITE[op]) return `have ${describeCondition({ field, [OPPOSITE[op]!]: value } as Condition)}`;
  }
  if ('score' in c && negated) {
    const entries = Object.entries(c.score);
    if (entries.length === 1 && OPPOSITE[entries[0]![0]]) return `have ${describeCondition({ score: { [OPPOSITE[entries[0]![0]]!]: entries[0]![1] } } as Condition)}`;
  }
  return `${negated ? 'do not have' : 'have'} ${describeCondition(c)}`;
}

function nested(c: Condition, naming: Naming, negated: boolean): string {
  const words = whoWords(c, naming, negated);
  return ('all' in c || 'any' in c) ? `(${words})` : words;
}
