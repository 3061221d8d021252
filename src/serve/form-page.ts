import { escapeHtml } from '../delivery/helpers.js';

/**
 * Nothing on the page runs or loads anything: even a bug in the escaping could not run a script
 * (inline styles only).
 */
export const PAGE_HEADERS = {
  'content-type': 'text/html; charset=utf-8',
  'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-store',
} as const;

/** The small page an HTML form post gets back: a thank-you and what was sent, every value escaped. */
export function thankYouPage(title: string | undefined, fields: Record<string, string>): string {
  const rows = Object.entries(fields)
    .map(([name, value]) => `<dt>${escapeHtml(name)}</dt><dd>${escapeHtml(value)}</dd>`)
    .join('');
  const heading = escapeHtml(title ?? 'Thank you');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><meta name="robots" content="noindex">
<title>${heading}</title>
<style>body{font-family:system-ui,sans-serif;max-width:36rem;margin:3rem auto;padding:0 1rem;color:#222}dt{font-weight:600;margin-top:.5rem}dd{margin:0;white-space:pre-wrap;overflow-wrap:anywhere}</style>
</head><body><h1>${heading}</h1><p>Thank you: your answers were received.</p>${rows ? `<dl>${rows}</dl>` : ''}</body></html>
`;
}

/** The form page's headers: as above, but its own form may post back here. */
export const FORM_PAGE_HEADERS = { ...PAGE_HEADERS, 'content-security-policy': PAGE_HEADERS['content-security-policy'].replace("form-action 'none'", "form-action 'self'") };

const INPUT_TYPES: Record<string, string> = { text: 'text', email: 'email', phone: 'tel', number: 'number', date: 'date', checkbox: 'checkbox' };

interface FormSpec {
  title?: string;
  fields?: Array<{ name: string; label?: string; type?: string; required?: boolean; options?: string[] }>;
}

/**
 * The scenario's form, for people who follow `{{formUrl}}`: its fields as the scenario declares
 * them, posted back to the same address (with the email's `t`, which names the contact). The
 * `website` field is the honeypot: hidden from people, filled in by bots.
 */
export function formPage(form: FormSpec, knowsContact: boolean): string {
  const fields = [...(form.fields ?? [])];
  if (!knowsContact && !fields.some((f) => f.name === 'email')) fields.unshift({ name: 'email', label: 'Email', type: 'email', required: true });
  const inputs = fields.map((f) => {
    const name = escapeHtml(f.name);
    const label = escapeHtml(f.label ?? f.name);
    const required = f.required ? ' required' : '';
    let control: string;
    if (f.type === 'select') control = `<select id="${name}" name="${name}"${required}><option value=""></option>${(f.options ?? []).map((o) => `<option>${escapeHtml(o)}</option>`).join('')}</select>`;
    else if (f.type === 'textarea') control = `<textarea id="${name}" name="${name}" rows="4"${required}></textarea>`;
    else control = `<input id="${name}" name="${name}" type="${INPUT_TYPES[f.type ?? 'text'] ?? 'text'}"${f.type === 'checkbox' ? ' value="yes"' : ''}${required}>`;
    return `<p><label for="${name}">${label}</label>${control}</p>`;
  }).join('');
  const heading = escapeHtml(form.title ?? 'Form');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><meta name="robots" content="noindex">
<title>${heading}</title>
<style>body{font-family:system-ui,sans-serif;max-width:36rem;margin:3rem auto;padding:0 1rem;color:#222}label{display:block;font-weight:600;margin-bottom:.25rem}input,select,textarea{width:100%;padding:.4rem;box-sizing:border-box}input[type=checkbox]{width:auto}.hp{position:absolute;left:-10000px}</style>
</head><body><h1>${heading}</h1><form method="post">${inputs}<p class="hp" aria-hidden="true"><label for="website">Website</label><input id="website" name="website" tabindex="-1" autocomplete="off"></p><p><button type="submit">Send</button></p></form></body></html>
`;
}
