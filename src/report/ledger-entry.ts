/**
 * One send ledger entry (`ledger:<name>`, src/state/DESIGN.md): field `<contact>|<step>|<since>`,
 * value `sent|<message-id>|<ts>`, `failed|bounced|<ts>`, `failed|rejected|<ts>`,
 * `pending|<owner>|<ts>`, `sending|<owner>|<ts>` or `unknown|<ts>`.
 */
export interface LedgerEntry {
  contact: string;
  step: string;
  /** The visit: the enrollment's `since` when it reached the step. */
  since: number;
  state: string;
  /** `bounced` or `rejected` for a failed send; '' otherwise. */
  failure: string;
  /** The engine's clock when it was written (sent: when the email went out), epoch seconds. */
  at: number;
}

/** Undefined for a field or value of another shape (nothing the engine writes). */
export function parseLedgerEntry(field: string, value: string): LedgerEntry | undefined {
  const first = field.indexOf('|');
  const last = field.lastIndexOf('|');
  const stateEnd = value.indexOf('|');
  if (first <= 0 || last <= first || stateEnd <= 0) return undefined;
  const state = value.slice(0, stateEnd);
  const at = Number(value.slice(value.lastIndexOf('|') + 1));
  return {
    contact: field.slice(0, first),
    step: field.slice(first + 1, last),
    since: Number(field.slice(last + 1)),
    state,
    failure: state === 'failed' ? value.split('|')[1] ?? '' : '',
    at: Number.isFinite(at) ? at : 0,
  };
}
