/**
 * The interval level every view draws at: one level for bands, targets and frontier exponents, so
 * no two numbers on a page have different coverage. 95% unless the reader picks another (kept in
 * localStorage); `?level=90` in the address overrides it for a shared link.
 */
export const LEVELS = [0.68, 0.8, 0.9, 0.95, 0.99] as const;
const KEY = 'slab.intervalLevel';

function parse(v: string | null | undefined): number | undefined {
  if (!v) return undefined;
  const n = Number(v);
  const level = n > 1 ? n / 100 : n;
  return LEVELS.find((l) => Math.abs(l - level) < 1e-9);
}

export function intervalLevel(): number {
  const query = new URLSearchParams(location.hash.split('?')[1] ?? location.search).get('level');
  let stored: string | null = null;
  try {
    stored = localStorage.getItem(KEY);
  } catch {
    // Storage can be off (private mode); the default stands.
  }
  return parse(query) ?? parse(stored) ?? 0.95;
}

export function setIntervalLevel(level: number): void {
  try {
    localStorage.setItem(KEY, String(level));
  } catch {
    // Not persisted: this page still uses it.
  }
}
