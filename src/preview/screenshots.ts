import type { BrowserContext, Page } from 'playwright-core';

/** Reading-pane and phone widths, in CSS pixels (one device pixel each: small PNGs). */
export const WIDTHS = { desktop: 800, mobile: 375 } as const;
export type Width = keyof typeof WIDTHS;

export interface ShotJob {
  /** The email's HTML file, to name it in failures. */
  file: string;
  /** Its content: set in the page directly, which spares a navigation per shot. */
  html: string;
  /** Absolute paths of the PNGs to write. */
  png: Record<Width, string>;
}

export interface ShotResult {
  /** Wall time of the whole run, browser start included. */
  ms: number;
  failed: Array<{ file: string; message: string }>;
}

// Headless, and nothing that calls home: a CI runner may have no network at all.
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/**
 * Full-page PNGs of each email at desktop and mobile width, in one Chromium driven by
 * playwright-core (loaded only here). Each width has its own context whose pages are reused;
 * the email is set as the page's content and every request it makes is aborted, so remote images
 * and the open pixel never hang a page or reach a server; scripts are off, as in a mail client.
 * A few pages work at once: much of a shot is waiting on the browser, not computing.
 */
export async function takeScreenshots(executablePath: string, jobs: readonly ShotJob[], concurrency = 3): Promise<ShotResult> {
  const started = performance.now();
  const failed: ShotResult['failed'] = [];
  if (jobs.length === 0) return { ms: 0, failed };
  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch({ executablePath, args: ARGS, timeout: 30_000 });
  try {
    const contexts = {} as Record<Width, BrowserContext>;
    for (const width of Object.keys(WIDTHS) as Width[]) {
      const context = await browser.newContext({ viewport: { width: WIDTHS[width], height: 600 }, javaScriptEnabled: false, serviceWorkers: 'block', deviceScaleFactor: 1 });
      await context.route('**/*', (route) => route.abort('blockedbyclient'));
      contexts[width] = context;
    }
    let next = 0;
    const worker = async (): Promise<void> => {
      const pages = {} as Record<Width, Page>;
      for (const width of Object.keys(WIDTHS) as Width[]) pages[width] = await contexts[width].newPage();
      for (let i = next++; i < jobs.length; i = next++) {
        const job = jobs[i]!;
        try {
          for (const width of Object.keys(WIDTHS) as Width[]) {
            await pages[width].setContent(job.html, { waitUntil: 'load', timeout: 15_000 });
            await pages[width].screenshot({ path: job.png[width], fullPage: true, animations: 'disabled', timeout: 15_000 });
          }
        } catch (err) {
          failed.push({ file: job.file, message: (err as Error).message.split('\n')[0]! });
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, jobs.length) }, worker));
  } finally {
    await browser.close();
  }
  return { ms: performance.now() - started, failed };
}
