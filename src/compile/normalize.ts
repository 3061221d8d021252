import { createHash } from 'node:crypto';
import type { Scenario } from '../schema/scenario.gen.js';
import { resolveRef, scenarioSchema, type JsonSchema } from '../schema/scenario-schema.js';
import type { StepGraph } from '../schema/compiled.js';

/**
 * Fills in every default the schema declares, so that writing a default explicitly or leaving
 * it out gives the same scenario (and the same digest): an unchanged file never shows as changed.
 */
export function withDefaults(scenario: Scenario): Scenario {
  return fill(structuredClone(scenario), scenarioSchema().schema) as Scenario;
}

function fill(data: unknown, schemaNode: JsonSchema): unknown {
  const schema = resolveRef(schemaNode);
  if (Array.isArray(data)) {
    const items = schema.items as JsonSchema | undefined;
    return items ? data.map((d) => fill(d, items)) : data;
  }
  if (data === null || typeof data !== 'object') return data;
  const branch = pickBranch(schema, data as Record<string, unknown>);
  if (branch) return fill(data, branch);
  const obj = data as Record<string, unknown>;
  const props = (schema.properties ?? {}) as Record<string, JsonSchema>;
  for (const [key, propSchema] of Object.entries(props)) {
    const resolved = resolveRef(propSchema);
    if (obj[key] === undefined && 'default' in propSchema) obj[key] = structuredClone(propSchema.default);
    else if (obj[key] === undefined && 'default' in resolved && !('$ref' in propSchema)) obj[key] = structuredClone(resolved.default);
    if (obj[key] !== undefined) obj[key] = fill(obj[key], propSchema);
  }
  const additional = schema.additionalProperties;
  if (additional && typeof additional === 'object') {
    for (const key of Object.keys(obj)) if (!(key in props)) obj[key] = fill(obj[key], additional as JsonSchema);
  }
  return obj;
}

/** Steps are a discriminated union: follow the branch their `type` names. Conditions have no defaults. */
function pickBranch(schema: JsonSchema, data: Record<string, unknown>): JsonSchema | undefined {
  const discriminator = schema.discriminator as { propertyName: string } | undefined;
  if (!discriminator || !Array.isArray(schema.oneOf)) return undefined;
  const tag = data[discriminator.propertyName];
  return (schema.oneOf as JsonSchema[]).map(resolveRef).find((b) => (b.properties as Record<string, JsonSchema>)?.[discriminator.propertyName]?.const === tag);
}

/** JSON with object keys sorted at every level: the same content always gives the same text. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => {
    if (v && typeof v === 'object' && !Array.isArray(v)) {
      return Object.fromEntries(Object.keys(v).sort().map((k) => [k, (v as Record<string, unknown>)[k]]));
    }
    return v;
  });
}

/**
 * A version's identity: the normalised scenario and its compiled graph, less `spec.suspend`
 * (pausing is a change of state, not a new version). Template files are not part of it: their
 * text is bound at send time (SPEC 3.3), so editing one applies at once.
 */
export function versionDigest(scenario: Scenario, graph: StepGraph): string {
  const { suspend: _suspend, ...spec } = scenario.spec;
  const content = canonicalJson({ scenario: { ...scenario, spec }, graph: graphIdentity(graph) });
  return createHash('sha256').update(content).digest('hex');
}

/** The graph without its source pointers: moving a step in the file is not a new version. */
function graphIdentity(graph: StepGraph): unknown {
  return { entry: graph.entry, order: graph.order, steps: graph.order.map((id) => ({ id, step: graph.steps[id]!.step, edges: graph.steps[id]!.edges })) };
}

export function shortDigest(digest: string): string {
  return digest.slice(0, 12);
}
