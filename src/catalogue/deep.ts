import { allOf, anyOf, expandCampaigns, inactive, reacted, received } from './build.js';
import type { CampaignSlot, CatalogueTemplate } from './types.js';

const slots: CampaignSlot[] = [
  { key: 'initial', label: 'Initial email', audience: 'all contacts' },
  { key: 'active', label: 'Follow-up to actives', audience: 'actives of the initial email, except form' },
  { key: 'inactive-1', label: 'Follow-up 1 to inactives', audience: 'inactives of the initial email' },
  { key: 'inactive-2', label: 'Follow-up 2 to inactives', audience: 'inactives of follow-up 1 to inactives' },
  { key: 'global-1', label: 'Global follow-up 1', audience: 'reacted to follow-up 1 to inactives, and all recipients of the follow-up to actives, except form' },
  { key: 'global-2', label: 'Global follow-up 2', audience: 'all recipients of global follow-up 1, except form' },
  { key: 'global-3', label: 'Global follow-up 3', audience: 'all recipients of global follow-up 2, except form' },
];

/**
 * Prospection approfondie (002). Campaigns follow one timeline, so contacts who skip a campaign
 * still wait its delay; `received` tells the paths apart where they share a wait.
 */
export const deep: CatalogueTemplate = {
  name: 'deep',
  title: 'Deep prospecting (nurturing)',
  description: 'An initial email with a form, one follow-up to actives, two to inactives, then three global follow-ups, except those who submitted the form; built to cover several weeks.',
  slots,
  needsForm: true,
  needsSegments: false,
  expand: (input) => expandCampaigns(input, slots, [
    { key: 'initial', next: 'active' },
    { key: 'active', audience: reacted('initial'), exceptForm: true, next: 'inactive-1', otherwise: 'inactive-1' },
    { key: 'inactive-1', audience: inactive('initial'), next: 'inactive-2', otherwise: 'inactive-2' },
    // Recipients of inactive-2 get nothing more.
    { key: 'inactive-2', audience: allOf(received('inactive-1'), inactive('inactive-1')), otherwise: 'global-1' },
    { key: 'global-1', audience: anyOf(reacted('inactive-1'), received('active')), exceptForm: true, next: 'global-2' },
    { key: 'global-2', exceptForm: true, next: 'global-3' },
    { key: 'global-3', exceptForm: true },
  ]),
};
