/**
 * The body of a `message/delivery-status` (RFC 3464) or `message/feedback-report` (RFC 5965) part:
 * groups of `Name: value` fields separated by blank lines (a DSN's per-message group, then one
 * group per recipient). Field names are lowercased; a repeated field keeps every value, in order.
 */
export type FieldGroup = Map<string, string[]>;

/** Far more than any report holds; the rest of a hostile part is not read. */
const MAX_CHARS = 256 * 1024;
const MAX_GROUPS = 200;
const FIELD = /^([\x21-\x39\x3b-\x7e]+)[ \t]*:(.*)$/;

export function readFieldGroups(content: Buffer): FieldGroup[] {
  const text = content.subarray(0, MAX_CHARS).toString('utf8');
  const groups: FieldGroup[] = [];
  let group: FieldGroup | undefined;
  let last: { values: string[]; index: number } | undefined;
  for (const line of text.split(/\r\n|\r|\n/)) {
    if (line.trim() === '') {
      group = undefined;
      last = undefined;
      continue;
    }
    if (/^[ \t]/.test(line)) {
      // A folded continuation of the field above.
      if (last) last.values[last.index] = `${last.values[last.index] ?? ''} ${line.trim()}`;
      continue;
    }
    const match = FIELD.exec(line);
    if (!match) {
      last = undefined;
      continue;
    }
    if (!group) {
      if (groups.length >= MAX_GROUPS) break;
      group = new Map();
      groups.push(group);
    }
    const name = (match[1] ?? '').toLowerCase();
    let values = group.get(name);
    if (!values) group.set(name, (values = []));
    values.push((match[2] ?? '').trim());
    last = { values, index: values.length - 1 };
  }
  return groups;
}

/** The first value of a field in a group, or undefined. */
export function field(group: FieldGroup | undefined, name: string): string | undefined {
  return group?.get(name)?.[0];
}

/** A typed value (`rfc822; user@example.com`, `smtp; 550 …`) without its type. */
export function withoutType(value: string): string {
  return value.replace(/^[A-Za-z0-9][A-Za-z0-9._-]*[ \t]*;[ \t]*/, '').trim();
}
