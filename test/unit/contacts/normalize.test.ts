import { describe, expect, it } from 'vitest';
import { fieldForHeader, isScore, isValidEmail, looksLikeFormula, mapHeaders, normalizeEmail } from '../../../src/contacts/normalize.js';
import { SeenEmails } from '../../../src/contacts/seen-emails.js';

describe('email addresses', () => {
  it('normalises by trimming and lower-casing', () => {
    expect(normalizeEmail('  Alice.Martin@Example.COM \t')).toBe('alice.martin@example.com');
  });

  it.each([
    'a@example.com',
    'first.last+tag@sub.example.co.uk',
    "o'brien@example.ie",
    'x@xn--bcher-kva.example',
    'jean@société.fr',
    `${'l'.repeat(64)}@example.com`,
  ])('accepts %s', (email) => expect(isValidEmail(email)).toBe(true));

  it.each([
    ['', 'empty'],
    ['plainaddress', 'no @'],
    ['a@b@example.com', 'two @'],
    ['@example.com', 'empty local part'],
    ['a@localhost', 'no dot in the domain'],
    ['a b@example.com', 'a space'],
    ['a@exa mple.com', 'a space in the domain'],
    ['.a@example.com', 'leading dot'],
    ['a..b@example.com', 'double dot'],
    ['a@example..com', 'empty label'],
    ['a@-example.com', 'label starting with a dash'],
    ['a@1.2.3.4', 'an IP address'],
    ['"quoted"@example.com', 'a quoted local part'],
    ['a@example.com,b@example.com', 'two addresses'],
    [`${'l'.repeat(65)}@example.com`, 'local part over 64'],
    [`${'l'.repeat(60)}@${`${'d'.repeat(60)}.`.repeat(4)}com`, 'over 254 (305)'],
  ])('refuses %s (%s)', (email) => expect(isValidEmail(email)).toBe(false));
});

describe('headers', () => {
  it('maps common aliases, English and French, whatever the case, accents and punctuation', () => {
    const aliases: Record<string, string> = {
      'E-mail': 'email', 'Email Address': 'email', Courriel: 'email', first_name: 'firstName', 'First Name': 'firstName', prénom: 'firstName',
      Prenom: 'firstName', 'Last Name': 'lastName', Nom: 'lastName', Société: 'company', 'Job Title': 'jobTitle', Téléphone: 'phone',
      Pays: 'country', Ville: 'city', Langue: 'language', SCORE: 'score', Tags: 'tags', Statut: 'status',
    };
    for (const [header, field] of Object.entries(aliases)) expect(fieldForHeader(header), header).toEqual({ field });
  });

  it('camelCases other headers and refuses unsafe ones', () => {
    expect(fieldForHeader('Event date')).toEqual({ field: 'eventDate' });
    expect(fieldForHeader("Date d'événement")).toEqual({ field: 'dateDEvenement' });
    expect(fieldForHeader('eventDate')).toEqual({ field: 'eventDate' });
    expect(fieldForHeader('OPT_IN')).toEqual({ field: 'optIn' });
    expect(fieldForHeader('\uFEFF  plan  ')).toEqual({ field: 'plan' });
    for (const bad of ['__proto__', 'constructor', 'prototype', 'Constructor', '__defineGetter__', 'toString', '123', '', '  ', '🎉', 'x'.repeat(65)]) {
      expect(fieldForHeader(bad), bad).toHaveProperty('reason');
    }
  });

  it('finds the email column and ignores a second column for the same field', () => {
    expect(mapHeaders(['Name', 'E-mail', 'email', '__proto__'])).toEqual({
      fields: ['name', 'email', null, null],
      emailIndex: 1,
      ignored: [
        { column: 3, header: 'email', reason: 'same field (email) as column 2' },
        { column: 4, header: '__proto__', reason: '"__proto__" is a reserved name' },
      ],
    });
    expect(mapHeaders(['name']).emailIndex).toBe(-1);
  });
});

describe('cells', () => {
  it('spots formula-looking cells but not numbers or phone numbers', () => {
    for (const cell of ['=1+1', '+cmd', '-2+3', '@SUM(A1)', '\t=1', '\rfoo', '=HYPERLINK("x")']) expect(looksLikeFormula(cell, cell.trim()), cell).toBe(true);
    for (const cell of ['-5', '+33 6 12 34 56 78', '+1 (555) 010-0199', '-0.5', 'plain', 'a=b', '']) expect(looksLikeFormula(cell, cell.trim()), cell).toBe(false);
  });

  it('accepts decimal scores, with a dot or a comma', () => {
    for (const s of ['0', '12', '-3', '+4', '3.5', '3,5', '.5']) expect(isScore(s), s).toBe(true);
    for (const s of ['lots', '1e3', '1.2.3', '12 points', '0x10', 'NaN', 'Infinity', '-']) expect(isScore(s), s).toBe(false);
  });
});

describe('duplicate detection table', () => {
  it('returns the first line of an address already seen, across growth', () => {
    const seen = new SeenEmails();
    for (let i = 0; i < 100_000; i++) expect(seen.add(`user${i}@example.com`, i + 2)).toBe(0);
    expect(seen.size).toBe(100_000);
    expect(seen.add('user0@example.com', 999_999)).toBe(2);
    expect(seen.add('user99999@example.com', 999_999)).toBe(100_001);
    expect(seen.add('someone-else@example.com', 999_999)).toBe(0);
  });
});
