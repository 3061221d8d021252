import type { Rule } from '../rule-context.js';
import { catalogueNeeds } from './catalogue.js';
import { emailLint } from './email-lint.js';
import { entryRules } from './entry.js';
import { singleForm } from './forms.js';
import { quotaLimits } from './limits.js';
import { emailReferences, exitHidesCondition, updateStrategy } from './references.js';
import { scheduleSlots } from './schedule.js';
import { stepChecks } from './steps.js';
import { cyclesWithoutWait, duplicateStepIds, stepsOrTemplate, unknownStepReferences, unreachableSteps } from './structure.js';
import { footerNames, unsubscribeFooter } from './unsubscribe.js';

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
  stepChecks,
  updateStrategy,
  entryRules,
  singleForm,
  footerNames,
  unsubscribeFooter,
  quotaLimits,
  scheduleSlots,
  emailLint,
];
