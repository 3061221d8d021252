/** relance as a library: everything the CLI does is available without it. */
export type * from './schema/scenario.gen.js';
export type { Diagnostic, DiagnosticResult, Severity } from './diagnostics/diagnostic.js';
export { formatDiagnostics, type Format } from './diagnostics/format.js';
export { loadScenarioFile, loadScenarioText, type LoadedScenario } from './load/load-scenario.js';
export { validatePaths, type ValidationResult, type ValidScenario } from './validate/validate.js';
export { rules } from './validate/rules/index.js';
export type { Rule, RuleContext } from './validate/rule-context.js';
export { compileScenario } from './compile/compile-scenario.js';
export type { StepGraph, CompiledStep, Edge } from './compile/graph.js';
export { catalogue } from './catalogue/index.js';
export { stepTypes } from './steps/index.js';
export { evaluate, type ContactView } from './conditions/evaluate.js';
export { explainScenario } from './explain/explain-text.js';
export { mermaidDiagram } from './explain/mermaid.js';
export * from './errors.js';
