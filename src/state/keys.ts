/**
 * Every Redis key relance uses, under one prefix wrapped in a Redis Cluster hash tag
 * (`{relance}`), so multi-key scripts and transactions stay on one slot. See DESIGN.md.
 */
export class Keys {
  readonly prefix: string;

  constructor(prefix = process.env.RELANCE_PREFIX ?? 'relance') {
    this.prefix = prefix.startsWith('{') ? prefix : `{${prefix}}`;
  }

  private k(...parts: string[]): string {
    return [this.prefix, ...parts].join(':');
  }

  // Scenarios and versions
  scenarios = () => this.k('scenarios');
  scenario = (name: string) => this.k('scenario', name);
  version = (name: string, digest: string) => this.k('version', name, digest);
  versions = (name: string) => this.k('versions', name);
  enrollments = (name: string) => this.k('enrollments', name);
  counts = (name: string) => this.k('counts', name);
  stateRev = () => this.k('state-rev');
  audit = () => this.k('audit');
  lock = (name: string) => this.k('lock', name);

  // Schedule and execution
  /** Contact ids due in one minute for one scenario (a list: a few bytes an entry). */
  dueBucket = (name: string, minute: number) => this.k('due', name, String(minute));
  /** Every due bucket of one scenario (doctor looks for buckets missing from the index). */
  dueBuckets = (name: string) => this.k('due', name, '*');
  /** Sorted set of due buckets (members: `dueMember`) scored by minute * 60: what the sweep looks at. */
  dueIndex = () => this.k('due-index');
  /** Send ledger: `contactId|step|since` → pending, sent or failed (at most once per visit of a step). */
  ledger = (name: string) => this.k('ledger', name);
  /** Sends whose outcome is unknown after a crash: reported, never re-sent blindly. */
  unknownSends = () => this.k('unknown-sends');
  /** An unknown send's field: `<scenario>|<its ledger field>`. */
  unknownSendField = (name: string, ledgerField: string) => `${name}|${ledgerField}`;
  /** Live workers: worker id → last heartbeat (Redis TIME, seconds). A reservation of a dead one is free. */
  workers = () => this.k('workers');
  /** What each contact did with the scenario's emails: contact id → JSON. */
  engagement = (name: string) => this.k('engagement', name);
  /**
   * The scenario's event log: a stream, one entry per event (delivered, opened, clicked…), in the
   * order they arrived, trimmed by age (`RELANCE_EVENT_RETENTION_DAYS`). See DESIGN.md.
   */
  events = (name: string) => this.k('events', name);
  /** Events that concern no scenario (an unsubscribe typed at the CLI, a bounce from a provider). */
  globalEvents = () => this.k('events');
  /** Tracked links of the scenario's emails: link id (digest of the URL) → URL, written before the send. */
  links = (name: string) => this.k('links', name);
  /** Every send's Message-ID (its 32 hex digits) → `<scenario>|<contact>|<step>|<since>`: what a reply or a bounce answers. */
  messageIds = () => this.k('message-ids');
  /** The Message-ID last sent for an email step that a later step replies to: `<contact id>|<step>` → id. */
  threads = (name: string) => this.k('threads', name);
  /** Sends per sender, provider and week: the atomic quota counters. */
  quota = (sender: string, provider: string, week: string) => this.k('quota', sender, provider, week);
  /** Email template texts by path, refreshed by the reconciler: bound at send time. */
  templates = (name: string) => this.k('templates', name);
  /** Contacts waiting over the active cap (000's "blocked"), in the order they arrived. */
  blocked = (name: string) => this.k('blocked', name);
  /** Why enrollments ended in `error`: contact id → reason (shown by status and reports). */
  errors = (name: string) => this.k('errors', name);
  /** Open manual tasks: task id → JSON. */
  tasks = () => this.k('tasks');
  /** BullMQ's prefix: the same hash tag, so queues live on the same Cluster slot. */
  bullPrefix = () => this.k('bull');

  // Contacts
  contactSeq = () => this.k('contact', 'seq');
  contactIds = () => this.k('contact', 'ids');
  contactData = () => this.k('contact', 'data');
  lists = () => this.k('lists');
  list = (name: string) => this.k('list', name);
  suppressed = () => this.k('suppressed');

  /** A short-lived scratch key (rate windows, daily entry counts); callers give it a TTL. */
  scratch = (id: string) => this.k('scratch', id);

  /** The due index's member for one bucket: `<scenario>|<minute>`. */
  dueMember = (name: string, minute: number) => `${name}|${minute}`;
  /** Reads a due-index member back (scenario names may contain `|`: the minute is after the last). */
  parseDueMember = (member: string): { scenario: string; minute: number } => {
    const split = member.lastIndexOf('|');
    return { scenario: member.slice(0, split), minute: Number(member.slice(split + 1)) };
  };

  /** The pattern matching every key under this prefix (tests clean up with it). */
  all = () => `${this.prefix}:*`;
}
