import type { ContactView, EngagementKind } from '../conditions/evaluate.js';

/**
 * What a contact did with one scenario's emails, kept per contact as compact JSON:
 * `{ "s": { "<step>": "rdocpb" }, "f": 1, "v": 1 }` — per step: r received, d delivered,
 * o opened, c clicked, p replied, b bounced; f: form submitted; v: converted.
 */
export interface Engagement {
  s: Record<string, string>;
  f?: 1;
  v?: 1;
}

const FLAG: Record<Exclude<EngagementKind, 'reacted'>, string> = {
  received: 'r', delivered: 'd', opened: 'o', clicked: 'c', replied: 'p', bounced: 'b',
};

export function parseEngagement(json: string | null | undefined): Engagement {
  if (!json) return { s: Object.create(null) as Record<string, string> };
  const parsed = JSON.parse(json) as Engagement;
  return { ...parsed, s: Object.assign(Object.create(null), parsed.s ?? {}) as Record<string, string> };
}

export function hasFlag(e: Engagement, kind: Exclude<EngagementKind, 'reacted'>, step: string): boolean {
  const flag = FLAG[kind];
  if (step === 'any') return Object.values(e.s).some((f) => f.includes(flag));
  return (e.s[step] ?? '').includes(flag);
}

export function addFlag(e: Engagement, kind: Exclude<EngagementKind, 'reacted'>, step: string): void {
  const flag = FLAG[kind];
  const current = e.s[step] ?? '';
  if (!current.includes(flag)) e.s[step] = current + flag;
}

export interface ContactState {
  id: string;
  email: string;
  fields: Record<string, unknown>;
  engagement: Engagement;
  suppressed: boolean;
}

/** The condition evaluator's view of a contact at run time. */
export function contactView(c: ContactState): ContactView {
  return {
    field: (name) => (Object.hasOwn(c.fields, name) ? c.fields[name] : undefined),
    engaged: (kind, step) => hasFlag(c.engagement, kind as Exclude<EngagementKind, 'reacted'>, step),
    formSubmitted: () => c.engagement.f === 1,
  };
}
