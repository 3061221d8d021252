import { expandCampaigns } from './build.js';
import type { CampaignSlot, CatalogueTemplate } from './types.js';

const slots: CampaignSlot[] = [
  { key: 'initial', label: 'Initial email', audience: 'all contacts' },
  { key: 'global-1', label: 'Global follow-up 1', audience: 'all recipients of the initial email, except form' },
  { key: 'global-2', label: 'Global follow-up 2', audience: 'all recipients of global follow-up 1, except form' },
];

/** Prospection standard (002): everyone gets the three emails until they submit the form. */
export const standard: CatalogueTemplate = {
  name: 'standard',
  title: 'Standard prospecting',
  description: 'An initial email with a form, then two global follow-ups to actives and inactives alike, except those who submitted the form.',
  slots,
  needsForm: true,
  needsSegments: false,
  expand: (input) => expandCampaigns(input, slots, [
    { key: 'initial', next: 'global-1' },
    { key: 'global-1', exceptForm: true, next: 'global-2' },
    { key: 'global-2', exceptForm: true },
  ]),
};
