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

  // Contacts
  contactSeq = () => this.k('contact', 'seq');
  contactIds = () => this.k('contact', 'ids');
  contactData = () => this.k('contact', 'data');
  lists = () => this.k('lists');
  list = (name: string) => this.k('list', name);
  suppressed = () => this.k('suppressed');

  /** A short-lived scratch key (set unions); callers give it a TTL. */
  scratch = (id: string) => this.k('scratch', id);

  /** The pattern matching every key under this prefix (tests clean up with it). */
  all = () => `${this.prefix}:*`;
}
