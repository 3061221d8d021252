import type { Trigger } from '../schema/scenario.gen.js';

type Param = Exclude<keyof Trigger, 'on' | 'when' | 'rateLimit'>;

/** What each trigger needs and accepts. The runtime matches events against the same table. */
export interface TriggerDefinition {
  description: string;
  required: Param[];
  optional: Param[];
  /** Default rate limit on entries through this trigger (001: API entries, 30 per minute). */
  rateLimit?: { max: number; per: 'second' | 'minute' | 'hour' | 'day' };
}

const email = (what: string): TriggerDefinition => ({ description: `an email was ${what}`, required: [], optional: ['scenario', 'step'] });

/** Every trigger, registered explicitly. */
export const triggers: Record<Trigger['on'], TriggerDefinition> = {
  'list-added': { description: 'the contact was added to a list', required: ['list'], optional: [] },
  'list-removed': { description: 'the contact was removed from a list', required: ['list'], optional: [] },
  'contact-created': { description: 'the contact was created', required: [], optional: [] },
  'form-submitted': { description: 'the contact submitted the form', required: ['form'], optional: [] },
  'email-opened': email('opened'),
  'email-clicked': email('clicked'),
  'email-bounced': email('bounced'),
  'email-unsubscribed': email('unsubscribed from'),
  'score-changed': { description: 'the contact\'s score changed', required: [], optional: ['above', 'below'] },
  'field-changed': { description: 'a contact field changed', required: ['field'], optional: [] },
  'page-visited': { description: 'the contact visited a page', required: ['url'], optional: [] },
  api: { description: 'an API call enrolled the contact', required: [], optional: [], rateLimit: { max: 30, per: 'minute' } },
};
