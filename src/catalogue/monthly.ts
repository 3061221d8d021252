import { expandCampaigns, reacted } from './build.js';
import type { CampaignSlot, CatalogueTemplate } from './types.js';

const slots: CampaignSlot[] = [
  { key: 'initial', label: 'Initial email', audience: 'all contacts' },
  { key: 'active-1', label: 'Follow-up 1 to actives', audience: 'actives of the initial email, except form' },
  { key: 'active-2', label: 'Follow-up 2 to actives', audience: 'actives of follow-up 1, except form' },
];

/** Prospection mensuelle (002): three emails over a month, only actives are followed up. */
export const monthly: CatalogueTemplate = {
  name: 'monthly',
  title: 'Monthly prospecting',
  description: 'Three emails over one month: an initial email, then two follow-ups to actives, except those who submitted the form.',
  slots,
  needsForm: true,
  needsSegments: false,
  expand: (input) => expandCampaigns(input, slots, [
    { key: 'initial', next: 'active-1' },
    { key: 'active-1', audience: reacted('initial'), exceptForm: true, next: 'active-2' },
    { key: 'active-2', audience: reacted('active-1'), exceptForm: true },
  ]),
};
