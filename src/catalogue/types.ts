import type { Campaign, Form, Segments, Step } from '../schema/scenario.gen.js';

export type TemplateName =
  | 'standard' | 'hyper-personalized' | 'deep' | 'quarterly'
  | 'no-form' | 'inactive-relaunch' | 'quick' | 'monthly';

/** One campaign (one email) of a catalogue template, with its audience in words. */
export interface CampaignSlot {
  key: string;
  label: string;
  /** Who receives it, as SPEC 3.4 says it (shown by `relance explain`). */
  audience: string;
}

export interface ExpandInput {
  campaigns: Record<string, Campaign>;
  segments?: Segments;
  form?: Form;
}

export interface Expansion {
  steps: Step[];
  /** Step id → JSON pointer of what produced it (`/spec/campaigns/global-1`). */
  sources: Record<string, string>;
}

/**
 * A built-in scenario template (SPEC 3.4). `expand` is pure: the same campaigns give the same
 * step graph, so versions and digests stay stable.
 */
export interface CatalogueTemplate {
  name: TemplateName;
  title: string;
  description: string;
  slots: CampaignSlot[];
  needsForm: boolean;
  needsSegments: boolean;
  expand(input: ExpandInput): Expansion;
}
