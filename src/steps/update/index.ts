import type { UpdateStep } from '../../schema/scenario.gen.js';
import { edge, type StepDefinition } from '../types.js';

export const updateStep: StepDefinition<UpdateStep> = {
  type: 'update',
  edges: (s, fallthrough) => [edge('next', s.next, fallthrough)],
  waits: () => false,
  effect: false,
  conditions: () => [],
  summary: (s) => {
    const parts = [
      ...Object.entries(s.set ?? {}).map(([k, v]) => `set ${k} = ${String(v)}`),
      ...(s.unset ?? []).map((k) => `clear ${k}`),
      ...(s.addTags ?? []).map((t) => `tag +${t}`),
      ...(s.removeTags ?? []).map((t) => `tag -${t}`),
    ];
    return parts.length ? parts.join(', ') : 'update nothing';
  },
  // Always returns `fields`, even empty: the pass then saves the contact's fields.
  run: (s, ctx) => {
    const changes: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(s.set ?? {})) changes[k] = v;
    for (const k of s.unset ?? []) changes[k] = null;
    if (s.addTags || s.removeTags) {
      // Tags as this step, else this pass, left them; cleared (null): the saved ones.
      const current = Object.hasOwn(changes, 'tags') ? changes.tags : ctx.changes?.tags;
      const tags = new Set(tagList(current ?? ctx.contact.fields.tags));
      for (const t of s.addTags ?? []) tags.add(t);
      for (const t of s.removeTags ?? []) tags.delete(t);
      changes.tags = [...tags].join(',');
    }
    return { go: ctx.edge('next'), fields: changes };
  },
};

/** Tags are a list, or text separated by commas, semicolons or bars. */
function tagList(tags: unknown): string[] {
  if (Array.isArray(tags)) return tags.map(String);
  return typeof tags === 'string' && tags ? tags.split(/[,;|]/).map((t) => t.trim()).filter(Boolean) : [];
}
