import { beforeAll, describe, expect, it } from 'vitest';
import { stepWords } from '../../../src/preview/step-words.js';
import { whoWords } from '../../../src/preview/who-words.js';
import { validatePaths, type ValidScenario } from '../../../src/validate/validate.js';

let examples: Map<string, ValidScenario>;
beforeAll(async () => {
  examples = new Map((await validatePaths(['scenarios'])).scenarios.map((s) => [s.scenario.metadata.name, s]));
});

function words(name: string, step: string): { audience: string; delay: string } {
  const s = examples.get(name)!;
  return stepWords(s.scenario, s.graph, step);
}

describe('who receives an email step and when, in words', () => {
  it('takes a catalogue campaign\'s audience and its delay from the previous campaign, within the sending window', () => {
    expect(words('standard', 'global-1')).toEqual({
      audience: 'all recipients of the initial email, except form',
      delay: '4 days after the previous email (“Initial email”) — then it waits for the sending window (tue wed thu, 09:00-11:00, 14:00-16:00, America/Chicago)',
    });
    expect(words('standard', 'initial').delay).toMatch(/^as soon as the contact enters — /);
  });

  it('reads a step graph: the conditions on the way, negated as a sentence, and the waits added up', () => {
    expect(words('reactivation', 'offer').audience).toBe(
      'contacts who received “Do you still want to hear from us?” and did not bounce on the previous email and did not submit the form and did not open or click the previous email',
    );
    expect(words('reactivation', 'offer').delay).toMatch(/^7 days after the previous email \(“Do you still want to hear from us\?”\)/);
    expect(words('business-day-sequence', 'bump').delay).toMatch(/^2 business days after the previous email \(“Intro”\) — then it waits for the sending window \(business days, 08:30-11:30, 13:30-17:00, holidays off, America\/New_York\)$/);
  });

  it('says waits relative to a contact field or a date, and each way in when there are several', () => {
    expect(words('event', 'reminder-day')).toEqual({ audience: 'contacts who received “Thanks for registering”', delay: '1 day before the contact\'s eventDate' });
    expect(words('event', 'replay')).toEqual({
      audience: 'contacts who received “Reminder, 1 hour before” and have attended ≠ true',
      delay: '1 day after the contact\'s eventDate, then on 2026-10-20 at 10:00 (at once if later)',
    });
    expect(words('event', 'next-steps').audience).toBe('contacts who received “Thanks for coming + survey”; or contacts who received “Sorry we missed you + replay”');
    expect(words('visit-invite-message', 'message').audience).toContain('contacts who received “Invitation to connect” and, within 15 days, have status connected');
  });

  it('words conditions after "contacts who"', () => {
    const naming = { label: (id: string) => id.toUpperCase(), previous: 'a' };
    expect(whoWords({ not: { opened: 'a' } }, naming)).toBe('did not open the previous email');
    expect(whoWords({ clicked: 'b' }, naming)).toBe('clicked in “B”');
    expect(whoWords({ not: { any: [{ replied: 'any' }, { tag: 'vip' }] } }, naming)).toBe('did not reply to any email and are not tagged vip');
    expect(whoWords({ not: { field: 'country', in: ['FR', 'BE'] } }, naming)).toBe('have country not in FR, BE');
    expect(whoWords({ field: 'phone', exists: true }, naming)).toBe('have a phone');
    expect(whoWords({ not: { field: 'phone', exists: true } }, naming)).toBe('have no phone');
    expect(whoWords({ not: { score: { gt: 40 } } }, naming)).toBe('have score ≤ 40');
    expect(whoWords({ not: { formSubmitted: true } }, naming)).toBe('did not submit the form');
  });
});
