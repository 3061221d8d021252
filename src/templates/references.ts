// `hbs` is the global namespace of Handlebars' own type declarations.
export interface Reference {
  /** First segment of the path: `firstName` for `{{firstName}}`, `vars` for `{{vars.x}}`. */
  head: string;
  /** The whole path, `vars.productName`. */
  path: string;
  /** A helper call (`{{upper firstName}}`) rather than a value. */
  helper: boolean;
  line: number;
  column: number;
}

/**
 * Lists the names a template reads from its context. Inside `#each` / `#with` the context
 * changes, so only `@root.` paths are checked there (the rest belongs to the inner value).
 */
export function collectReferences(program: hbs.AST.Program): Reference[] {
  const out: Reference[] = [];
  walkProgram(program, 0, out);
  return out;
}

type Node = hbs.AST.Node & { loc?: hbs.AST.SourceLocation };

function walkProgram(program: hbs.AST.Program | undefined, scope: number, out: Reference[]): void {
  for (const statement of program?.body ?? []) walkNode(statement as Node, scope, out);
}

function walkNode(node: Node, scope: number, out: Reference[]): void {
  switch (node.type) {
    case 'MustacheStatement':
    case 'SubExpression':
    case 'BlockStatement':
    case 'PartialStatement': {
      const n = node as hbs.AST.MustacheStatement | hbs.AST.BlockStatement;
      const isCall = n.params.length > 0 || (n.hash?.pairs.length ?? 0) > 0 || node.type === 'BlockStatement' || node.type === 'SubExpression';
      if (node.type !== 'PartialStatement') addPath(n.path as Node, scope, isCall, out);
      for (const p of n.params) addExpression(p as Node, scope, out);
      for (const pair of n.hash?.pairs ?? []) addExpression(pair.value as Node, scope, out);
      if (node.type === 'BlockStatement') {
        const block = node as hbs.AST.BlockStatement;
        const name = (block.path as hbs.AST.PathExpression).original;
        const inner = name === 'each' || name === 'with' ? scope + 1 : scope;
        walkProgram(block.program, inner, out);
        walkProgram(block.inverse, scope, out);
      }
      return;
    }
    default:
      return;
  }
}

function addExpression(node: Node, scope: number, out: Reference[]): void {
  if (node.type === 'SubExpression') walkNode(node, scope, out);
  else addPath(node, scope, false, out);
}

function addPath(node: Node, scope: number, helper: boolean, out: Reference[]): void {
  if (node.type !== 'PathExpression') return; // literals
  const path = node as hbs.AST.PathExpression;
  if (path.parts.length === 0) return; // {{this}} or {{.}}
  if (path.data) {
    // @root.x reads the outer context; @index, @key, @first are loop data.
    if (path.parts[0] !== 'root' || path.parts.length < 2) return;
    out.push(ref(path.parts.slice(1), false, node));
    return;
  }
  if (scope > 0 || path.depth > 0) return;
  out.push(ref(path.parts, helper && path.parts.length === 1, node));
}

function ref(parts: string[], helper: boolean, node: Node): Reference {
  return { head: parts[0]!, path: parts.join('.'), helper, line: node.loc?.start.line ?? 1, column: (node.loc?.start.column ?? 0) + 1 };
}
