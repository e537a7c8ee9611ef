import type { SpecIssue } from './types';

/** One path segment: an object key or an array index. */
export type PathSegment = string | number;

/** `['dimensions', 'width', 'values', 2]` → `dimensions.width.values[2]`. */
export function formatPath(path: readonly PathSegment[]): string {
  let out = '';
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else out += out === '' ? seg : `.${seg}`;
  }
  return out === '' ? '(root)' : out;
}

/** Describes a found value for "got ..." in messages: strings quoted, containers by kind. */
export function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return value.length === 0 ? 'an empty list' : `a list of ${value.length}`;
  if (typeof value === 'object') return 'a mapping';
  return typeof value;
}

/**
 * One line per issue, e.g. `dimensions.width.values[2]: expected a positive integer, got "abc"`,
 * followed by ` (line 7, col 12)` when the issue came from YAML text with a known position.
 */
export function formatIssues(issues: readonly SpecIssue[]): string {
  return issues
    .map((i) => {
      const where = i.line !== undefined ? ` (line ${i.line}${i.col !== undefined ? `, col ${i.col}` : ''})` : '';
      return `${i.path}: ${i.message}${where}`;
    })
    .join('\n');
}

/** Optimal-string-alignment distance (Levenshtein plus adjacent transpositions), for short keys. */
function distance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) =>
    Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[a.length][b.length];
}

/** The closest known word when it is plausibly a typo (distance ≤ 1/3 of its length, at least 1). */
export function closest(word: string, known: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestD = Infinity;
  const lw = word.toLowerCase();
  for (const k of known) {
    const d = distance(lw, k.toLowerCase());
    if (d < bestD) {
      bestD = d;
      best = k;
    }
  }
  if (best === undefined) return undefined;
  return bestD <= Math.max(1, Math.floor(best.length / 3)) ? best : undefined;
}

/** Collects issues with their raw paths (positions are attached later by the YAML layer). */
export class IssueList {
  readonly items: { path: PathSegment[]; message: string }[] = [];

  add(path: readonly PathSegment[], message: string): void {
    this.items.push({ path: [...path], message });
  }

  /** `expected <what>, got <value>` */
  expected(path: readonly PathSegment[], what: string, got: unknown): void {
    this.add(path, `expected ${what}, got ${describe(got)}`);
  }

  toIssues(): SpecIssue[] {
    return this.items.map((i) => ({ path: formatPath(i.path), message: i.message }));
  }
}
