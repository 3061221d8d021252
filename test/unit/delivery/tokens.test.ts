import { createHmac } from 'node:crypto';
import { chmodSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { linkDigest, loadOrCreateSecret, resolveSecret, SecretError, signToken, verifyToken, type TokenPayload } from '../../../src/delivery/tokens.js';
import { tempDir } from '../../helpers/temp-dir.js';

const SECRET = 'test-secret-0123456789abcdef';
const payload: TokenPayload = { scenario: 'welcome', contactId: 'c-42', step: 'hello', kind: 'unsubscribe' };

/** Signs any JSON text with the real secret: what an attacker could do only with a bug elsewhere. */
function signRaw(json: string, secret = SECRET): string {
  const body = Buffer.from(json).toString('base64url');
  return `${body}.${createHmac('sha256', secret).update('relance.v1.').update(body).digest('base64url')}`;
}

describe('signed tokens', () => {
  it('round-trips', () => {
    const token = signToken(payload, SECRET);
    expect(token).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{43}$/);
    const check = verifyToken(token, SECRET, { kind: 'unsubscribe' });
    expect(check).toEqual({ ok: true, payload: { ...payload } });
    expect(verifyToken(token, Buffer.from(SECRET)).ok).toBe(true);
  });

  it('returns a null-prototype payload', () => {
    const check = verifyToken(signToken(payload, SECRET), SECRET);
    expect(check.ok && Object.getPrototypeOf(check.payload)).toBe(null);
  });

  it('refuses a token signed with another secret (forged)', () => {
    const forged = signToken(payload, 'another-secret-0123456789');
    expect(verifyToken(forged, SECRET)).toEqual({ ok: false, reason: 'signature' });
    expect(verifyToken('hello.world', SECRET)).toEqual({ ok: false, reason: 'signature' });
  });

  it('refuses truncated tokens', () => {
    const token = signToken(payload, SECRET);
    const [body, sig] = token.split('.') as [string, string];
    expect(verifyToken(token.slice(0, -1), SECRET).ok).toBe(false);
    expect(verifyToken(token.slice(0, -20), SECRET).ok).toBe(false);
    expect(verifyToken(`${body}.`, SECRET)).toEqual({ ok: false, reason: 'malformed' });
    expect(verifyToken(body, SECRET)).toEqual({ ok: false, reason: 'malformed' });
    expect(verifyToken(`.${sig}`, SECRET)).toEqual({ ok: false, reason: 'malformed' });
    expect(verifyToken(`${body.slice(1)}.${sig}`, SECRET)).toEqual({ ok: false, reason: 'signature' });
  });

  it('refuses a tampered payload', () => {
    const token = signToken(payload, SECRET);
    const sig = token.split('.')[1]!;
    const other = Buffer.from(JSON.stringify({ s: 'welcome', c: 'c-43', t: 'hello', k: 'u' })).toString('base64url');
    expect(verifyToken(`${other}.${sig}`, SECRET)).toEqual({ ok: false, reason: 'signature' });
    const flipped = token[0] === 'e' ? `f${token.slice(1)}` : `e${token.slice(1)}`;
    expect(verifyToken(flipped, SECRET).ok).toBe(false);
  });

  it('refuses a non-canonical encoding of a valid signature', () => {
    const token = signToken(payload, SECRET);
    // The last base64url character of a 32-byte MAC carries 2 unused bits: another letter decodes to the same bytes.
    const last = token.at(-1)!;
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const twin = alphabet[alphabet.indexOf(last) ^ 1]!;
    const variant = token.slice(0, -1) + twin;
    expect(Buffer.from(variant.split('.')[1]!, 'base64url')).toEqual(Buffer.from(token.split('.')[1]!, 'base64url'));
    expect(verifyToken(variant, SECRET).ok).toBe(false);
  });

  it('refuses expired tokens, accepts them before expiry', () => {
    const token = signToken({ ...payload, kind: 'open', exp: 1_800_000_000 }, SECRET);
    expect(verifyToken(token, SECRET, { now: 1_799_999_999_000 }).ok).toBe(true);
    expect(verifyToken(token, SECRET, { now: 1_800_000_000_000 })).toEqual({ ok: false, reason: 'expired' });
    const old = signToken({ ...payload, kind: 'open', exp: 1_000_000_000 }, SECRET); // 2001, against the real clock
    expect(verifyToken(old, SECRET)).toEqual({ ok: false, reason: 'expired' });
  });

  it('refuses the wrong kind', () => {
    const open = signToken({ ...payload, kind: 'open' }, SECRET);
    expect(verifyToken(open, SECRET, { kind: 'unsubscribe' })).toEqual({ ok: false, reason: 'kind' });
    expect(verifyToken(open, SECRET, { kind: ['open', 'view'] }).ok).toBe(true);
  });

  it('binds click tokens to a link id, and the visit of the send', () => {
    const url = 'https://acme.example/pricing?plan=pro';
    const click = signToken({ ...payload, kind: 'click', visit: 1_790_000_000, link: linkDigest(url) }, SECRET);
    const check = verifyToken(click, SECRET, { kind: 'click' });
    expect(check.ok && [check.payload.link, check.payload.visit]).toEqual([linkDigest(url), 1_790_000_000]);
    expect(verifyToken(click, SECRET, { kind: 'click', url }).ok).toBe(true);
    expect(verifyToken(click, SECRET, { kind: 'click', url: 'https://evil.example/' })).toEqual({ ok: false, reason: 'link' });
    // A click token without a link id (the link id then follows it in the URL) checks against none.
    const bare = signToken({ ...payload, kind: 'click' }, SECRET);
    expect(verifyToken(bare, SECRET, { kind: 'click' }).ok).toBe(true);
    expect(verifyToken(bare, SECRET, { kind: 'click', url })).toEqual({ ok: false, reason: 'link' });
  });

  it('refuses __proto__ and other payload tricks, even correctly signed', () => {
    const tricks = [
      '{"s":"a","c":"b","t":"c","k":"u","__proto__":{"exp":1}}',
      '{"__proto__":{"s":"a","c":"b","t":"c","k":"u"}}',
      '{"s":"a","c":"b","t":"c","k":"__proto__"}',
      '{"s":"a","c":"b","t":"c","k":"constructor"}',
      '{"s":"a","c":"b","t":"c","k":"toString"}',
      '{"s":"a","c":"b","t":"c","k":"u","constructor":{"prototype":{"x":1}}}',
      '{"s":{"toString":"a"},"c":"b","t":"c","k":"u"}',
      '{"s":"a","c":"b","t":"c","k":"u","e":"1900000000"}',
      '{"s":"a","c":"b","t":"c","k":"u","e":-5}',
      '{"s":"","c":"b","t":"c","k":"u"}',
      '["a","b","c","u"]',
      'null',
      '"u"',
      '{"s":"a","c":"b","t":"c"',
    ];
    for (const json of tricks) expect(verifyToken(signRaw(json), SECRET), json).toEqual({ ok: false, reason: 'payload' });
    expect(({} as Record<string, unknown>).exp).toBeUndefined();
    expect(verifyToken(signRaw('{"s":"a","c":"b","t":"c","k":"u"}'), SECRET).ok).toBe(true);
  });

  it('refuses junk without throwing', () => {
    for (const junk of [undefined, null, 42, {}, '', '.', '..', 'a.b.c', 'é.é', 'a b.c', 'x'.repeat(5000)]) {
      expect(verifyToken(junk, SECRET).ok, String(junk)).toBe(false);
    }
  });

  it('requires a real secret', () => {
    expect(() => signToken(payload, 'short')).toThrow(SecretError);
    expect(() => verifyToken('a.b', '')).toThrow(SecretError);
    expect(() => signToken({ ...payload, kind: '__proto__' as never }, SECRET)).toThrow(TypeError);
  });
});

describe('the secret', () => {
  it('comes from RELANCE_SECRET when set', async () => {
    const dir = await tempDir({});
    expect(resolveSecret({ env: { RELANCE_SECRET: SECRET }, dir }).toString()).toBe(SECRET);
    expect(() => resolveSecret({ env: { RELANCE_SECRET: 'short' }, dir })).toThrow(SecretError);
  });

  it('is generated once into .relance/secret with mode 0600, then reused', async () => {
    const root = await tempDir({});
    const dir = join(root, '.relance');
    const first = resolveSecret({ env: {}, dir });
    expect(first.length).toBe(64);
    expect(statSync(join(dir, 'secret')).mode & 0o777).toBe(0o600);
    expect(resolveSecret({ env: {}, dir })).toEqual(first);
    expect(readFileSync(join(dir, 'secret'), 'utf8').trim()).toBe(first.toString());
  });

  it('tightens a secret file readable by others, refuses a short one', async () => {
    const dir = await tempDir({});
    writeFileSync(join(dir, 'secret'), 'a-long-enough-secret-value\n');
    chmodSync(join(dir, 'secret'), 0o644);
    expect(loadOrCreateSecret(dir).toString()).toBe('a-long-enough-secret-value');
    expect(statSync(join(dir, 'secret')).mode & 0o777).toBe(0o600);
    writeFileSync(join(dir, 'secret'), 'tiny');
    expect(() => loadOrCreateSecret(dir)).toThrow(SecretError);
  });
});
