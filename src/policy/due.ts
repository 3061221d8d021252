/**
 * Due times are whole minutes, rounded up: work is swept per minute, so a contact due at
 * 09:00:12 runs at 09:01:00 rather than early at 09:00:00 (when its wait is not over). 0 stays 0
 * (nothing scheduled). Epoch ms in, epoch seconds out.
 */
export function dueSeconds(ms: number): number {
  return ms <= 0 ? 0 : Math.ceil(ms / 60_000) * 60;
}
