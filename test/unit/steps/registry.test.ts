import { describe, expect, it } from 'vitest';
import { loadScenarioText } from '../../../src/load/load-scenario.js';
import { resolveRef, scenarioSchema, type JsonSchema } from '../../../src/schema/scenario-schema.js';
import { stepTypes } from '../../../src/steps/index.js';
import { MINIMAL } from '../../helpers/scenario-text.js';

describe('the step registry', () => {
  it('registers exactly the step types of the JSON Schema, in its order, each under its own name', () => {
    const branches = ((scenarioSchema().schema.$defs as Record<string, JsonSchema>).step!.oneOf as JsonSchema[]).map(resolveRef);
    const inSchema = branches.map((b) => ((b.properties as Record<string, JsonSchema>).type!.const as string));
    expect(Object.keys(stepTypes)).toEqual(inSchema);
    for (const [type, definition] of Object.entries(stepTypes)) expect(definition.type).toBe(type);
  });

  it('has exactly the email, webhook and task steps hand work to the worker', () => {
    expect(Object.values(stepTypes).filter((d) => d.effect).map((d) => d.type).sort()).toEqual(['email', 'task', 'webhook']);
  });

  it('is what a wrong step type is told to choose from', () => {
    const all = Object.keys(stepTypes).join(', ');
    const messages = (text: string) => loadScenarioText(text, 't.yaml').diagnostics.map((d) => d.message);
    expect(messages(MINIMAL.replace('type: wait', 'type: wiat'))).toEqual([`"wiat" is not a step type — did you mean "wait"?; use one of: ${all}`]);
    expect(messages(MINIMAL.replace('type: wait', 'type: 3'))).toEqual([`"type" must be text, one of: ${all}`]);
  });
});
