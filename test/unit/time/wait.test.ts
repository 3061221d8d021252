import { describe, expect, it } from 'vitest';
import type { WaitStep } from '../../../src/schema/scenario.gen.js';
import { resolveWait, type WaitResult } from '../../../src/time/durations.js';
import { SendWindow } from '../../../src/time/window.js';

const paris = new SendWindow({ timezone: 'Europe/Paris' });
const NOW = new Date('2026-06-01T08:00:00Z');

function wait(rest: Partial<WaitStep>, fields: Record<string, unknown> = {}, now: Date = NOW): WaitResult {
  return resolveWait({ id: 'w', type: 'wait', ...rest }, now, (name) => fields[name], paris);
}
const iso = (r: WaitResult): string => (r instanceof Date ? r.toISOString() : `error: ${r.error}`);

describe('resolveWait', () => {
  it('waits for a duration', () => {
    expect(iso(wait({ for: '3 days' }))).toBe('2026-06-04T08:00:00.000Z');
    expect(iso(wait({ for: '2 business days' }))).toBe('2026-06-03T08:00:00.000Z');
  });

  it('waits until a local date-time of the scenario zone', () => {
    expect(iso(wait({ until: '2026-12-01T09:00' }))).toBe('2026-12-01T08:00:00.000Z');
    expect(iso(wait({ until: '2026-12-01' }))).toBe('2026-11-30T23:00:00.000Z'); // 00:00 local
  });

  it('waits until a time relative to a contact field', () => {
    const fields = { eventDate: '2026-12-10T18:00' };
    expect(iso(wait({ until: { field: 'eventDate', before: '1 day' } }, fields))).toBe('2026-12-09T17:00:00.000Z');
    expect(iso(wait({ until: { field: 'eventDate', before: '1 hour' } }, fields))).toBe('2026-12-10T16:00:00.000Z');
    expect(iso(wait({ until: { field: 'eventDate', after: '2 days' } }, fields))).toBe('2026-12-12T17:00:00.000Z');
    expect(iso(wait({ until: { field: 'eventDate' } }, fields))).toBe('2026-12-10T17:00:00.000Z');
    expect(iso(wait({ until: { field: 'eventDate', before: '1 business day' } }, { eventDate: '2026-12-14T09:00' }))).toBe('2026-12-11T08:00:00.000Z'); // Mon → Fri
  });

  it('reads the field as absolute with an offset, local without, 00:00 local for a date', () => {
    const rel = { until: { field: 'eventDate', before: '1 hour' } };
    expect(iso(wait(rel, { eventDate: '2026-12-10T18:00:00Z' }))).toBe('2026-12-10T17:00:00.000Z');
    expect(iso(wait(rel, { eventDate: '2026-12-10T18:00-05:00' }))).toBe('2026-12-10T22:00:00.000Z');
    expect(iso(wait(rel, { eventDate: '2026-12-10' }))).toBe('2026-12-09T22:00:00.000Z');
    expect(iso(wait(rel, { eventDate: new Date('2026-12-10T18:00:00Z') }))).toBe('2026-12-10T17:00:00.000Z');
  });

  it('ends at once when the target is past', () => {
    expect(iso(wait({ until: '2026-01-01' }))).toBe(NOW.toISOString());
    expect(iso(wait({ until: { field: 'eventDate', before: '1 day' } }, { eventDate: '2026-06-01T10:30' }))).toBe(NOW.toISOString());
  });

  it('gives an error for a missing or unreadable field', () => {
    const rel = { until: { field: 'eventDate', before: '1 day' } };
    expect(wait(rel, {})).toEqual({ error: expect.stringContaining('"eventDate" is empty') });
    expect(wait(rel, { eventDate: '' })).toEqual({ error: expect.stringContaining('is empty') });
    expect(wait(rel, { eventDate: null })).toEqual({ error: expect.stringContaining('is empty') });
    expect(wait(rel, { eventDate: 'next Tuesday' })).toEqual({ error: expect.stringContaining('not a date') });
    expect(wait(rel, { eventDate: '2026-02-30' })).toEqual({ error: expect.stringContaining('not a date') });
    expect(wait(rel, { eventDate: 42 })).toEqual({ error: expect.stringContaining('not a date') });
  });

  it('gives an error for a step the validator should have refused', () => {
    expect(wait({})).toHaveProperty('error');
    expect(wait({ for: '3 days', until: '2026-12-01' })).toHaveProperty('error');
    expect(wait({ for: 'soon' })).toHaveProperty('error');
    expect(wait({ until: '2026-13-01' })).toHaveProperty('error');
    expect(wait({ until: { field: 'eventDate', before: '1 day', after: '1 day' } }, { eventDate: '2026-12-10' })).toHaveProperty('error');
  });
});
