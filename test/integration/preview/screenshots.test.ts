import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { findChromium } from '../../../src/preview/find-program.js';
import { ensureBuilt } from '../../helpers/engine.js';
import { tempDir } from '../../helpers/temp-dir.js';
import { FILES, readManifest, relance } from './fixture.js';

const chromium = findChromium().path;

/** Width and height from a PNG's IHDR chunk, after checking the 8-byte signature. */
function pngSize(file: string): { width: number; height: number } {
  const bytes = readFileSync(file);
  expect(bytes.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])), `${file} is a PNG`).toBe(true);
  expect(bytes.toString('latin1', 12, 16), `${file} starts with IHDR`).toBe('IHDR');
  return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
}

describe.runIf(chromium)('relance preview with Chromium', () => {
  beforeAll(async () => {
    await ensureBuilt();
  }, 240_000);

  it('writes one full-page PNG per email and width, and shows them in the gallery', async () => {
    const dir = await tempDir(FILES);
    const out = join(dir, 'previews');
    const run = await relance(['preview', 'scenarios', '--out', out, '--samples', '2', '--no-spam-score'], { cwd: dir });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const manifest = readManifest(out);
    expect(manifest.screenshots).toMatchObject({ taken: true, widths: { desktop: 800, mobile: 375 } });
    expect(manifest.screenshots.msPerEmail).toBeGreaterThan(0);
    expect(run.stdout).toMatch(/screenshots: 8 PNGs at 800 and 375 px, \d+ ms per email/);
    const emails = manifest.scenarios.flatMap((s) => s.emails);
    expect(emails).toHaveLength(4);
    const index = readFileSync(join(out, 'index.html'), 'utf8');
    for (const e of emails) {
      const desktop = pngSize(join(out, e.files.desktop!));
      const mobile = pngSize(join(out, e.files.mobile!));
      expect(desktop.width).toBe(800);
      expect(mobile.width).toBe(375);
      // Full page: at least the viewport, and the narrow page wraps into more height.
      expect(desktop.height).toBeGreaterThanOrEqual(600);
      expect(mobile.height).toBeGreaterThanOrEqual(desktop.height);
      expect(index).toContain(`<img src="${e.files.desktop}"`);
      expect(index).toContain(`<img src="${e.files.mobile}"`);
    }
    expect(index).not.toContain('<iframe');
  });
});
