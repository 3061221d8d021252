import { RelanceError } from '../../errors.js';
import { runDoctor } from '../../enroll/run-doctor.js';
import type { Difference } from '../../enroll/doctor.js';
import { IN_FLIGHT_S } from '../../execute/ledger.js';
import { queuedIds, stepsQueue } from '../../schedule/queue.js';
import { withState } from '../state.js';

/** `doctor` exits 1 when the running state has differences (after `--fix`: when some remain). */
export class DoctorFoundError extends RelanceError {
  override readonly code = 'DOCTOR_DIFFERENCES';
  override readonly exitCode = 1;
  override readonly reported = true;
}

export async function doctor(options: { fix?: boolean; json?: boolean }): Promise<void> {
  const result = await withState(async ({ redis, keys }) => {
    const queue = stepsQueue(redis, keys);
    try {
      return await runDoctor(redis, keys, { now: new Date(), inFlightSeconds: IN_FLIGHT_S, fix: options.fix, queued: () => queuedIds(queue) });
    } finally {
      await queue.close();
    }
  });
  const remaining = result.after ?? result.differences;
  if (options.json) {
    process.stdout.write(JSON.stringify(result, null, 2) + '\n');
  } else {
    process.stdout.write(format(result.differences));
    if (result.after) process.stdout.write(`\nrepaired (${result.repaired} change${result.repaired === 1 ? '' : 's'}); after the repair: ${remaining.length === 0 ? 'clean' : `${remaining.length} difference${remaining.length > 1 ? 's' : ''} left`}\n${remaining.length ? format(remaining) : ''}`);
  }
  if (remaining.length > 0) throw new DoctorFoundError(`${remaining.length} difference(s)`);
}

function format(differences: Difference[]): string {
  if (differences.length === 0) return 'clean: every count, total, queue and schedule matches the enrollments\n';
  const lines: string[] = [];
  let scenario = '';
  for (const d of differences) {
    if (d.scenario !== scenario) lines.push(`${(scenario = d.scenario)}:`);
    lines.push(`  ${d.kind}: ${d.what}`);
  }
  return `${lines.join('\n')}\n${differences.length} difference${differences.length > 1 ? 's' : ''}; \`relance doctor --fix\` repairs them\n`;
}
