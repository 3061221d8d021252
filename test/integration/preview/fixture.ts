import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { PreviewManifest } from '../../../src/preview/manifest.js';

const run = promisify(execFile);
export const ROOT = new URL('../../../', import.meta.url).pathname;

/**
 * A small scenario with two emails, the first in English and French, whose HTML prints
 * `{{company}}` unguarded and holds a remote image (on a blackhole address: a preview that
 * fetched it would hang), and whose subject prints the contact's first name.
 */
export const SCENARIO = `apiVersion: relance/v1
kind: Scenario
metadata:
  name: preview-fixture
  title: Preview fixture — "quotes" & <angles>
  description: Two emails for the preview tests.
spec:
  entry:
    lists: [prospects]
  sender:
    name: Alice from Acme
    email: alice@acme.test
    replyTo: sales@acme.test
  language: en
  schedule:
    timezone: Europe/Paris
    days: [mon, tue, wed, thu, fri]
    hours: ["09:00-17:00"]
  steps:
    - id: hello
      type: email
      name: Hello
      template: mails/hello
      subject: "Hello {{default firstName \\"there\\"}}"
      languages:
        fr:
          subject: "Bonjour {{default firstName \\"à vous\\"}}"
    - id: pause
      type: wait
      for: 3 days
    - id: opened
      type: condition
      if: { opened: hello }
      then: done
      else: nudge
    - id: nudge
      type: email
      name: Nudge
      template: mails/nudge
      subject: "Still there?"
    - id: done
      type: exit
      outcome: end
`;

export const FILES: Record<string, string> = {
  'scenarios/fixture.yaml': SCENARIO,
  'scenarios/mails/hello.html.hbs': '<p>Hi {{default firstName "there"}},</p>\n<p>How is {{company}} doing?</p>\n<p><img src="http://10.255.255.1/logo.png" alt="Acme" width="120"></p>\n<p><a href="https://acme.test/demo">Book a demo</a></p>\n',
  'scenarios/mails/hello.txt.hbs': 'Hi {{default firstName "there"}},\n\nHow is {{company}} doing?\n\nBook a demo: https://acme.test/demo\n',
  'scenarios/mails/hello.fr.html.hbs': '<p>Bonjour {{default firstName "à vous"}},</p>\n<p>Comment va {{company}} ?</p>\n<p><a href="https://acme.test/demo">Une démo ?</a></p>\n',
  'scenarios/mails/nudge.html.hbs': '<p>Hi again {{default firstName "there"}},</p>\n<p>Just checking in.</p>\n',
};

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** The real CLI (dist/, see ensureBuilt), as CI runs it. */
export async function relance(args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<CliRun> {
  try {
    const { stdout, stderr } = await run(process.execPath, [join(ROOT, 'bin/relance.js'), ...args], { cwd: options.cwd ?? ROOT, env: { ...process.env, ...options.env }, maxBuffer: 1 << 26 });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === 'number' ? e.code : -1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

export function readManifest(out: string): PreviewManifest {
  return JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8')) as PreviewManifest;
}
