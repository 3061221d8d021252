import type { Rule } from '../rule-context.js';
import { catalogueNeeds } from './catalogue.js';
import { emailContent } from './emails.js';
import { entryRules } from './entry.js';
import { singleForm } from './forms.js';
import { quotaLimits, webhookSafety } from './limits.js';
import { emailReferences, exitHidesCondition, updateStrategy } from './references.js';
import { scheduleSlots } from './schedule.js';
import { cyclesWithoutWait, duplicateStepIds, stepsOrTemplate, unknownStepReferences, unreachableSteps } from './structure.js';
import { unsubscribeFooter } from './unsubscribe.js';
import { waitForms } from './waits.js';

/** Rules the JSON Schema cannot express, run in this order on every schema-valid scenario. */
export const rules: Rule[] = [
  stepsOrTemplate,
  catalogueNeeds,
  duplicateStepIds,
  unknownStepReferences,
  unreachableSteps,
  cyclesWithoutWait,
  emailReferences,
  exitHidesCondition,
  waitForms,
  updateStrategy,
  entryRules,
  singleForm,
  emailContent,
  unsubscribeFooter,
  quotaLimits,
  scheduleSlots,
  webhookSafety,
];
