import type { ContactView, EngagementKind } from './evaluate.js';

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

export type FlagKind = Exclude<EngagementKind, 'reacted'>;

const FLAG: Record<FlagKind, string> = {
  received: 'r', delivered: 'd', opened: 'o', clicked: 'c', replied: 'p', bounced: 'b',
};

export function parseEngagement(json: string | null | undefined): Engagement {
  if (!json) return { s: Object.create(null) as Record<string, string> };
  const parsed = JSON.parse(json) as Engagement;
  return { ...parsed, s: Object.assign(Object.create(null), parsed.s ?? {}) as Record<string, string> };
}

export function hasFlag(e: Engagement, kind: FlagKind, step: string): boolean {
  const flag = FLAG[kind];
  if (step === 'any') return Object.values(e.s).some((f) => f.includes(flag));
  return (e.s[step] ?? '').includes(flag);
}

export function addFlag(e: Engagement, kind: FlagKind, step: string): void {
  const flag = FLAG[kind];
  const current = e.s[step] ?? '';
  if (!current.includes(flag)) e.s[step] = current + flag;
}

/** `e` with the flag set, copied only when it was not set: the caller's object is left alone. */
export function withFlag(e: Engagement, kind: FlagKind, step: string): Engagement {
  if ((e.s[step] ?? '').includes(FLAG[kind])) return e;
  const copy: Engagement = { ...e, s: Object.assign(Object.create(null), e.s) as Record<string, string> };
  addFlag(copy, kind, step);
  return copy;
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
    engaged: (kind, step) => hasFlag(c.engagement, kind as FlagKind, step),
    formSubmitted: () => c.engagement.f === 1,
  };
}
