import { IN_PROGRESS, type EnrollmentStatus } from './scenario-store.js';

/**
 * One contact's place in a scenario, packed in one hash field to keep a million enrollments
 * small: `version|step|status|since|due|attempts`. Times are epoch seconds; `due` is 0 when
 * nothing is scheduled (a task, a finished run).
 */
export interface Enrollment {
  version: string;
  step: string;
  status: EnrollmentStatus;
  since: number;
  due: number;
  attempts: number;
}

export function packEnrollment(e: Enrollment): string {
  return `${e.version}|${e.step}|${e.status}|${e.since}|${e.due}|${e.attempts}`;
}

export function unpackEnrollment(value: string): Enrollment {
  const [version = '', step = '', status = 'waiting', since = '0', due = '0', attempts = '0'] = value.split('|');
  return { version, step, status: status as EnrollmentStatus, since: Number(since), due: Number(due), attempts: Number(attempts) };
}

/** Due work is grouped by minute: a bucket per scenario and minute holds contact ids. */
export function minuteOf(epochSeconds: number): number {
  return Math.floor(epochSeconds / 60);
}

/** The counts field an enrollment is counted under: `version|step|status`. */
export function countField(e: Pick<Enrollment, 'version' | 'step' | 'status'>): string {
  return `${e.version}|${e.step}|${e.status}`;
}

/** In progress and not blocked: the contact holds one of the scenario's places under its cap. */
export function holdsPlace(status: EnrollmentStatus): boolean {
  return IN_PROGRESS.includes(status) && status !== 'blocked';
}

/** A contact the engine must look at again at `due`: it has an entry in a due bucket. */
export function isScheduled(e: Pick<Enrollment, 'status' | 'due'>): boolean {
  return (e.status === 'waiting' || e.status === 'deferred' || e.status === 'running') && e.due > 0;
}

/**
 * One visit of a step by a contact, `<contact>|<step>|<since>`: the send ledger's field. A retried
 * pass starts from the same position and finds the same field; a loop back weeks later is a new one.
 */
export function visitField(contactId: string, step: string, since: number): string {
  return `${contactId}|${step}|${since}`;
}
