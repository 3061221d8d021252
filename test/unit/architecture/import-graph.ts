import { readdir, readFile } from 'node:fs/promises';
import { join, posix, sep } from 'node:path';
import ts from 'typescript';

/** One relative import of one file, with the top-level folders on both sides. */
export interface FolderImport {
  /** The importing file, relative to the scanned root, with `/` separators. */
  file: string;
  /** As written: `../apply/lock.js`. */
  specifier: string;
  from: string;
  to: string;
}

/** from → to → the first file import (in file order) that makes the edge. */
export type FolderGraph = Map<string, Map<string, FolderImport>>;

/** One tier of the layer table: folders on one tier may not import one another. */
export type Layers = ReadonlyArray<readonly string[]>;

/**
 * Every module a source names: `import`, `import type`, `export … from`, side-effect imports and
 * `import()`. TypeScript's own pre-processor does it, so comments and strings never count.
 */
export function specifiersOf(source: string): string[] {
  return ts.preProcessFile(source, true, true).importedFiles.map((f) => f.fileName);
}

/** `apply/apply.ts` → `apply`; a file directly under the root is its own folder: `errors.ts` → `errors`. */
export function folderOf(path: string): string {
  const [first, ...rest] = path.split('/');
  return rest.length > 0 ? first! : first!.replace(/\.(d\.)?[cm]?[jt]sx?$|\.json$/, '');
}

/**
 * The imports that cross folders, in file order. Packages (`ioredis`) and paths that leave the
 * root (`../../schema/scenario.schema.json`) are not folders of the root, so they are skipped.
 */
export function folderImports(files: ReadonlyMap<string, string>): FolderImport[] {
  const out: FolderImport[] = [];
  for (const file of [...files.keys()].sort()) {
    for (const specifier of specifiersOf(files.get(file)!)) {
      if (!specifier.startsWith('./') && !specifier.startsWith('../')) continue;
      const target = posix.normalize(posix.join(posix.dirname(file), specifier));
      if (target === '..' || target.startsWith('../')) continue;
      const from = folderOf(file);
      const to = folderOf(target);
      if (from !== to) out.push({ file, specifier, from, to });
    }
  }
  return out;
}

export function folderGraph(imports: readonly FolderImport[]): FolderGraph {
  const graph: FolderGraph = new Map();
  for (const i of imports) {
    const edges = graph.get(i.from) ?? new Map<string, FolderImport>();
    graph.set(i.from, edges);
    if (!edges.has(i.to)) edges.set(i.to, i);
  }
  return graph;
}

/**
 * Cycles between folders, each as its edges (A → B, B → C, C → A) with an example import each.
 * Listing every elementary cycle can explode; instead, for each edge inside a strongly connected
 * component, the shortest way back closes one cycle, so every edge that takes part in a cycle is
 * shown at least once. Each cycle starts at its smallest folder name, and they come sorted.
 */
export function cyclesOf(graph: FolderGraph): FolderImport[][] {
  const found = new Map<string, FolderImport[]>();
  for (const component of stronglyConnected(graph)) {
    if (component.size < 2) continue;
    for (const from of [...component].sort()) {
      for (const [to, edge] of graph.get(from) ?? []) {
        if (!component.has(to)) continue;
        const back = shortestPath(graph, component, to, from);
        const cycle = [edge, ...back];
        const start = cycle.reduce((best, e, i) => (e.from < cycle[best]!.from ? i : best), 0);
        const rotated = [...cycle.slice(start), ...cycle.slice(0, start)];
        found.set(rotated.map((e) => e.from).join(' '), rotated);
      }
    }
  }
  return [...found.entries()].sort(([a], [b]) => a.split(' ').length - b.split(' ').length || (a < b ? -1 : 1)).map(([, c]) => c);
}

/** `apply → plan → apply`, then one line per edge with the import that makes it. */
export function describeCycle(cycle: readonly FolderImport[]): string {
  const path = [...cycle.map((e) => e.from), cycle[0]!.from].join(' → ');
  return [path, ...cycle.map((e) => `  ${e.from} → ${e.to}: ${e.file} imports '${e.specifier}'`)].join('\n');
}

/** Folders that import from a folder not in the table, or that the table does not list. */
export function unplacedFolders(imports: readonly FolderImport[], files: Iterable<string>, layers: Layers): string[] {
  const placed = new Set(layers.flat());
  const seen = new Set([...files].map(folderOf));
  for (const i of imports) seen.add(i.to);
  return [...seen].filter((f) => !placed.has(f)).sort();
}

/**
 * Imports that go up the table or across a tier, one message each. Folders missing from the table
 * are left to `unplacedFolders`.
 */
export function layerViolations(imports: readonly FolderImport[], layers: Layers): string[] {
  const rank = new Map<string, number>();
  layers.forEach((tier, i) => tier.forEach((folder) => rank.set(folder, i)));
  const out: string[] = [];
  for (const i of imports) {
    const from = rank.get(i.from);
    const to = rank.get(i.to);
    if (from === undefined || to === undefined || from < to) continue;
    const why = from === to ? `${i.from} and ${i.to} are on the same tier` : `${i.from} is below ${i.to}`;
    out.push(`${i.file} imports '${i.specifier}': ${why}`);
  }
  return out;
}

/** Every .ts file under `dir`: relative path (with `/`) → source. */
export async function readSources(dir: string): Promise<Map<string, string>> {
  const names = (await readdir(dir, { recursive: true })).filter((n) => n.endsWith('.ts')).sort();
  const sources = await Promise.all(names.map((n) => readFile(join(dir, n), 'utf8')));
  return new Map(names.map((n, i) => [n.split(sep).join('/'), sources[i]!]));
}

/** Tarjan's algorithm; recursion is fine for a few dozen folders. */
function stronglyConnected(graph: FolderGraph): Array<Set<string>> {
  const nodes = new Set<string>();
  for (const [from, edges] of graph) {
    nodes.add(from);
    for (const to of edges.keys()) nodes.add(to);
  }
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const out: Array<Set<string>> = [];
  const visit = (v: string): void => {
    index.set(v, index.size);
    low.set(v, index.get(v)!);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v)?.keys() ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) {
        low.set(v, Math.min(low.get(v)!, index.get(w)!));
      }
    }
    if (low.get(v) === index.get(v)) {
      const component = new Set<string>();
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        component.add(w);
      } while (w !== v);
      out.push(component);
    }
  };
  for (const v of [...nodes].sort()) if (!index.has(v)) visit(v);
  return out;
}

/** Breadth-first, inside one component, visiting neighbours in name order so results are stable. */
function shortestPath(graph: FolderGraph, within: Set<string>, from: string, to: string): FolderImport[] {
  const via = new Map<string, FolderImport>();
  const queue = [from];
  const seen = new Set([from]);
  while (queue.length > 0) {
    const v = queue.shift()!;
    if (v === to) break;
    for (const [w, edge] of [...(graph.get(v) ?? [])].sort(([a], [b]) => (a < b ? -1 : 1))) {
      if (!within.has(w) || seen.has(w)) continue;
      seen.add(w);
      via.set(w, edge);
      queue.push(w);
    }
  }
  const path: FolderImport[] = [];
  for (let v = to; v !== from; v = via.get(v)!.from) path.unshift(via.get(v)!);
  return path;
}
