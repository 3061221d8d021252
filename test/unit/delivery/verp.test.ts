import { describe, expect, it } from 'vitest';
import { messageIdFor } from '../../../src/delivery/render.js';
import { sendIdOf, verpAddress } from '../../../src/delivery/verp.js';

const ID = messageIdFor({ secret: 'verp-test-secret-0123456789abcdef', domain: 'acme.example', scenario: 's', step: 'hello', contactId: '7', visit: 1_750_000_000 });
const HEX = ID.slice(1, 33);

describe('VERP envelope senders', () => {
  it('tags the bounce address with the Message-ID’s 32 hex digits', () => {
    expect(ID).toMatch(/^<[0-9a-f]{32}@acme\.example>$/);
    expect(verpAddress(undefined, 'acme.example', ID)).toBe(`bounces+${HEX}@acme.example`);
    expect(verpAddress('returns@bounce.acme.example', 'acme.example', ID)).toBe(`returns+${HEX}@bounce.acme.example`);
    // A tag of the operator's own is replaced, not stacked.
    expect(verpAddress('returns+old@bounce.acme.example', 'acme.example', ID)).toBe(`returns+${HEX}@bounce.acme.example`);
  });

  it('is off when asked, and for a Message-ID that is not relance’s', () => {
    expect(verpAddress('off', 'acme.example', ID)).toBeUndefined();
    expect(verpAddress(undefined, 'acme.example', '<first-email@mail.acme.example>')).toBeUndefined();
  });

  it('reads the id back from a Message-ID, with or without brackets, or a bare id', () => {
    expect(sendIdOf(ID)).toBe(HEX);
    expect(sendIdOf(ID.slice(1, -1))).toBe(HEX);
    expect(sendIdOf(` ${HEX} `)).toBe(HEX);
    expect(sendIdOf('<CAF=abc@mail.gmail.com>')).toBeUndefined();
    expect(sendIdOf(`<${HEX.toUpperCase()}@acme.example>`)).toBeUndefined();
  });
});
