/* eslint-disable */
/**
 * Generated from schema/scenario.schema.json by `npm run gen:types`. Do not edit:
 * change the schema and regenerate (a test fails when this file drifts).
 */

/**
 * Id of a step: lower-case letters, digits and dashes. Step ids are the identity of steps across versions: keep them stable.
 */
export type StepId = string;
/**
 * A test on a contact: `{ field, eq|ne|in|notIn|gt|gte|lt|lte|exists|contains }`, `{ score: { gte: 25 } }`, `{ tag }`, `{ status }`, engagement with a step (`{ opened | clicked | reacted | replied | bounced | delivered | received: STEP or any }`), `{ formSubmitted: true }`, or `{ all | any: [...] }`, `{ not: ... }`.
 */
export type Condition =
  | FieldCondition
  | ScoreCondition
  | TagCondition
  | StatusCondition
  | EngagementCondition
  | FormCondition
  | AllCondition
  | AnyCondition
  | NotCondition;
/**
 * A name usable in templates: letters, digits and `_`, starting with a letter.
 */
export type Identifier = string;
export type Scalar = string | number | boolean;
/**
 * An email address.
 */
export type Email = string;
/**
 * A language code, e.g. `en`, `fr`, `pt-BR`.
 */
export type Language = string;
/**
 * A date, or a date and time, in the scenario's time zone: `2026-12-01` or `2026-12-01T09:00`.
 */
export type LocalDateTime = string;
/**
 * `reply`, `unsubscribe`, `bounce`, `form` (form submitted), `conversion` (lead converted), or `{ when: condition, outcome }`.
 */
export type ExitRule = ('reply' | 'unsubscribe' | 'bounce' | 'form' | 'conversion') | ConditionExit;
/**
 * How a contact's run ended: `success`, `failure` or `end`.
 */
export type Outcome = 'success' | 'failure' | 'end';
/**
 * One step: email, wait, wait-for, condition, branch, score, update, webhook, task or exit.
 */
export type Step =
  | EmailStep
  | WaitStep
  | WaitForStep
  | ConditionStep
  | BranchStep
  | ScoreStep
  | UpdateStep
  | WebhookStep
  | TaskStep
  | ExitStep;
/**
 * A duration: a number and a unit, e.g. `30 minutes`, `2 hours`, `3 days`, `2 business days`, `1 week`; short forms `30m`, `2h`, `3d`, `2bd`, `1w`, `45s`.
 */
export type Duration = string;

/**
 * A relance scenario: who enters, what they receive and when. One scenario per YAML file.
 */
export interface Scenario {
  /**
   * Version of the scenario language. Always `relance/v1` for now.
   */
  apiVersion: 'relance/v1';
  /**
   * Type of document. Always `Scenario`.
   */
  kind: 'Scenario';
  metadata: Metadata;
  spec: ScenarioSpec;
}
/**
 * Identity of the scenario. `name` is its identity across versions: renaming a scenario creates a new one.
 */
export interface Metadata {
  /**
   * Unique, stable id of the scenario: lower-case letters, digits and dashes, e.g. `welcome-series`.
   */
  name: string;
  /**
   * Human title shown in reports and the plan, e.g. `Welcome series`.
   */
  title?: string;
  /**
   * What the scenario is for, in a sentence or two.
   */
  description?: string;
  /**
   * Who to ask about this scenario (a person or a team).
   */
  owner?: string;
  labels?: StringMap;
  annotations?: StringMap;
}
export interface StringMap {
  [k: string]: string | undefined;
}
/**
 * What the scenario does. Give either `steps` (your own step graph) or `template` + `campaigns` (a catalogue scenario).
 */
export interface ScenarioSpec {
  /**
   * Pause the scenario: nobody advances and new entries wait at the door. Set back to `false` to resume.
   */
  suspend?: boolean;
  entry: Entry;
  /**
   * One scenario at a time per contact: a contact already inside another exclusive scenario does not enter this one (a paused scenario still counts).
   */
  exclusive?: boolean;
  /**
   * Breaks ties between exclusive scenarios that want the same contact at the same time: the highest priority wins.
   */
  priority?: number;
  limits?: Limits;
  sender?: Sender;
  form?: Form;
  /**
   * Default language of the scenario's emails and unsubscribe text. A contact's own `language` field picks a variant when the email has one.
   */
  language?: Language;
  unsubscribe?: Unsubscribe;
  tracking?: Tracking;
  schedule?: Schedule;
  quotas?: Quotas;
  /**
   * Events that make a contact leave the scenario at once, at any step. Default: `reply`, `unsubscribe`, `bounce`.
   */
  exitOn?: ExitRule[];
  updateStrategy?: UpdateStrategy;
  fields?: ContactFields;
  variables?: Variables;
  /**
   * The step graph. Contacts start at the first step; each step goes to the next one in the list unless it says otherwise (`next`, `then`, `else`, `cases`, `onTimeout`).
   *
   * @minItems 1
   * @maxItems 500
   */
  steps?: [Step, ...Step[]];
  /**
   * A catalogue scenario to instantiate instead of writing `steps`: standard, hyper-personalized, deep, quarterly, no-form, inactive-relaunch, quick or monthly. Fill in its `campaigns` (and `segments` for hyper-personalized).
   */
  template?:
    | 'standard'
    | 'hyper-personalized'
    | 'deep'
    | 'quarterly'
    | 'no-form'
    | 'inactive-relaunch'
    | 'quick'
    | 'monthly';
  campaigns?: Campaigns;
  segments?: Segments;
}
/**
 * Who enters the scenario: contacts of one or more lists (optionally segmented), or contacts hit by a trigger, or both.
 */
export interface Entry {
  /**
   * Contact lists whose members enter the scenario.
   *
   * @minItems 1
   */
  lists?: [StepId, ...StepId[]];
  segment?: Condition;
  /**
   * Keep the scenario open: contacts who join the lists later enter too. Contacts who already went through never receive it again.
   */
  runIndefinitely?: boolean;
  /**
   * Events that make a contact enter the scenario.
   *
   * @minItems 1
   */
  triggers?: [Trigger, ...Trigger[]];
  /**
   * Whether a contact who finished the scenario may enter it again on a later trigger: `never` (default) or `always`.
   */
  reentry?: 'never' | 'always';
}
/**
 * A test on a contact field, e.g. `{ field: country, in: [FR, BE] }`.
 */
export interface FieldCondition {
  field: Identifier;
  eq?: Scalar;
  ne?: Scalar;
  /**
   * One of these values.
   *
   * @minItems 1
   */
  in?: [Scalar, ...Scalar[]];
  /**
   * None of these values.
   *
   * @minItems 1
   */
  notIn?: [Scalar, ...Scalar[]];
  /**
   * Greater than (numbers, or dates as YYYY-MM-DD).
   */
  gt?: number | string;
  /**
   * Greater than or equal to.
   */
  gte?: number | string;
  /**
   * Less than.
   */
  lt?: number | string;
  /**
   * Less than or equal to.
   */
  lte?: number | string;
  /**
   * `true`: the field has a value; `false`: it is empty.
   */
  exists?: boolean;
  /**
   * The text contains this (case-insensitive).
   */
  contains?: string;
  /**
   * The text ends with this (case-insensitive), e.g. an email domain.
   */
  endsWith?: string;
}
/**
 * A test on the contact's score, e.g. `{ score: { gte: 25, lt: 40 } }`.
 */
export interface ScoreCondition {
  score: Comparison;
}
export interface Comparison {
  eq?: Scalar;
  ne?: Scalar;
  /**
   * Greater than.
   */
  gt?: number | string;
  /**
   * Greater than or equal to.
   */
  gte?: number | string;
  /**
   * Less than.
   */
  lt?: number | string;
  /**
   * Less than or equal to.
   */
  lte?: number | string;
}
/**
 * The contact has this tag.
 */
export interface TagCondition {
  /**
   * The tag.
   */
  tag: string;
}
/**
 * The contact's `status` field is one of these values, e.g. `connected`, `not-connected`, `pending`.
 */
export interface StatusCondition {
  /**
   * A status, or a list of statuses.
   */
  status: string | [string, ...string[]];
}
/**
 * What the contact did with an email of this scenario: `{ opened: STEP }`, `clicked`, `reacted` (opened or clicked), `replied`, `bounced`, `delivered` or `received` (it was sent).
 */
export interface EngagementCondition {
  opened?: StepId;
  clicked?: StepId;
  reacted?: StepId;
  replied?: StepId;
  bounced?: StepId;
  delivered?: StepId;
  received?: StepId;
}
/**
 * The contact submitted the scenario's form: `{ formSubmitted: true }` (or the form's id).
 */
export interface FormCondition {
  /**
   * `true`, or the form id.
   */
  formSubmitted: true | StepId;
}
/**
 * Every condition holds.
 */
export interface AllCondition {
  /**
   * The conditions.
   *
   * @minItems 1
   */
  all: [Condition, ...Condition[]];
}
/**
 * At least one condition holds.
 */
export interface AnyCondition {
  /**
   * The conditions.
   *
   * @minItems 1
   */
  any: [Condition, ...Condition[]];
}
/**
 * The condition does not hold.
 */
export interface NotCondition {
  not: Condition;
}
/**
 * An event that enrolls the contact it happened to.
 */
export interface Trigger {
  /**
   * The event: list-added, list-removed, contact-created, form-submitted, email-opened, email-clicked, email-bounced, email-unsubscribed, score-changed, field-changed, page-visited or api.
   */
  on:
    | 'list-added'
    | 'list-removed'
    | 'contact-created'
    | 'form-submitted'
    | 'email-opened'
    | 'email-clicked'
    | 'email-bounced'
    | 'email-unsubscribed'
    | 'score-changed'
    | 'field-changed'
    | 'page-visited'
    | 'api';
  list?: StepId;
  form?: StepId;
  scenario?: StepId;
  step?: StepId;
  field?: Identifier;
  /**
   * For score-changed: enter when the score goes above this value.
   */
  above?: number;
  /**
   * For score-changed: enter when the score goes below this value.
   */
  below?: number;
  /**
   * For page-visited: the page URL, `*` matches anything, e.g. `https://acme.test/pricing*`.
   */
  url?: string;
  when?: Condition;
  rateLimit?: RateLimit;
}
/**
 * At most `max` entries per `per`. API triggers default to 30 per minute.
 */
export interface RateLimit {
  /**
   * Entries allowed per period.
   */
  max: number;
  /**
   * The period.
   */
  per: 'second' | 'minute' | 'hour' | 'day';
}
/**
 * Caps on the scenario.
 */
export interface Limits {
  /**
   * At most this many contacts in progress at once; the others wait with the status `blocked` and enter as places free up (e.g. 5000).
   */
  maxActive?: number;
  /**
   * At most this many new contacts enter per day.
   */
  maxEntriesPerDay?: number;
}
/**
 * Who the emails come from. Each email may override it.
 */
export interface Sender {
  /**
   * Display name, e.g. `Alice from Acme`.
   */
  name?: string;
  email: Email;
  replyTo?: Email;
}
/**
 * The scenario's one form (a scenario has at most one). Emails link to it with `{{formUrl}}`; submissions are reported in Formulaire_<id>.csv.
 */
export interface Form {
  id: StepId;
  /**
   * Title shown on the form page.
   */
  title?: string;
  /**
   * Where the form lives, when it is hosted elsewhere.
   */
  url?: string;
  /**
   * Fields the form asks for.
   */
  fields?: {
    name: Identifier;
    /**
     * Label shown to the contact.
     */
    label?: string;
    /**
     * Input type.
     */
    type?: 'text' | 'email' | 'phone' | 'number' | 'date' | 'select' | 'checkbox' | 'textarea';
    /**
     * Whether the answer is mandatory.
     */
    required?: boolean;
    /**
     * Choices, for `select`.
     */
    options?: string[];
  }[];
}
/**
 * The unsubscribe footer added to every email (with List-Unsubscribe headers).
 */
export interface Unsubscribe {
  language?: Language;
  /**
   * Your own footer text; must contain `{{unsubscribeUrl}}`.
   */
  text?: string;
}
/**
 * Open and click tracking.
 */
export interface Tracking {
  /**
   * Track opens with a pixel.
   */
  opens?: boolean;
  /**
   * Track clicks by rewriting links.
   */
  clicks?: boolean;
}
/**
 * When emails may go out. A send that falls outside the allowed days and hours moves to the next allowed slot.
 */
export interface Schedule {
  start?: LocalDateTime;
  end?: LocalDateTime;
  /**
   * IANA time zone of the schedule, e.g. `Europe/Paris`.
   */
  timezone?: string;
  /**
   * Days emails may go out. Default: every day.
   */
  days?: ('mon' | 'tue' | 'wed' | 'thu' | 'fri' | 'sat' | 'sun')[];
  /**
   * Hour ranges emails may go out, e.g. `["09:00-12:00", "14:00-18:00"]`. Default: all day.
   */
  hours?: string[];
  /**
   * Only Monday to Friday: weekends (and `holidays`) are skipped, and `business days` in waits count these days only.
   */
  businessDays?: boolean;
  /**
   * Dates on which nothing is sent, e.g. `2026-12-25`.
   */
  holidays?: string[];
}
/**
 * Weekly sending limits per mailbox provider of the recipient, overriding the defaults (Outlook 100, Office365 10000, AOL 100, GoDaddy 250, Rackspace 10000, Yandex 500, Gmail 2500, others 500). Over quota, a send is deferred to the next week, never dropped.
 */
export interface Quotas {
  /**
   * Weekly limit for Outlook/Hotmail/Live recipients (provider limit 100).
   */
  outlook?: number;
  /**
   * Weekly limit for Office365 recipients (provider limit 10000).
   */
  office365?: number;
  /**
   * Weekly limit for AOL recipients (provider limit 100).
   */
  aol?: number;
  /**
   * Weekly limit for GoDaddy recipients (provider limit 250).
   */
  godaddy?: number;
  /**
   * Weekly limit for Rackspace recipients (provider limit 10000).
   */
  rackspace?: number;
  /**
   * Weekly limit for Yandex recipients (provider limit 500).
   */
  yandex?: number;
  /**
   * Weekly limit for Gmail recipients (provider limit 2500).
   */
  gmail?: number;
  /**
   * Weekly limit for every other provider (default 500).
   */
  others?: number;
}
/**
 * Leave as soon as a condition holds.
 */
export interface ConditionExit {
  when: Condition;
  outcome?: Outcome;
}
/**
 * What happens to contacts already inside when a new version of this file is applied. `pin` (default): they finish the version they started with. `migrate`: they move to the new version, following `stepMap` for steps that were renamed or removed.
 */
export interface UpdateStrategy {
  /**
   * `pin` or `migrate`.
   */
  type?: 'pin' | 'migrate';
  /**
   * With `migrate`: old step id → new step id, for steps that no longer exist.
   */
  stepMap?: {
    [k: string]: StepId | undefined;
  };
}
/**
 * Contact fields this scenario uses beyond the built-in ones (email, firstName, lastName, company, jobTitle, phone, country, city, language, score, tags, status, createdAt), with their type, e.g. `eventDate: date`.
 */
export interface ContactFields {
  /**
   * The field's type.
   */
  [k: string]: 'string' | 'number' | 'boolean' | 'date' | undefined;
}
/**
 * Constants available in every email as `{{vars.NAME}}`, e.g. `productName: Relance Pro`.
 */
export interface Variables {
  [k: string]: string | number | boolean | undefined;
}
/**
 * Send an email. Its content is rendered at send time, so an edit made before then is what goes out.
 */
export interface EmailStep {
  id: StepId;
  /**
   * Step type.
   */
  type: 'email';
  /**
   * Label shown in the plan, the diagram and reports.
   */
  name?: string;
  next?: StepId;
  /**
   * Path of the email template, relative to the scenario file and without extension: `welcome/hello` reads `welcome/hello.html.hbs` (and `welcome/hello.txt.hbs` when present).
   */
  template: string;
  /**
   * Subject line (Handlebars), e.g. `Welcome, {{firstName}}!`.
   */
  subject: string;
  /**
   * Preview text shown after the subject in inboxes (Handlebars).
   */
  preheader?: string;
  from?: Sender;
  replyTo?: Email;
  thread?: StepId;
  languages?: Languages;
}
/**
 * Variants by language code, e.g. `fr: { subject: Bienvenue }`.
 */
export interface Languages {
  [k: string]: LanguageVariant | undefined;
}
/**
 * The email in another language, for contacts whose `language` field is this one. The template file is `<template>.<lang>.html.hbs` unless `template` is given.
 */
export interface LanguageVariant {
  /**
   * Subject in this language (Handlebars).
   */
  subject?: string;
  /**
   * Preview text in this language.
   */
  preheader?: string;
  /**
   * Template for this language, instead of `<template>.<lang>`.
   */
  template?: string;
}
/**
 * Wait `for` a duration, or `until` a date or a date relative to a contact field (e.g. 1 day before `eventDate`). Give exactly one of `for` and `until`.
 */
export interface WaitStep {
  id: StepId;
  /**
   * Step type.
   */
  type: 'wait';
  /**
   * Label shown in the plan, the diagram and reports.
   */
  name?: string;
  next?: StepId;
  for?: Duration;
  /**
   * Wait until a date (`2026-12-01T09:00`) or until a date relative to a contact field (`{ field: eventDate, before: 1 day }`).
   */
  until?: LocalDateTime | RelativeDate;
}
/**
 * A date taken from a contact field, moved `before` or `after` it, e.g. `{ field: eventDate, before: 1 hour }`.
 */
export interface RelativeDate {
  field: Identifier;
  before?: Duration;
  after?: Duration;
}
/**
 * Wait until a condition holds, at most `timeout`. Moves on as soon as the condition holds (to `next`); if it never does, takes `onTimeout`.
 */
export interface WaitForStep {
  id: StepId;
  /**
   * Step type.
   */
  type: 'wait-for';
  /**
   * Label shown in the plan, the diagram and reports.
   */
  name?: string;
  condition: Condition;
  timeout: Duration;
  next?: StepId;
  onTimeout?: StepId;
}
/**
 * Go one way or the other: `then` when `if` holds, `else` otherwise.
 */
export interface ConditionStep {
  id: StepId;
  /**
   * Step type.
   */
  type: 'condition';
  /**
   * Label shown in the plan, the diagram and reports.
   */
  name?: string;
  if: Condition;
  then?: StepId;
  else?: StepId;
}
/**
 * Go to the first case whose condition holds, or to `default`.
 */
export interface BranchStep {
  id: StepId;
  /**
   * Step type.
   */
  type: 'branch';
  /**
   * Label shown in the plan, the diagram and reports.
   */
  name?: string;
  /**
   * The cases, tried in order.
   *
   * @minItems 1
   */
  cases: [BranchCase, ...BranchCase[]];
  default?: StepId;
}
export interface BranchCase {
  when: Condition;
  next: StepId;
}
/**
 * Add points to the contact's score (negative points remove), optionally only `when` a condition holds.
 */
export interface ScoreStep {
  id: StepId;
  /**
   * Step type.
   */
  type: 'score';
  /**
   * Label shown in the plan, the diagram and reports.
   */
  name?: string;
  next?: StepId;
  /**
   * Points to add, e.g. `10` or `-5`.
   */
  points: number;
  when?: Condition;
  /**
   * Why, shown in the contact's history.
   */
  reason?: string;
}
/**
 * Change the contact: set or clear fields, add or remove tags.
 */
export interface UpdateStep {
  id: StepId;
  /**
   * Step type.
   */
  type: 'update';
  /**
   * Label shown in the plan, the diagram and reports.
   */
  name?: string;
  next?: StepId;
  /**
   * Fields to set, e.g. `lifecycle: customer`.
   */
  set?: {
    [k: string]: Scalar | undefined;
  };
  /**
   * Fields to clear.
   */
  unset?: Identifier[];
  /**
   * Tags to add.
   */
  addTags?: string[];
  /**
   * Tags to remove.
   */
  removeTags?: string[];
}
/**
 * POST the contact to a URL (CRM sync, sales alert). Signed with HMAC-SHA256 when a secret is given, retried with backoff.
 */
export interface WebhookStep {
  id: StepId;
  /**
   * Step type.
   */
  type: 'webhook';
  /**
   * Label shown in the plan, the diagram and reports.
   */
  name?: string;
  next?: StepId;
  /**
   * Where to send it (https, or http for localhost).
   */
  url: string;
  /**
   * HTTP method.
   */
  method?: 'POST' | 'PUT' | 'PATCH';
  /**
   * Name of the environment variable holding the signing secret (never put secrets in git).
   */
  secretEnv?: string;
  headers?: StringMap;
  /**
   * Contact fields to send (default: all).
   */
  fields?: Identifier[];
  timeout?: Duration;
  /**
   * How many times to retry a failed call, with exponential backoff.
   */
  retries?: number;
}
/**
 * A manual step for a person, e.g. `Call the contact`. The contact moves on when the task is marked done (`relance task done ID` or the HTTP API).
 */
export interface TaskStep {
  id: StepId;
  /**
   * Step type.
   */
  type: 'task';
  /**
   * Label shown in the plan, the diagram and reports.
   */
  name?: string;
  next?: StepId;
  /**
   * What to do, e.g. `Call {{firstName}} at {{company}}`.
   */
  title: string;
  /**
   * Details for the person doing it.
   */
  description?: string;
  /**
   * Who should do it (an email or a team name).
   */
  assignee?: string;
  due?: Duration;
}
/**
 * End the contact's run with an outcome.
 */
export interface ExitStep {
  id: StepId;
  /**
   * Step type.
   */
  type: 'exit';
  /**
   * Label shown in the plan, the diagram and reports.
   */
  name?: string;
  outcome?: Outcome;
}
/**
 * The emails of a catalogue scenario, by campaign key (e.g. `initial`, `global-1`). `relance explain` lists the keys a template expects.
 */
export interface Campaigns {
  [k: string]: Campaign | undefined;
}
/**
 * One email of a catalogue scenario, and the delay before it.
 */
export interface Campaign {
  /**
   * Path of the email template, relative to the scenario file and without extension: `welcome/hello` reads `welcome/hello.html.hbs` (and `welcome/hello.txt.hbs` when present).
   */
  template: string;
  /**
   * Subject line (Handlebars), e.g. `Welcome, {{firstName}}!`.
   */
  subject: string;
  /**
   * Preview text shown after the subject in inboxes (Handlebars).
   */
  preheader?: string;
  from?: Sender;
  replyTo?: Email;
  thread?: StepId;
  languages?: Languages;
  delay?: Duration;
}
/**
 * For the hyper-personalized template: the two segments `a` and `b`, each a condition on contact fields.
 */
export interface Segments {
  a?: Condition;
  b?: Condition;
}
