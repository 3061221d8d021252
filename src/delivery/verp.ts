/**
 * VERP (variable envelope return path): every email goes out with the envelope sender
 * `bounces+<id>@<domain>`, `<id>` being its Message-ID's 32 hex digits, so a bounce that comes
 * back without the original's headers still names the send it is about. The address is
 * `RELANCE_BOUNCE_ADDRESS` (default `bounces@<the sender's domain>`); `off` sends with the From
 * address as the envelope sender, as before.
 */

const ID = /^<?([0-9a-f]{32})@[^>]+>?$/;

/** The envelope sender of a send, or undefined when VERP is off or the Message-ID is not relance's. */
export function verpAddress(bounceAddress: string | undefined, senderDomain: string, messageId: string): string | undefined {
  if (bounceAddress === 'off') return undefined;
  const id = ID.exec(messageId)?.[1];
  if (!id) return undefined;
  const base = bounceAddress && bounceAddress.includes('@') ? bounceAddress : `bounces@${senderDomain}`;
  const at = base.lastIndexOf('@');
  const local = base.slice(0, at).replace(/\+.*$/, '');
  return `${local}+${id}@${base.slice(at + 1)}`;
}

/** The 32 hex digits of a relance Message-ID (`<id@domain>`), or of a bare id; undefined otherwise. */
export function sendIdOf(ref: string): string | undefined {
  const trimmed = ref.trim();
  if (/^[0-9a-f]{32}$/.test(trimmed)) return trimmed;
  return ID.exec(trimmed)?.[1];
}
