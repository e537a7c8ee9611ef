/**
 * YAML text → validated `SweepSpec`. Syntax errors and validation issues both come back as
 * `SpecIssue`s carrying the line/column of the offending node when it can be located.
 */
import { isAlias, isMap, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node, type Pair, type YAMLMap } from 'yaml';
import { formatPath, type PathSegment } from './issues';
import type { SpecIssue } from './types';
import { validateRaw, type SpecResult, type ValidateOptions } from './validate';

/** YAML 1.1 merge key `<<` (the library resolves it to a symbol when `merge` is on). */
const isMergeKey = (key: unknown): boolean =>
  isScalar(key) && (key.value === '<<' || (typeof key.value === 'symbol' && key.value.description === '<<'));

const deref = (node: unknown, doc: Document): Node | undefined =>
  (isAlias(node) ? node.resolve(doc) : node) as Node | undefined;

/**
 * The pair that gives `map[key]` its value: an own key wins, then the merged mappings in order
 * (`<<: *a` or `<<: [*a, *b]`, earlier first), so a position points where the value is written.
 */
function findPair(map: YAMLMap, key: string, doc: Document, depth = 0): Pair | undefined {
  const own = map.items.find((p) => !isMergeKey(p.key) && isScalar(p.key) && String(p.key.value) === key);
  if (own || depth > 20) return own;
  for (const p of map.items) {
    if (!isMergeKey(p.key)) continue;
    const v = deref(p.value, doc);
    for (const src of isSeq(v) ? v.items.map((i) => deref(i, doc)) : [v]) {
      const found = isMap(src) ? findPair(src, key, doc, depth + 1) : undefined;
      if (found) return found;
    }
  }
  return undefined;
}

/** Finds the node at `path`; for a missing tail, the deepest existing ancestor. Keys win for unknown-key issues. */
function locate(doc: Document, path: readonly PathSegment[], preferKey: boolean): Node | undefined {
  let node = deref(doc.contents, doc);
  for (let i = 0; i < path.length; i++) {
    const seg = path[i];
    if (isMap(node)) {
      const pair = findPair(node, String(seg), doc);
      if (!pair) return node;
      const last = i === path.length - 1;
      if (last && preferKey) return pair.key as Node;
      node = deref(pair.value ?? pair.key, doc);
    } else if (isSeq(node) && typeof seg === 'number') {
      const item = deref(node.items[seg], doc);
      if (!item) return node;
      node = item;
    } else return node;
  }
  return node;
}

/** Deepest flow nesting ([ and {) a spec may have; real specs use 2–3 levels. */
export const MAX_FLOW_DEPTH = 64;

/**
 * The first place where flow collections ([ and {) nest deeper than `max`, by a linear scan that skips
 * quoted scalars and comments; undefined when they never do. yaml's parser recurses once per level, so
 * a document of 100,000 brackets cost it seconds before it overflowed the stack: refuse it up front.
 */
export function flowTooDeep(text: string, max = MAX_FLOW_DEPTH): { line: number; col: number } | undefined {
  let depth = 0;
  let line = 1;
  let col = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    col++;
    if (c === '\n') {
      line++;
      col = 0;
    } else if (c === '#' && (i === 0 || /\s/.test(text[i - 1]))) {
      while (i + 1 < text.length && text[i + 1] !== '\n') i++;
    } else if (c === '"' || c === "'") {
      // A quote opens a scalar only where a value starts (after space, [, {, :, or ,); inside plain text it is literal.
      if (i > 0 && !/[\s[{:,]/.test(text[i - 1])) continue;
      for (i++; i < text.length && text[i] !== c; i++) {
        if (c === '"' && text[i] === '\\') i++;
        else if (text[i] === '\n') {
          line++;
          col = 0;
        }
      }
    } else if (c === '[' || c === '{') {
      if (++depth > max) return { line, col };
    } else if ((c === ']' || c === '}') && depth > 0) depth--;
  }
  return undefined;
}

export function parseSpec(yamlText: string, opts: ValidateOptions = {}): SpecResult {
  const deep = flowTooDeep(yamlText);
  if (deep) return { ok: false, issues: [{ path: '(yaml)', message: `YAML document refused: nested too deeply (more than ${MAX_FLOW_DEPTH} levels of [ ] or { }; a spec is a few levels deep)`, ...deep }] };
  const lineCounter = new LineCounter();
  // `merge`: YAML 1.1 merge keys (`<<: *defaults`) are merged, as most YAML users expect.
  const doc = parseDocument(yamlText, { lineCounter, prettyErrors: false, uniqueKeys: true, merge: true });
  if (doc.errors.length > 0) {
    return {
      ok: false,
      issues: doc.errors.map((e) => {
        const pos = e.linePos?.[0] ?? lineCounter.linePos(e.pos[0]);
        // yaml's messages end with " at line L, column C:" plus context; keep the first sentence.
        const first = e.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '');
        // The parser recurses per nesting level: a stack overflow means nesting no spec has.
        const message = /Maximum call stack/.test(first) ? 'YAML document refused: nested too deeply (a spec is a few levels deep)' : `YAML syntax error: ${first}`;
        return { path: '(yaml)', message, line: pos.line, col: pos.col };
      }),
    };
  }
  let raw: unknown;
  try {
    raw = doc.toJS({ maxAliasCount: 100 });
  } catch (e) {
    // yaml refuses alias expansions past maxAliasCount (a "billion laughs" document); a spec never needs that many.
    return { ok: false, issues: [{ path: '(yaml)', message: `YAML document refused: ${(e as Error).message} (a spec needs at most 100 alias uses)` }] };
  }
  const r = validateRaw(raw, opts);
  if (r.ok) return r;
  const issues: SpecIssue[] = r.issues.map((i) => {
    const node = locate(doc, i.path, i.message.startsWith('unknown key'));
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
