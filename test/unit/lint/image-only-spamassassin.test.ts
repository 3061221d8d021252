import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { imageOnlyBand } from '../../../src/lint/rules/image-only.js';
import { loadScenarioFile } from '../../../src/load/load-scenario.js';
import { renderSamples } from '../../../src/samples/render-samples.js';
import { sampleContacts } from '../../../src/samples/sample-contacts.js';
import { buildMessage } from '../../../src/transports/mime.js';

const present = spawnSync('spamassassin', ['--version']).status === 0;

describe('the HTML_IMAGE_ONLY explanation', () => {
  // Local rules only (-L): what `relance preview` runs, and no network in tests.
  it.runIf(present)('names the rule and score a local SpamAssassin gives the email', () => {
    const file = 'scenarios/standard.yaml';
    const { scenario } = loadScenarioFile(file);
    const [email] = renderSamples({ file, scenario: scenario! }, sampleContacts(scenario!, 1));
    const predicted = imageOnlyBand(email!.rendered.html)!;
    const raw = buildMessage(email!.rendered, new Date('2026-06-01T09:00:00Z')).raw;
    const run = spawnSync('spamassassin', ['-L', '-t'], { input: raw, encoding: 'utf8', timeout: 60_000 });
    const report = run.stdout;
    const hit = /^\s*(-?[\d.]+)\s+(HTML_IMAGE_ONLY_\d+)\b/m.exec(report);
    expect(hit, report.slice(-2000)).not.toBeNull();
    expect(hit![2]).toBe(predicted.rule);
    expect(Number(hit![1])).toBeCloseTo(predicted.score, 1);
  }, 90_000);

  it('counts the whole HTML source, like SpamAssassin, and needs an image', () => {
    expect(imageOnlyBand(`<p>${'x'.repeat(100)}</p>`)).toBeUndefined();
    expect(imageOnlyBand(`<img src="a.gif"><p>${'x'.repeat(350)}</p>`)).toMatchObject({ rule: 'HTML_IMAGE_ONLY_04' });
    expect(imageOnlyBand(`<img src="a.gif"><p>${'x'.repeat(2_000)}</p>`)).toMatchObject({ rule: 'HTML_IMAGE_ONLY_24', score: 2.799 });
    expect(imageOnlyBand(`<img src="a.gif"><p>${'x'.repeat(3_200)}</p>`)).toBeUndefined();
  });
});
