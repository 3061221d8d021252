import { expandCampaigns, inactive, reacted } from './build.js';
import type { CampaignSlot, CatalogueTemplate } from './types.js';

const slots: CampaignSlot[] = [
  { key: 'initial', label: 'Initial email', audience: 'all contacts' },
  { key: 'active', label: 'Follow-up to actives', audience: 'actives of the initial email' },
  { key: 'inactive', label: 'Follow-up to inactives', audience: 'inactives of the initial email, except form' },
];

/** Prospection rapide (002): one follow-up, by reaction to the initial email. */
export const quick: CatalogueTemplate = {
  name: 'quick',
  title: 'Quick prospecting',
  description: 'An initial email, then a follow-up to actives and a follow-up to inactives (except those who submitted the form).',
  slots,
  needsForm: true,
  needsSegments: false,
  expand: (input) => expandCampaigns(input, slots, [
    { key: 'initial', next: 'active' },
    // Inactives skip `active` but wait its delay: `inactive` comes after it on the timeline.
    { key: 'active', audience: reacted('initial'), otherwise: 'inactive' },
    { key: 'inactive', audience: inactive('initial'), exceptForm: true },
  ]),
};
