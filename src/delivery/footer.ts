import type { Unsubscribe } from '../schema/scenario.gen.js';
import { escapeHtml, renderTemplate, type RenderData } from './helpers.js';
import { escapeAttribute, htmlToText } from './html.js';

/**
 * Built-in unsubscribe texts (SPEC 3.3: in the scenario's language): the email's footer, and the
 * words of the unsubscribe page (`serve/unsubscribe.ts`). The languages must match
 * FOOTER_LANGUAGES in `validate/rules/unsubscribe.ts`, which refuses a scenario without one.
 */
export const FOOTER_TEXTS: Readonly<Record<string, { question: string; action: string; done: string; invalid: string }>> = {
  en: { question: 'No longer want to receive these emails?', action: 'Unsubscribe',
    done: 'You are unsubscribed. You will not receive these emails any more.', invalid: 'This unsubscribe link is not valid.' },
  fr: { question: 'Vous ne souhaitez plus recevoir ces emails ?', action: 'Se désinscrire',
    done: 'Vous êtes désinscrit. Vous ne recevrez plus ces emails.', invalid: 'Ce lien de désinscription n’est pas valide.' },
  de: { question: 'Sie möchten diese E-Mails nicht mehr erhalten?', action: 'Abmelden',
    done: 'Sie sind abgemeldet. Sie erhalten diese E-Mails nicht mehr.', invalid: 'Dieser Abmeldelink ist ungültig.' },
  es: { question: '¿Ya no desea recibir estos correos?', action: 'Darse de baja',
    done: 'Se ha dado de baja. Ya no recibirá estos correos.', invalid: 'Este enlace de baja no es válido.' },
  it: { question: 'Non desideri più ricevere queste email?', action: 'Annulla l’iscrizione',
    done: 'Iscrizione annullata. Non riceverai più queste email.', invalid: 'Questo link di annullamento non è valido.' },
  nl: { question: 'Wilt u deze e-mails niet meer ontvangen?', action: 'Afmelden',
    done: 'U bent afgemeld. U ontvangt deze e-mails niet meer.', invalid: 'Deze afmeldlink is niet geldig.' },
  pt: { question: 'Não deseja mais receber estes e-mails?', action: 'Cancelar inscrição',
    done: 'A sua inscrição foi cancelada. Não receberá mais estes e-mails.', invalid: 'Este link de cancelamento não é válido.' },
};

function builtIn(language: string | undefined): string | undefined {
  const base = language?.slice(0, 2).toLowerCase();
  return base && Object.hasOwn(FOOTER_TEXTS, base) ? base : undefined;
}

/** The class of the footer relance adds: the email lint tells the template's own links from it. */
export const FOOTER_CLASS = 'relance-footer';

/**
 * Language of the footer: `unsubscribe.language` when set; else the email's own language when a
 * built-in text exists for it (a French variant gets a French footer); else the scenario's.
 */
export function footerLanguage(unsubscribe: Unsubscribe | undefined, emailLanguage: string | undefined, scenarioLanguage: string | undefined): string {
  return builtIn(unsubscribe?.language) ?? builtIn(emailLanguage) ?? builtIn(scenarioLanguage) ?? 'en';
}

export interface Footer {
  html: string;
  text: string;
}

const STYLE = 'margin:32px 0 0;font-size:12px;line-height:1.5;color:#6b7280';
const LOOKS_LIKE_HTML = /<[a-zA-Z][^>]*>/;

/**
 * The footer for one email. `unsubscribe.text` (Handlebars, with the same context as the email)
 * replaces the built-in text; plain text gets its `{{unsubscribeUrl}}` turned into a link in the
 * HTML part, HTML text is used as it is. Either way the link is always there: if the text lost it,
 * it is appended.
 */
export function renderFooter(options: {
  unsubscribe: Unsubscribe | undefined;
  language: string;
  unsubscribeUrl: string;
  context: unknown;
  data: RenderData;
}): Footer {
  const { unsubscribe, unsubscribeUrl: url } = options;
  const custom = unsubscribe?.text;
  if (custom !== undefined && custom.trim() !== '') {
    if (LOOKS_LIKE_HTML.test(custom)) {
      let html = renderTemplate(custom, options.context, { ...options.data, mode: 'html' });
      if (!html.includes(escapeAttribute(url)) && !html.includes(escapeHtml(url))) html += ` <a href="${escapeAttribute(url)}">${escapeHtml(url)}</a>`;
      let text = htmlToText(html);
      if (!text.includes(url)) text += `\n${url}`;
      return { html: `<div class="${FOOTER_CLASS}" style="${STYLE}">${html}</div>`, text };
    }
    let text = renderTemplate(custom, options.context, { ...options.data, mode: 'plain' }).trim();
    if (!text.includes(url)) text += ` ${url}`;
    const link = `<a href="${escapeAttribute(url)}" style="color:#6b7280">${escapeHtml(url)}</a>`;
    const html = text
      .split(url)
      .map((part) => escapeHtml(part).replace(/\r?\n/g, '<br>'))
      .join(link);
    return { html: `<p class="${FOOTER_CLASS}" style="${STYLE}">${html}</p>`, text };
  }
  const words = FOOTER_TEXTS[options.language] ?? FOOTER_TEXTS.en!;
  return {
    html: `<p class="${FOOTER_CLASS}" style="${STYLE}">${escapeHtml(words.question)} <a href="${escapeAttribute(url)}" style="color:#6b7280">${escapeHtml(words.action)}</a></p>`,
    text: `${words.question} ${words.action}: ${url}`,
  };
}
