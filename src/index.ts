/** relance as a library: everything the CLI does is available without it. */
export type * from './schema/scenario.gen.js';
export type { Diagnostic, DiagnosticResult, Severity } from './diagnostics/diagnostic.js';
export { formatDiagnostics, type Format } from './diagnostics/format.js';
export { loadScenarioFile, loadScenarioText, type LoadedScenario } from './load/load-scenario.js';
export { validatePaths, type ValidationResult, type ValidScenario } from './validate/validate.js';
export { rules } from './validate/rules/index.js';
export type { Rule, RuleContext } from './validate/rule-context.js';
export { compileScenario } from './compile/compile-scenario.js';
export type { StepGraph, CompiledStep, Edge } from './schema/compiled.js';
export { catalogue } from './catalogue/index.js';
export { stepTypes } from './steps/index.js';
export type { Effect, StepContext, StepDefinition, Transition } from './steps/types.js';
export { evaluate, type ContactView } from './conditions/evaluate.js';
// The engine's step machine, pure: `walk` advances a contact as far as it can go at an instant;
// `settle` says where its enrollment goes once the effect the walk asked for is done or not.
export { walk, type WalkInput, type WalkResult } from './execute/walk.js';
export { settle, type EffectOutcome, type Settled } from './execute/advance.js';
export type { Enrollment } from './state/enrollment.js';
export { compileSchedule } from './compile/schedule.js';
export type { CompiledSchedule } from './schema/compiled.js';
// What a walk needs besides the graph: the contact as the engine keeps it, and the send window.
export { parseEngagement, type ContactState, type Engagement } from './conditions/contact-state.js';
export { SendWindow } from './time/window.js';
export { TimeZone } from './time/zone.js';
export { explainScenario } from './explain/explain-text.js';
export { mermaidDiagram } from './explain/mermaid.js';
export * from './errors.js';
