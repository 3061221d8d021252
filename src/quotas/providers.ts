import type { Quotas } from '../schema/scenario.gen.js';

export type Provider = keyof Quotas;

/**
 * Weekly sending limits per mailbox provider (000), and the recipient domains that identify
 * each one. Office365, GoDaddy and Rackspace host custom domains: they are recognised by their
 * own domains here, and by MX records at send time.
 */
export const PROVIDERS: Record<Provider, { limit: number; label: string; domains: string[] }> = {
  outlook: { limit: 100, label: 'Outlook', domains: ['outlook.com', 'hotmail.com', 'live.com', 'msn.com', 'hotmail.fr', 'live.fr', 'outlook.fr'] },
  office365: { limit: 10_000, label: 'Office365', domains: ['onmicrosoft.com'] },
  aol: { limit: 100, label: 'AOL', domains: ['aol.com', 'aol.fr', 'aim.com'] },
  godaddy: { limit: 250, label: 'GoDaddy', domains: ['secureserver.net'] },
  rackspace: { limit: 10_000, label: 'Rackspace', domains: ['emailsrvr.com'] },
  yandex: { limit: 500, label: 'Yandex', domains: ['yandex.com', 'yandex.ru', 'ya.ru'] },
  gmail: { limit: 2_500, label: 'Gmail', domains: ['gmail.com', 'googlemail.com'] },
  others: { limit: 500, label: 'other providers', domains: [] },
};

export function providerOf(email: string): Provider {
  const domain = email.slice(email.lastIndexOf('@') + 1).toLowerCase();
  for (const [name, p] of Object.entries(PROVIDERS) as Array<[Provider, (typeof PROVIDERS)[Provider]]>) {
    if (p.domains.some((d) => domain === d || domain.endsWith(`.${d}`))) return name;
  }
  return 'others';
}
