import { computePlan } from '../../../src/plan/compute-plan.js';
import { desiredScenario } from '../../../src/plan/desired-state.js';
import type { Plan } from '../../../src/plan/types.js';
import type { PreviewEmail, PreviewManifest } from '../../../src/preview/manifest.js';
import type { ScenarioRecord, VersionRecord } from '../../../src/state/scenario-store.js';
import type { CommentInput } from '../../../src/ci/comment-input.js';
import { validatePaths } from '../../../src/validate/validate.js';
import { tempDir } from '../../helpers/temp-dir.js';

/** A scenario with a wait of `delay` and one email step; `extra` adds steps after the wait. */
export function scenarioYaml(name: string, delay = '2 days', extra = ''): string {
  return `apiVersion: relance/v1
kind: Scenario
metadata:
  name: ${name}
  title: ${name} title
spec:
  entry:
    lists: [newsletter]
  sender:
    email: hello@acme.test
  steps:
    - id: pause
      type: wait
      for: ${delay}
${extra}    - id: check
      type: condition
      if: { field: country, in: [FR, BE] }
      then: bye
      else: bye
    - id: bye
      type: exit
      outcome: end
`;
}

/**
 * A plan between two sets of files, as `plan --base` computes it: the files "before" play the
 * running state (no contacts), the files "after" are the desired state.
 */
export async function planBetween(before: Record<string, string>, after: Record<string, string>): Promise<Plan> {
  const [b, a] = await Promise.all([validatePaths([await tempDir(before)]), validatePaths([await tempDir(after)])]);
  const records = new Map<string, ScenarioRecord>();
  const versions = new Map<string, VersionRecord>();
  for (const valid of b.scenarios) {
    const d = desiredScenario(valid);
    records.set(d.name, { name: d.name, state: d.suspend ? 'paused' : 'running', digest: d.digest, revision: 'base', file: d.file, appliedAt: '', appliedBy: '', stateBy: 'git', stateAt: '', stateNote: '', prune: false });
    versions.set(d.name, { name: d.name, digest: d.digest, revision: 'base', appliedAt: '', file: d.file, scenario: d.scenario, graph: d.graph });
  }
  return computePlan({
    desired: a.scenarios.map((v) => desiredScenario(v)),
    running: { basis: 0, prefix: 'files', records, versions, counts: new Map() },
    revision: 'base',
    prune: true,
    affected: new Map(),
    now: new Date('2026-01-05T10:00:00Z'),
  });
}

export function email(step: string, over: Partial<PreviewEmail> = {}): PreviewEmail {
  return {
    step,
    language: 'en',
    contact: 'ada@example.test',
    subject: `Subject of ${step}`,
    from: 'Acme <hello@acme.test>',
    audience: 'every contact',
    delay: 'right after entry',
    files: { html: `s/${step}.en.1.html`, text: `s/${step}.en.1.txt`, eml: `s/${step}.en.1.eml` },
    unresolved: [],
    htmlBytes: 1000,
    lint: [],
    ...over,
  };
}

export function manifest(emails: PreviewEmail[], name = 'welcome'): PreviewManifest {
  return {
    format: 1,
    createdAt: '2026-01-05T10:00:00Z',
    screenshots: { taken: false, reason: 'Chromium is not installed' },
    spamScore: { taken: true },
    scenarios: [{ name, title: 'Welcome series', file: `scenarios/${name}.yaml`, emails }],
  };
}

export function input(over: Partial<CommentInput> = {}): CommentInput {
  return {
    validation: { files: 1, errors: [], warnings: [] },
    plan: { note: 'No base revision given.' },
    graphs: new Map(),
    previews: {},
    link: () => undefined,
    ...over,
  };
}
