const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/**
 * Text and attribute values of the gallery: subjects, names and addresses come from templates
 * and contact data, so every one of them is escaped, quotes included.
 */
export function esc(value: unknown): string {
  return String(value ?? '').replace(/[&<>"']/g, (c) => ENTITIES[c]!);
}

/** A path relative to the gallery, as an `href`/`src`: each segment percent-encoded, then escaped. */
export function href(path: string): string {
  return esc(path.split('/').map(encodeURIComponent).join('/'));
}
