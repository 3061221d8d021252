import { chmodSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { findChromium, findProgram } from '../../../src/preview/find-program.js';
import { tempDir } from '../../helpers/temp-dir.js';

describe('finding Chromium', () => {
  it('takes RELANCE_CHROMIUM when it runs, and says so when it does not', async () => {
    const dir = await tempDir({ 'my-chromium': '#!/bin/sh\n' });
    chmodSync(join(dir, 'my-chromium'), 0o755);
    expect(findChromium({ RELANCE_CHROMIUM: join(dir, 'my-chromium'), PATH: '' })).toEqual({ path: join(dir, 'my-chromium') });
    expect(findChromium({ RELANCE_CHROMIUM: join(dir, 'nothing'), PATH: '' })).toEqual({ reason: `RELANCE_CHROMIUM=${join(dir, 'nothing')} is not an executable file` });
  });

  it('looks on PATH, and names the package to install when nothing is found', async () => {
    const dir = await tempDir({ 'chromium-browser': '#!/bin/sh\n', chromium: 'not executable' });
    chmodSync(join(dir, 'chromium-browser'), 0o755);
    expect(findProgram(['chromium', 'chromium-browser'], dir)).toBe(join(dir, 'chromium-browser'));
    expect(findChromium({ PATH: dir }, ['chromium', 'chromium-browser'])).toEqual({ path: join(dir, 'chromium-browser') });
    expect(findChromium({ PATH: '' }, ['chromium'])).toEqual({ reason: 'Chromium not installed (apt-get install chromium)' });
  });
});
