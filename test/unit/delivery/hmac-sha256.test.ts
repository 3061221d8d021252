import { createHmac, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { hmacSha256 } from '../../../src/delivery/hmac-sha256.js';

const reference = (key: Buffer, prefix: string, message: string): string => createHmac('sha256', key).update(prefix).update(message).digest('hex');

describe('hmacSha256', () => {
  it('is HMAC-SHA256 of prefix + message: RFC 4231 test case 2', () => {
    const mac = hmacSha256(Buffer.from('Jefe'));
    expect(mac('what do ya want for nothing?').toString('hex')).toBe('5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843');
  });

  it('agrees with createHmac for keys shorter than, equal to and longer than a block, any message', () => {
    const messages = ['', 'a', 'relance', 'é€😀 and a lone \ud800', 'x'.repeat(1023), 'y'.repeat(5000), 'eyJzIjoibmV3cyJ9'];
    for (const length of [1, 16, 63, 64, 65, 200]) {
      const key = randomBytes(length);
      for (const prefix of ['', 'relance.v1.']) {
        const mac = hmacSha256(key, prefix);
        // Twice each, long after short: the scratch buffer grows and is reused without leftovers.
        for (const message of [...messages, ...messages.reverse()]) expect(mac(message).toString('hex')).toBe(reference(key, prefix, message));
      }
    }
  });

  it('returns a fresh buffer each call', () => {
    const mac = hmacSha256(Buffer.from('k'.repeat(32)));
    const first = mac('one');
    const copy = Buffer.from(first);
    mac('two');
    expect(first.equals(copy)).toBe(true);
  });
});
