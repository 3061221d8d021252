import { expandCampaigns, reacted, type CampaignPlan } from './build.js';
import type { CampaignSlot, CatalogueTemplate } from './types.js';

const PERIODS = [1, 2, 3] as const;

const slots: CampaignSlot[] = PERIODS.flatMap((p) => [
  {
    key: `p${p}-initial`,
    label: `Period ${p}: initial email`,
    audience: p === 1 ? 'all contacts' : `all recipients of follow-up 2 of period ${p - 1}, except form`,
  },
  { key: `p${p}-active-1`, label: `Period ${p}: follow-up 1 to actives`, audience: `actives of the initial email of period ${p}, except form` },
  { key: `p${p}-active-2`, label: `Period ${p}: follow-up 2 to actives`, audience: `actives of follow-up 1 of period ${p}, except form` },
]);

// Only recipients of a period's follow-up 2 go on to the next period.
const plans: CampaignPlan[] = PERIODS.flatMap((p): CampaignPlan[] => [
  { key: `p${p}-initial`, exceptForm: p > 1, next: `p${p}-active-1` },
  { key: `p${p}-active-1`, audience: reacted(`p${p}-initial`), exceptForm: true, next: `p${p}-active-2` },
  { key: `p${p}-active-2`, audience: reacted(`p${p}-active-1`), exceptForm: true, ...(p < 3 ? { next: `p${p + 1}-initial` } : {}) },
]);

/** Prospection trimestrielle (002): three periods of an initial email and two follow-ups to actives. */
export const quarterly: CatalogueTemplate = {
  name: 'quarterly',
  title: 'Quarterly prospecting',
  description: 'Three quarterly series of an initial email and two follow-ups to actives, except those who submitted the form; each series goes on to the recipients of the previous one.',
  slots,
  needsForm: true,
  needsSegments: false,
  expand: (input) => expandCampaigns(input, slots, plans),
};
