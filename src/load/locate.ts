import { isMap, isPair, isScalar, isSeq, type Document, type LineCounter, type Node } from 'yaml';
import type { Position } from '../diagnostics/diagnostic.js';

export interface Located {
  start: Position;
  end: Position;
  /** False when the path went further than the file (a missing property): we point at its parent. */
  exact: boolean;
}

/**
 * Finds where a JSON pointer path lands in the YAML source. With `key`, points at the
 * property's key rather than its value (used for "this property is not allowed").
 */
export function locate(doc: Document, lineCounter: LineCounter, path: readonly string[], key = false): Located {
  let node: Node | null | undefined = doc.contents as Node | null;
  let keyNode: Node | undefined;
  let exact = true;
  for (const segment of path) {
    keyNode = undefined;
    if (isMap(node)) {
      const pair = node.items.find((p) => isPair(p) && isScalar(p.key) && String(p.key.value) === segment);
      if (!pair) { exact = false; break; }
      keyNode = pair.key as Node;
      node = pair.value as Node | null;
      // `key:` with no value: the key is the only place to point at.
      if (node === null) { node = keyNode; }
    } else if (isSeq(node)) {
      const item = node.items[Number(segment)];
      if (item === undefined) { exact = false; break; }
      node = item as Node;
    } else {
      exact = false;
      break;
    }
  }
  const target = (key && keyNode) || node;
  const range = target?.range ?? [0, 0, 0];
  return { start: toPosition(lineCounter, range[0]), end: toPosition(lineCounter, range[1]), exact };
}

export function toPosition(lineCounter: LineCounter, offset: number): Position {
  const { line, col } = lineCounter.linePos(offset);
  return { line, column: col };
}

export function pointerToPath(pointer: string): string[] {
  if (pointer === '') return [];
  return pointer.slice(1).split('/').map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

export function pathToPointer(path: readonly (string | number)[]): string {
  return path.map((s) => '/' + String(s).replace(/~/g, '~0').replace(/\//g, '~1')).join('');
}
