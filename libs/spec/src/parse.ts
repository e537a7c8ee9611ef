/**
 * YAML text → validated `SweepSpec`. Syntax errors and validation issues both come back as
 * `SpecIssue`s carrying the line/column of the offending node when it can be located.
 */
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Node } from 'yaml';
import { formatPath, type PathSegment } from './issues';
import type { SpecIssue } from './types';
import { validateRaw, type SpecResult } from './validate';

/** Finds the node at `path`; for a missing tail, the deepest existing ancestor. Keys win for unknown-key issues. */
function locate(root: unknown, path: readonly PathSegment[], preferKey: boolean): Node | undefined {
  let node = root as Node | undefined;
  for (let i = 0; i < path.length; i++) {
    const seg = path[i];
    if (isMap(node)) {
      const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === String(seg));
      if (!pair) return node;
      const last = i === path.length - 1;
      if (last && preferKey) return pair.key as Node;
      node = (pair.value ?? pair.key) as Node;
    } else if (isSeq(node) && typeof seg === 'number') {
      const item = node.items[seg] as Node | undefined;
      if (!item) return node;
      node = item;
    } else return node;
  }
  return node;
}

export function parseSpec(yamlText: string): SpecResult {
  const lineCounter = new LineCounter();
  const doc = parseDocument(yamlText, { lineCounter, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    return {
      ok: false,
      issues: doc.errors.map((e) => {
        const pos = e.linePos?.[0] ?? lineCounter.linePos(e.pos[0]);
        // yaml's messages end with " at line L, column C:" plus context; keep the first sentence.
        const message = `YAML syntax error: ${e.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '')}`;
        return { path: '(yaml)', message, line: pos.line, col: pos.col };
      }),
    };
  }
  const r = validateRaw(doc.toJS({ maxAliasCount: 100 }));
  if (r.ok) return r;
  const issues: SpecIssue[] = r.issues.map((i) => {
    const node = locate(doc.contents, i.path, i.message.startsWith('unknown key'));
    const issue: SpecIssue = { path: formatPath(i.path), message: i.message };
    if (node?.range) {
      const pos = lineCounter.linePos(node.range[0]);
      issue.line = pos.line;
      issue.col = pos.col;
    }
    return issue;
  });
  // Document order reads best; issues without a position keep their place at the end.
  issues.sort((a, b) => (a.line ?? Infinity) - (b.line ?? Infinity) || (a.col ?? 0) - (b.col ?? 0));
  return { ok: false, issues };
}
