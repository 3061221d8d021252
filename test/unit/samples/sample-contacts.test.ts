import { describe, expect, it } from 'vitest';
import { evaluate, type ContactView } from '../../../src/conditions/evaluate.js';
import { ImportError } from '../../../src/contacts/import-error.js';
import { loadScenarioFile } from '../../../src/load/load-scenario.js';
import { readSampleContacts, sampleContacts, type SampleContact } from '../../../src/samples/sample-contacts.js';
import type { Scenario } from '../../../src/schema/scenario.gen.js';
import { tempDir } from '../../helpers/temp-dir.js';

function example(name: string): Scenario {
  const { scenario } = loadScenarioFile(`scenarios/${name}.yaml`);
  if (!scenario) throw new Error(`scenarios/${name}.yaml does not load`);
  return scenario;
}

describe('sample contacts generated from a scenario', () => {
  it('are the same on every run, with valid addresses and distinct ids', () => {
    const a = sampleContacts(example('standard'), 3);
    expect(sampleContacts(example('standard'), 3)).toEqual(a);
    expect(new Set(a.map((c) => c.id)).size).toBe(3);
    for (const c of a) {
      expect(c.email).toMatch(/^[a-z.0-9]+@standard\.example$/);
      expect(c.fields.email).toBe(c.email);
    }
  });

  it('meet the entry segment of a list scenario', () => {
    const scenario = example('standard');
    for (const c of sampleContacts(scenario, 3)) {
      expect(c.fields.country).toBe('US');
      expect(c.fields.companySize as number).toBeGreaterThanOrEqual(50);
    }
  });

  it('take turns over the scenario language and every language variant of its emails', () => {
    expect(sampleContacts(example('welcome'), 3).map((c) => c.fields.language)).toEqual(['en', 'fr', 'en']);
    expect(sampleContacts(example('standard'), 2).map((c) => c.fields.language)).toEqual(['en', 'en']);
  });

  it('hold a value for each declared field, by type, a select taking the form\'s choices', () => {
    const [first, second] = sampleContacts(example('event'), 2);
    expect(first!.fields.session).toBe('Paris — 6 Oct');
    expect(second!.fields.session).toBe('Lyon — 8 Oct');
    expect(Number.isNaN(Date.parse(String(first!.fields.eventDate)))).toBe(false);
    expect(first!.fields.attended).toBe(true);
    expect(second!.fields.attended).toBe(false);
    expect(first!.fields.venue).toBe('Venue');
    for (const name of ['firstName', 'lastName', 'company', 'jobTitle', 'city', 'phone']) expect(first!.fields[name], name).toBeTruthy();
  });

  it('alternate between the segments a and b of a catalogue template that has them', () => {
    const scenario = example('hyper-personalized');
    const [a, b] = sampleContacts(scenario, 2);
    const view = (c: SampleContact): ContactView => ({ field: (name) => c.fields[name], engaged: () => false, formSubmitted: () => false });
    expect(evaluate(scenario.spec.segments!.a!, view(a!))).toBe(true);
    expect(evaluate(scenario.spec.segments!.b!, view(b!))).toBe(true);
  });
});

describe('sample contacts read from a CSV file', () => {
  it('map headers as contacts import does and report bad rows with their line', async () => {
    const dir = await tempDir({
      'c.csv': [
        'E-mail,First Name,Company,Score',
        'ana@acme.test,Ana,Acme,3',
        'not-an-address,Bob,Bobco,1',
        '',
        'ana@acme.test,Ana again,Acme,2',
        'carl@acme.test,Carl',
        'dora@acme.test,"Dora ""D""",Dora & Co,high',
        'eve@acme.test,"Eve',
        'Marie",,',
      ].join('\n'),
    });
    const { contacts, rejected } = await readSampleContacts(`${dir}/c.csv`);
    expect(contacts).toEqual([
      { id: 'sample-1', email: 'ana@acme.test', fields: { email: 'ana@acme.test', firstName: 'Ana', company: 'Acme', score: '3' } },
      { id: 'sample-2', email: 'eve@acme.test', fields: { email: 'eve@acme.test', firstName: 'Eve\nMarie' } },
    ]);
    expect(rejected).toEqual([
      { line: 3, reason: 'invalid email address "not-an-address"' },
      { line: 5, reason: 'duplicate of line 2' },
      { line: 6, reason: 'expected 4 columns, found 2' },
      { line: 7, reason: 'score must be a number, found "high"' },
    ]);
  });

  it('read a French Excel file (semicolons, CRLF, BOM) as contacts import does', async () => {
    const dir = await tempDir({ 'fr.csv': '\uFEFFEmail;First Name;Company\r\nlea@acme.test;Léa;Acme, SA\r\nbad;x\r\n' });
    const { contacts, rejected } = await readSampleContacts(`${dir}/fr.csv`);
    expect(contacts).toEqual([{ id: 'sample-1', email: 'lea@acme.test', fields: { email: 'lea@acme.test', firstName: 'Léa', company: 'Acme, SA' } }]);
    expect(rejected).toEqual([{ line: 3, reason: 'expected 3 columns, found 2' }]);
  });

  it('refuse a file without an email column, or an empty one, as a whole', async () => {
    const dir = await tempDir({ 'a.csv': 'name,company\nAna,Acme\n', 'b.csv': '\n\n' });
    await expect(readSampleContacts(`${dir}/a.csv`)).rejects.toThrow(ImportError);
    await expect(readSampleContacts(`${dir}/a.csv`)).rejects.toThrow(/no email column/);
    await expect(readSampleContacts(`${dir}/b.csv`)).rejects.toThrow(/empty/);
    await expect(readSampleContacts(`${dir}/missing.csv`)).rejects.toThrow(/cannot read/);
  });
});
