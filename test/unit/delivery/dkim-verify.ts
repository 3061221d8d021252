import { createHash, verify, type KeyObject } from 'node:crypto';

/**
 * A DKIM verifier for tests (RFC 6376, rsa-sha256, simple or relaxed canonicalization): checks
 * the body hash and the signature of a received message against the signer's public key.
 * Returns what failed, or `undefined` when the signature holds.
 */
export function verifyDkim(raw: string, publicKey: KeyObject): string | undefined {
  const split = raw.indexOf('\r\n\r\n');
  const head = raw.slice(0, split + 2);
  const body = raw.slice(split + 4);
  // Header fields, unfolded later: each keeps its continuation lines.
  const fields = head.split(/\r\n(?![ \t])/).filter(Boolean).map((f) => f.replace(/\r\n$/, ''));
  const signatureField = fields.find((f) => /^dkim-signature:/i.test(f));
  if (!signatureField) return 'no DKIM-Signature';
  const tags = new Map(signatureField.slice(signatureField.indexOf(':') + 1).replace(/\s+/g, '').split(';').filter(Boolean).map((t) => [t.slice(0, t.indexOf('=')), t.slice(t.indexOf('=') + 1)] as const));
  if (tags.get('a') !== 'rsa-sha256') return `unexpected algorithm ${tags.get('a')}`;
  const [headerCanon, bodyCanon = 'simple'] = (tags.get('c') ?? 'simple/simple').split('/');

  const canonicalBody = bodyCanon === 'relaxed'
    ? body.split('\r\n').map((l) => l.replace(/[ \t]+/g, ' ').replace(/ $/, '')).join('\r\n').replace(/(\r\n)*$/, '') + '\r\n'
    : body.replace(/(\r\n)*$/, '') + '\r\n';
  const bodyHash = createHash('sha256').update(canonicalBody).digest('base64');
  if (bodyHash !== tags.get('bh')) return 'body hash mismatch';

  const canon = (field: string): string => {
    if (headerCanon !== 'relaxed') return field;
    const colon = field.indexOf(':');
    return `${field.slice(0, colon).trim().toLowerCase()}:${field.slice(colon + 1).replace(/\r\n(?=[ \t])/g, '').replace(/[ \t]+/g, ' ').trim()}`;
  };
  // Each name in h= takes the last unused instance of that field, from the bottom up.
  const used = new Set<number>();
  const signed: string[] = [];
  for (const name of (tags.get('h') ?? '').split(':')) {
    for (let i = fields.length - 1; i >= 0; i--) {
      if (used.has(i) || fields[i]!.slice(0, fields[i]!.indexOf(':')).trim().toLowerCase() !== name.toLowerCase()) continue;
      used.add(i);
      signed.push(canon(fields[i]!) + '\r\n');
      break;
    }
  }
  signed.push(canon(signatureField.replace(/(\bb=)[^;]*/, '$1')));
  const ok = verify('sha256', Buffer.from(signed.join('')), publicKey, Buffer.from(tags.get('b')!, 'base64'));
  return ok ? undefined : 'signature mismatch';
}
