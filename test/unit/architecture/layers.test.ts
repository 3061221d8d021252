import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  cyclesOf,
  describeCycle,
  folderGraph,
  folderImports,
  folderOf,
  layerViolations,
  readSources,
  specifiersOf,
  unplacedFolders,
  type Layers,
} from './import-graph.js';

const SRC = fileURLToPath(new URL('../../../src/', import.meta.url));

/**
 * The folders of src/, top to bottom: a folder imports only from tiers below its own. Folders on
 * one tier are independent of each other. A new folder must be placed here before it is imported.
 *
 * The pipeline runs upward (plan → apply → schedule → execute → events) except that apply and
 * lifecycle are operator commands above the runtime: once the lock is in state/ and admission in
 * audience/, schedule, execute and events never need them. simulate sits above execute because it
 * calls the engine's pure step machine; demo drives the real engine and so sits above everything.
 * Below the pipeline: the scenario language (validate, compile, steps…), then the sending and
 * enrollment machinery, then pure leaves, which know neither Redis nor the language's graph.
 */
const LAYERS: Layers = [
  ['cli', 'index'], // the command and the library's public face
  ['ci'], // `relance ci comment`: the sticky PR comment (validation, plan, diagrams, lint, previews)
  ['demo'], // `relance demo`: the real engine on synthetic contacts
  ['simulate'], // `relance simulate`: the engine's step machine, in memory
  ['run'], // the reconcile loop: plan and apply, again and again
  ['serve'], // `relance serve`: the HTTP app, one plugin per route family
  ['report'], // the stakeholders' zips: read from the event log, the ledger and the enrollments
  ['apply', 'lifecycle'], // operator commands that write desired state
  ['events'], // what contacts do, and entry by trigger
  ['execute'], // the engine
  ['schedule'], // due buckets → the queue
  ['preview'], // `relance preview`: every email rendered for sample contacts, with a gallery
  ['plan'], // desired vs running (or vs the files at a git revision)
  ['validate', 'explain'], // semantic rules; plain-words and Mermaid renderings
  ['lint'], // email lint: rules over a rendered email and its templates
  ['samples'], // sample contacts, and an email step rendered for one without Redis
  ['compile', 'load'], // files → scenarios → step graphs
  ['catalogue'], // built-in templates, expanded into steps
  ['steps'], // one definition per step type
  ['transports'], // SMTP, outbox
  ['delivery'], // rendering at send time
  ['audience'], // who may enter a list scenario (eligibility)
  ['contacts'], // import, suppression, contact store
  ['enroll'], // owner of enrollment state
  ['state'], // Redis keys, connection, scripts, the lock
  ['synthetic', 'policy'], // synthetic contacts and engagement; due, quota and retry rules
  ['conditions', 'triggers', 'templates', 'quotas'], // pure readings of the language
  ['time'], // clocks, windows, zones, durations
  ['diagnostics', 'git', 'util'],
  ['errors', 'schema'], // the base error; generated types
];

describe('the import scanner', () => {
  it('sees imports, type imports, re-exports, side-effect and dynamic imports, and nothing in comments or strings', () => {
    const source = [
      "import type { A } from './a.js';",
      'import {',
      '  b,',
      '  type C,',
      "} from '../b/c.js';",
      "export * from './d.js';",
      "export type { E } from '../e.js';",
      "import './side.js';",
      "// import { x } from './commented.js';",
      "const s = \"import { y } from './string.js'\";",
      "const m = await import('../dynamic.js');",
      "import pino from 'pino';",
    ].join('\n');
    expect(specifiersOf(source)).toEqual(['./a.js', '../b/c.js', './d.js', '../e.js', './side.js', '../dynamic.js', 'pino']);
  });

  it('maps a file to its top-level folder; a file directly under the root is its own', () => {
    expect(folderOf('apply/apply.ts')).toBe('apply');
    expect(folderOf('cli/commands/apply.ts')).toBe('cli');
    expect(folderOf('errors.ts')).toBe('errors');
    expect(folderOf('errors.js')).toBe('errors');
    expect(folderOf('index.ts')).toBe('index');
  });

  it('keeps only relative imports between folders of the root', () => {
    const files = new Map([
      ['a/x.ts', "import './y.js';\nimport '../b/z.js';\nimport 'ioredis';\nimport '../../outside.json';\nimport '../errors.js';"],
      ['errors.ts', "import './a/x.js';"],
    ]);
    expect(folderImports(files)).toEqual([
      { file: 'a/x.ts', specifier: '../b/z.js', from: 'a', to: 'b' },
      { file: 'a/x.ts', specifier: '../errors.js', from: 'a', to: 'errors' },
      { file: 'errors.ts', specifier: './a/x.js', from: 'errors', to: 'a' },
    ]);
  });

  it('finds a cycle and names one import per edge', () => {
    const files = new Map([
      ['a/one.ts', "import { b } from '../b/two.js';"],
      ['a/other.ts', "import { b } from '../b/three.js';"],
      ['b/two.ts', "import type { C } from '../c/four.js';"],
      ['c/four.ts', "export * from '../a/one.js';\nimport '../d/leaf.js';"],
      ['d/leaf.ts', 'export const leaf = 1;'],
    ]);
    const cycles = cyclesOf(folderGraph(folderImports(files)));
    expect(cycles.map(describeCycle)).toEqual([
      [
        'a → b → c → a',
        "  a → b: a/one.ts imports '../b/two.js'",
        "  b → c: b/two.ts imports '../c/four.js'",
        "  c → a: c/four.ts imports '../a/one.js'",
      ].join('\n'),
    ]);
  });

  it('lists each cycle of a tangle, and none in a graph without one', () => {
    const tangle = new Map([
      ['a/x.ts', "import '../b/x.js';"],
      ['b/x.ts', "import '../a/x.js';\nimport '../c/x.js';"],
      ['c/x.ts', "import '../b/x.js';"],
    ]);
    expect(cyclesOf(folderGraph(folderImports(tangle))).map((c) => c.map((e) => e.from).join(' '))).toEqual(['a b', 'b c']);
    const chain = new Map([
      ['a/x.ts', "import '../b/x.js';\nimport '../c/x.js';"],
      ['b/x.ts', "import '../c/x.js';"],
    ]);
    expect(cyclesOf(folderGraph(folderImports(chain)))).toEqual([]);
  });

  it('finds imports that go up the table or across a tier, and folders the table lacks', () => {
    const layers: Layers = [['top'], ['left', 'right'], ['bottom']];
    const files = new Map([
      ['top/x.ts', "import '../left/x.js';\nimport '../bottom/x.js';"],
      ['left/x.ts', "import '../right/x.js';\nimport '../bottom/x.js';"],
      ['bottom/x.ts', "import type { T } from '../top/x.js';\nimport '../stray/x.js';"],
    ]);
    const imports = folderImports(files);
    expect(layerViolations(imports, layers)).toEqual([
      "bottom/x.ts imports '../top/x.js': bottom is below top",
      "left/x.ts imports '../right/x.js': left and right are on the same tier",
    ]);
    expect(unplacedFolders(imports, files.keys(), layers)).toEqual(['stray']);
  });
});

const files = await readSources(SRC);
const imports = folderImports(files);

describe('the folders of src/', () => {
  it('are all placed in the layer table, once', () => {
    expect(unplacedFolders(imports, files.keys(), LAYERS)).toEqual([]);
    const listed = LAYERS.flat();
    expect(listed.filter((f, i) => listed.indexOf(f) !== i)).toEqual([]);
  });

  it('import one another without a cycle', () => {
    expect(cyclesOf(folderGraph(imports)).map(describeCycle)).toEqual([]);
  });

  it('import only from lower layers', () => {
    expect(layerViolations(imports, LAYERS)).toEqual([]);
  });
});
