import { describe, expect, it } from 'vitest';
import { chooseVariant } from '../../../src/delivery/render.js';
import { loadScenarioFile } from '../../../src/load/load-scenario.js';
import { renderSamples, SampleRenderError } from '../../../src/samples/render-samples.js';
import { sampleContacts, type SampleContact } from '../../../src/samples/sample-contacts.js';
import type { Scenario } from '../../../src/schema/scenario.gen.js';
import { tempDir } from '../../helpers/temp-dir.js';

function example(name: string): { file: string; scenario: Scenario } {
  const file = `scenarios/${name}.yaml`;
  const { scenario } = loadScenarioFile(file);
  if (!scenario) throw new Error(`${file} does not load`);
  return { file, scenario };
}

describe('renderSamples', () => {
  it('renders every email step in every language for the contacts who would get it', () => {
    const input = example('event');
    const contacts = sampleContacts(input.scenario, 3);
    const emails = renderSamples(input, contacts);
    const keys = emails.map((e) => `${e.stepId} ${e.language} ${e.contact.id}`);
    // en: contacts 1 and 3; fr: contact 2, for the three steps with a French variant.
    expect(keys).toEqual([
      'thanks en sample-1', 'thanks en sample-3', 'thanks fr sample-2',
      'reminder-day en sample-1', 'reminder-day en sample-3', 'reminder-day fr sample-2',
      'reminder-hour en sample-1', 'reminder-hour en sample-3', 'reminder-hour fr sample-2',
      'thanks-attendee en sample-1', 'thanks-attendee en sample-2', 'thanks-attendee en sample-3',
      'replay en sample-1', 'replay en sample-2', 'replay en sample-3',
      'next-steps en sample-1', 'next-steps en sample-2', 'next-steps en sample-3',
    ]);
    const fr = emails.find((e) => e.stepId === 'thanks' && e.language === 'fr')!;
    expect(fr.rendered.subject).toMatch(/^Inscription confirmée : Acme Analytics Roadshow 2026 — /);
    expect(fr.templateFiles).toEqual({ html: 'scenarios/event/thanks.fr.html.hbs' });
    expect(fr.pointer).toBe('/spec/steps/0');
    expect(fr.unresolved).toEqual([]);
  });

  it('renders a variant no contact would get for the first contact, its language set to it', () => {
    const input = example('event');
    const [only] = sampleContacts(input.scenario, 1);
    const emails = renderSamples(input, [only!]);
    const fr = emails.filter((e) => e.language === 'fr');
    expect(fr.map((e) => e.stepId)).toEqual(['thanks', 'reminder-day', 'reminder-hour']);
    expect(fr[0]!.contact.fields.language).toBe('fr');
    expect(fr[0]!.contact.id).toBe(only!.id);
    expect(only!.fields.language).toBe('en'); // the caller's contact is left as it was
  });

  it('builds the email the engine sends: the same renderer, both parts, unsubscribe headers, a thread', () => {
    const input = example('business-day-sequence');
    const emails = renderSamples(input, sampleContacts(input.scenario, 1));
    const bump = emails.find((e) => e.step.thread === 'intro')!;
    const intro = emails.find((e) => e.stepId === 'intro')!;
    expect(bump.rendered.subject).toBe(`Re: ${intro.rendered.subject}`);
    expect(bump.rendered.inReplyTo).toBe(intro.rendered.messageId);
    expect(bump.rendered.headers['List-Unsubscribe-Post']).toBe('List-Unsubscribe=One-Click');
    expect(bump.rendered.text).toContain('-- \n');
    const unsubscribe = /<(http[^>]+)>/.exec(bump.rendered.headers['List-Unsubscribe']!)![1]!;
    expect(bump.rendered.text).toContain(unsubscribe);
    // Rendering again gives the same bytes: previews do not change from run to run.
    expect(renderSamples(input, sampleContacts(input.scenario, 1))).toEqual(emails);
    expect(chooseVariant(bump.step, bump.contact.fields.language, input.scenario.spec.language)).toBe(bump.language);
  });

  it('lists the variables a contact does not provide, except where the template guards them', () => {
    const input = example('event');
    const bare: SampleContact = { id: 'c1', email: 'ana@acme.test', fields: { email: 'ana@acme.test', language: 'en' } };
    const thanks = renderSamples(input, [bare]).find((e) => e.stepId === 'thanks' && e.language === 'en')!;
    // {{session}} in the subject and the body; {{default firstName …}} and {{#if venue}} are guarded.
    expect(thanks.unresolved).toEqual(['eventDate', 'session']);
  });

  it('throws a named error for an email it cannot render, or hands it to onError', async () => {
    const dir = await tempDir({
      't.yaml': 'apiVersion: relance/v1\nkind: Scenario\nmetadata:\n  name: t\nspec:\n  entry:\n    lists: [l]\n  sender:\n    email: a@acme.test\n  steps:\n    - id: a\n      type: email\n      template: mail/a\n      subject: Hi\n    - id: b\n      type: email\n      template: mail/b\n      subject: Hi\n',
      'mail/a.html.hbs': '<p>{{#if x}}unclosed</p>',
      'mail/b.html.hbs': '<p>fine</p>',
    });
    const { scenario } = loadScenarioFile(`${dir}/t.yaml`);
    const contacts = sampleContacts(scenario!, 1);
    expect(() => renderSamples({ file: `${dir}/t.yaml`, scenario: scenario! }, contacts)).toThrow(SampleRenderError);
    const errors: SampleRenderError[] = [];
    const emails = renderSamples({ file: `${dir}/t.yaml`, scenario: scenario! }, contacts, { onError: (e) => errors.push(e) });
    expect(emails.map((e) => e.stepId)).toEqual(['b']);
    expect(errors.map((e) => [e.stepId, e.code])).toEqual([['a', 'SAMPLE_RENDER']]);
    expect(errors[0]!.message).toContain('a.html.hbs:1:');
  });
});
