import { expandCampaigns, reacted, type CampaignPlan } from './build.js';
import type { CampaignSlot, CatalogueTemplate } from './types.js';

const PERIODS = [1, 2, 3] as const;

const slots: CampaignSlot[] = PERIODS.flatMap((p) => [
  {
    key: `p${p}-initial`,
    label: `Period ${p}: initial email`,
    audience: p === 1 ? 'all contacts' : `all recipients of the follow-up of period ${p - 1}`,
  },
  { key: `p${p}-active`, label: `Period ${p}: follow-up to actives`, audience: `actives of the initial email of period ${p}` },
]);

// No form anywhere: only reactions decide who goes on.
const plans: CampaignPlan[] = PERIODS.flatMap((p): CampaignPlan[] => [
  { key: `p${p}-initial`, next: `p${p}-active` },
  { key: `p${p}-active`, audience: reacted(`p${p}-initial`), ...(p < 3 ? { next: `p${p + 1}-initial` } : {}) },
]);

/** Prospection sans formulaire (002): three periods over three months. */
export const noForm: CatalogueTemplate = {
  name: 'no-form',
  title: 'Prospecting without a form',
  description: 'Three periods over three months, each an initial email and a follow-up to actives; each period goes on to the recipients of the previous follow-up.',
  slots,
  needsForm: false,
  needsSegments: false,
  expand: (input) => expandCampaigns(input, slots, plans),
};
