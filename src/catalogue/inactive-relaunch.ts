import { expandCampaigns, inactive } from './build.js';
import type { CampaignSlot, CatalogueTemplate } from './types.js';

const slots: CampaignSlot[] = [
  { key: 'initial', label: 'Initial email', audience: 'all contacts' },
  { key: 'inactive-1', label: 'Follow-up 1 to inactives', audience: 'inactives of the initial email' },
  { key: 'inactive-2', label: 'Follow-up 2 to inactives', audience: 'inactives of follow-up 1' },
];

/** Prospection des inactifs (002). SPEC 3.4 has no "except form" here, so no form is needed. */
export const inactiveRelaunch: CatalogueTemplate = {
  name: 'inactive-relaunch',
  title: 'Inactive relaunch',
  description: 'An initial email, then two follow-ups to the contacts who did not react to the email before.',
  slots,
  needsForm: false,
  needsSegments: false,
  expand: (input) => expandCampaigns(input, slots, [
    { key: 'initial', next: 'inactive-1' },
    { key: 'inactive-1', audience: inactive('initial'), next: 'inactive-2' },
    { key: 'inactive-2', audience: inactive('inactive-1') },
  ]),
};
