import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { simulate } from '../../../src/cli/commands/simulate.js';
import { InputNotFoundError, UsageError, ValidationFailedError } from '../../../src/errors.js';
import { MINIMAL } from '../../helpers/scenario-text.js';
import { tempDir } from '../../helpers/temp-dir.js';

const SCENARIOS_DIR = fileURLToPath(new URL('../../../scenarios', import.meta.url));
const OPTIONS = { contacts: '200', days: '60', seed: '3', start: '2026-03-02' };

function capture(stream: NodeJS.WriteStream): () => string {
  const chunks: string[] = [];
  vi.spyOn(stream, 'write').mockImplementation((chunk: string | Uint8Array) => { chunks.push(String(chunk)); return true; });
  return () => chunks.join('');
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('relance simulate', () => {
  it('refuses an invalid file with file:line:col errors, and prints no forecast', async () => {
    const dir = await tempDir({
      'broken.yaml': MINIMAL.replace('name: minimal', 'name: broken').replace('for: 2 days\n', 'for: 2 days\n      next: nowhere\n'),
    });
    const stderr = capture(process.stderr);
    const stdout = capture(process.stdout);
    await expect(simulate(join(dir, 'broken.yaml'), OPTIONS)).rejects.toBeInstanceOf(ValidationFailedError);
    expect(stderr()).toMatch(/broken\.yaml:\d+:\d+: error /);
    expect(stdout()).toBe('');
  });

  it('prints a forecast for a file, and the same JSON for the same seed', async () => {
    const file = join(SCENARIOS_DIR, 'standard.yaml');
    const out = capture(process.stdout);
    await simulate(file, { ...OPTIONS, json: true });
    const first = out();
    const forecast = JSON.parse(first) as { scenario: string; contacts: number; sends: { total: number; perStep: Array<{ step: string }> }; start: { local: string } };
    expect(forecast.scenario).toBe('standard');
    expect(forecast.contacts).toBe(200);
    expect(forecast.sends.perStep.map((s) => s.step)).toHaveLength(3);
    // schedule.start is 2026-03-02T09:00 Chicago: nobody enters before it.
    expect(forecast.start.local).toBe('2026-03-02 09:00');
    await simulate(file, { ...OPTIONS, json: true });
    expect(out()).toBe(first + first);
  });

  it('finds a scenario by name in scenarios/ and prints text', async () => {
    const out = capture(process.stdout);
    await simulate('welcome', OPTIONS, SCENARIOS_DIR);
    expect(out()).toMatch(/^Forecast for welcome .*Nothing is sent\./);
    expect(out()).toContain('Sends per day (Europe/Paris)');
    expect(out()).toContain('Where contacts are on');
  });

  it('refuses unknown scenarios and bad numbers', async () => {
    await expect(simulate('no-such-scenario', OPTIONS, SCENARIOS_DIR)).rejects.toBeInstanceOf(InputNotFoundError);
    const file = join(SCENARIOS_DIR, 'standard.yaml');
    await expect(simulate(file, { ...OPTIONS, contacts: 'many' })).rejects.toBeInstanceOf(UsageError);
    await expect(simulate(file, { ...OPTIONS, openRate: '1.5' })).rejects.toBeInstanceOf(UsageError);
    await expect(simulate(file, { ...OPTIONS, start: 'tomorrow' })).rejects.toBeInstanceOf(UsageError);
  });
});
