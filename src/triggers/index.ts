import type { RateLimit, Trigger } from '../schema/scenario.gen.js';

type Param = Exclude<keyof Trigger, 'on' | 'when' | 'rateLimit'>;

/** What each trigger needs and accepts. The runtime matches events against the same table. */
export interface TriggerDefinition {
  description: string;
  required: Param[];
  optional: Param[];
  /** The event type that fires it (absent: no event reaches it yet). */
  event?: string;
  /** Default rate limit on entries through this trigger (001: API entries, 30 per minute). */
  rateLimit?: RateLimit;
}

const email = (what: string, event: string): TriggerDefinition => ({ description: `an email was ${what}`, required: [], optional: ['scenario', 'step'], event });

/** Every trigger, registered explicitly. */
export const triggers: Record<Trigger['on'], TriggerDefinition> = {
  'list-added': { description: 'the contact was added to a list', required: ['list'], optional: [], event: 'list-added' },
  'list-removed': { description: 'the contact was removed from a list', required: ['list'], optional: [] },
  'contact-created': { description: 'the contact was created', required: [], optional: [], event: 'contact-created' },
  'form-submitted': { description: 'the contact submitted the form', required: ['form'], optional: [], event: 'form-submitted' },
  'email-opened': email('opened', 'opened'),
  'email-clicked': email('clicked', 'clicked'),
  'email-bounced': email('bounced', 'bounced'),
  'email-unsubscribed': email('unsubscribed from', 'unsubscribed'),
  'score-changed': { description: 'the contact\'s score changed', required: [], optional: ['above', 'below'] },
  'field-changed': { description: 'a contact field changed', required: ['field'], optional: [] },
  'page-visited': { description: 'the contact visited a page', required: ['url'], optional: [] },
  api: { description: 'an API call enrolled the contact', required: [], optional: [], event: 'api', rateLimit: { max: 30, per: 'minute' } },
};

/** What an event says about itself, in the terms of the trigger params. */
export type TriggerEventData = { [P in Param]?: Trigger[P] };

const BY_EVENT = new Map(Object.entries(triggers).flatMap(([on, def]) => (def.event ? [[def.event, on as Trigger['on']] as const] : [])));

/** The trigger an event type fires, if any (`opened` fires `email-opened`). */
export function triggerFor(eventType: string): Trigger['on'] | undefined {
  return BY_EVENT.get(eventType);
}

/**
 * Whether an event of the trigger's type enters through it: every param of the trigger's
 * definition that the trigger sets must be what the event says. An event that says nothing of a
 * param (no event carries `above`, `below`, `field` or `url` yet) does not match a trigger that sets it.
 */
export function triggerMatches(trigger: Trigger, event: TriggerEventData): boolean {
  const def = triggers[trigger.on];
  for (const param of [...def.required, ...def.optional]) {
    const wanted = trigger[param];
    if (wanted !== undefined && wanted !== event[param]) return false;
  }
  return true;
}

/** The trigger's own rate limit, else its definition's default (API entries: 30 a minute). */
export function rateLimitOf(trigger: Trigger): RateLimit | undefined {
  return trigger.rateLimit ?? triggers[trigger.on].rateLimit;
}
