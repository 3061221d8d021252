import { catalogue } from '../catalogue/index.js';
import type { Scenario, Step } from '../schema/scenario.gen.js';
import { stepDefinition } from '../steps/index.js';
import type { CompiledStep, StepGraph } from '../schema/compiled.js';

export interface SourcedSteps {
  steps: Step[];
  /** Step index → JSON pointer of what the author wrote. */
  sources: string[];
}

/** The steps a scenario runs: its own, or its catalogue template's expansion. */
export function scenarioSteps(scenario: Scenario): SourcedSteps | undefined {
  const { spec } = scenario;
  if (spec.steps) return { steps: spec.steps, sources: spec.steps.map((_, i) => `/spec/steps/${i}`) };
  if (!spec.template) return undefined;
  const template = catalogue[spec.template];
  const campaigns = spec.campaigns ?? {};
  // Expanding with campaigns missing would invent a graph; the rules report what is missing.
  if (template.slots.some((slot) => !campaigns[slot.key])) return undefined;
  if (template.needsSegments && !(spec.segments?.a && spec.segments.b)) return undefined;
  const slots = Object.fromEntries(template.slots.map((slot) => [slot.key, campaigns[slot.key]!]));
  const expansion = template.expand({ campaigns: slots, segments: spec.segments, form: spec.form });
  return { steps: expansion.steps, sources: expansion.steps.map((s) => expansion.sources[s.id] ?? '/spec/template') };
}

/**
 * Compiles a schema-valid scenario into its step graph. Never throws on a bad graph: dangling
 * targets and duplicate ids stay visible for the rules to report where the author wrote them.
 */
export function compileScenario(scenario: Scenario): StepGraph | undefined {
  const sourced = scenarioSteps(scenario);
  if (!sourced || sourced.steps.length === 0) return undefined;
  const { steps, sources } = sourced;
  const graph: StepGraph = { entry: steps[0]!.id, order: [], steps: {} };
  steps.forEach((step, i) => {
    if (graph.steps[step.id]) return; // duplicate id: the first one wins, a rule reports the rest
    const fallthrough = steps[i + 1]?.id ?? null;
    const compiled: CompiledStep = { id: step.id, step, edges: stepDefinition(step).edges(step, fallthrough), source: sources[i]! };
    graph.steps[step.id] = compiled;
    graph.order.push(step.id);
  });
  return graph;
}
