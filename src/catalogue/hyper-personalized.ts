import { anyOf, conditionStep, expandCampaigns, exitStep, inactive, reacted, type CampaignPlan, type Sourced } from './build.js';
import type { CampaignSlot, CatalogueTemplate, ExpandInput } from './types.js';

const SEGMENTS = ['a', 'b'] as const;
type Segment = (typeof SEGMENTS)[number];

function segmentSlots(s: Segment): CampaignSlot[] {
  const name = `segment ${s.toUpperCase()}`;
  const label = `Segment ${s.toUpperCase()}: `;
  return [
    { key: `${s}-initial`, label: `${label}initial email`, audience: `all contacts of ${name}` },
    { key: `${s}-inactive`, label: `${label}follow-up to inactives`, audience: `${name}: inactives of the initial email` },
    { key: `${s}-active-1`, label: `${label}follow-up 1 to actives`, audience: `${name}: reacted to the initial email or to the inactive follow-up, except form` },
    { key: `${s}-active-2`, label: `${label}follow-up 2 to actives`, audience: `${name}: actives of follow-up 1, except form` },
  ];
}

function segmentPlans(s: Segment): CampaignPlan[] {
  return [
    // Each segment is its own chain: its initial email has no default delay.
    { key: `${s}-initial`, first: true, next: `${s}-inactive` },
    // Actives of the initial skip this one but still wait its delay before follow-up 1.
    { key: `${s}-inactive`, audience: inactive(`${s}-initial`), next: `${s}-active-1`, otherwise: `${s}-active-1` },
    { key: `${s}-active-1`, audience: anyOf(reacted(`${s}-initial`), reacted(`${s}-inactive`)), exceptForm: true, next: `${s}-active-2` },
    { key: `${s}-active-2`, audience: reacted(`${s}-active-1`), exceptForm: true },
  ];
}

/** Segment A is tested first; a contact in neither segment ends at once. */
function segmentSplit(input: ExpandInput, to: (target: string) => string): Sourced[] {
  const { a, b } = input.segments ?? {};
  if (!a || !b) throw new Error('the hyper-personalized template needs segments a and b');
  return [
    { step: conditionStep('segment-a', a, to('a-initial'), 'segment-b', 'In segment A'), source: '/spec/segments/a' },
    { step: conditionStep('segment-b', b, to('b-initial'), 'no-segment', 'In segment B'), source: '/spec/segments/b' },
    { step: exitStep('no-segment', 'end', 'In neither segment'), source: '/spec/segments' },
  ];
}

const slots = SEGMENTS.flatMap(segmentSlots);

/** Prospection hyper-personnalisée (002): two segments, each with its own four emails. */
export const hyperPersonalized: CatalogueTemplate = {
  name: 'hyper-personalized',
  title: 'Hyper-personalized prospecting',
  description: 'Contacts split in segments A and B by field values; per segment an initial email with a form, a follow-up to inactives, then two follow-ups to actives, except those who submitted the form.',
  slots,
  needsForm: true,
  needsSegments: true,
  expand: (input) => expandCampaigns(input, slots, SEGMENTS.flatMap(segmentPlans), (to) => segmentSplit(input, to)),
};
