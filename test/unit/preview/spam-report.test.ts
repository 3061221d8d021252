import { describe, expect, it } from 'vitest';
import { parseSpamReport } from '../../../src/preview/spam-report.js';

// As `spamassassin -L -t` (4.0) prints it, with a description that goes on over a second line.
const REPORT = `Spam detection software, running on the system "vm",
has NOT identified this incoming email as spam.

Content preview:  Hello

Content analysis details:   (3.8 points, 5.0 required)

 pts rule name              description
---- ---------------------- --------------------------------------------------
-0.0 NO_RECEIVED            Informational: message has no Received headers
 0.0 HTML_MESSAGE           BODY: HTML included in message
 1.7 HTML_IMAGE_ONLY_04     BODY: HTML: images with 0-400 bytes of words
 1.0 BODY_SINGLE_URI        Message body is only a URI
-1.9 BAYES_00               BODY: Bayes spam probability is 0 to 1%
                            [score: 0.0000]
 1.0 TO_NO_BRKTS_HTML_ONLY  To: lacks brackets and HTML only

`;

describe('parseSpamReport', () => {
  it('reads the score, the threshold and every rule, highest points first, wrapped descriptions joined', () => {
    const parsed = parseSpamReport(REPORT)!;
    expect(parsed.score).toBe(3.8);
    expect(parsed.threshold).toBe(5);
    expect(parsed.rules.map((r) => [r.name, r.score])).toEqual([
      ['HTML_IMAGE_ONLY_04', 1.7],
      ['BODY_SINGLE_URI', 1],
      ['TO_NO_BRKTS_HTML_ONLY', 1],
      ['HTML_MESSAGE', 0],
      ['NO_RECEIVED', -0],
      ['BAYES_00', -1.9],
    ]);
    expect(parsed.rules.find((r) => r.name === 'BAYES_00')!.description).toBe('BODY: Bayes spam probability is 0 to 1% [score: 0.0000]');
  });

  it('reads a negative total and a report with no rule', () => {
    const parsed = parseSpamReport('Content analysis details:   (-0.1 points, 5.0 required)\n\n pts rule name              description\n---- ---------------------- ----\n\n')!;
    expect(parsed).toEqual({ score: -0.1, threshold: 5, rules: [] });
  });

  it('returns nothing for text that is not a report', () => {
    expect(parseSpamReport('spamd: connection refused')).toBeUndefined();
  });
});
