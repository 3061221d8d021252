import { join } from 'node:path';
import { findChromium } from './find-program.js';
import type { PreviewManifest } from './manifest.js';
import type { WrittenEmail } from './render-scenario.js';
import { takeScreenshots, WIDTHS } from './screenshots.js';

/**
 * Screenshots every email next to its HTML (`….desktop.png`, `….mobile.png`) and records them
 * in its files; without Chromium, says why, and the gallery frames the HTML instead.
 */
export async function screenshotEmails(emails: readonly WrittenEmail[], out: string, env: NodeJS.ProcessEnv = process.env): Promise<PreviewManifest['screenshots']> {
  const chromium = findChromium(env);
  if (!chromium.path) return { taken: false, reason: chromium.reason };
  if (emails.length === 0) return { taken: false, reason: 'no email to screenshot' };
  const jobs = emails.map((e) => {
    const stem = e.preview.files.html.replace(/\.html$/, '');
    return { email: e, desktop: `${stem}.desktop.png`, mobile: `${stem}.mobile.png` };
  });
  let result: Awaited<ReturnType<typeof takeScreenshots>>;
  try {
    result = await takeScreenshots(chromium.path, jobs.map((j) => ({ file: j.email.preview.files.html, html: j.email.html, png: { desktop: join(out, j.desktop), mobile: join(out, j.mobile) } })));
  } catch (err) {
    return { taken: false, reason: `Chromium did not start (${chromium.path}): ${(err as Error).message.split('\n')[0]}` };
  }
  const failed = new Set(result.failed.map((f) => f.file));
  for (const j of jobs) {
    if (failed.has(j.email.preview.files.html)) continue;
    j.email.preview.files.desktop = j.desktop;
    j.email.preview.files.mobile = j.mobile;
  }
  return { taken: true, widths: { ...WIDTHS }, msPerEmail: Math.round(result.ms / emails.length), ...(failed.size ? { failed: failed.size, reason: result.failed[0]!.message } : {}) };
}
