/**
 * Colour by model size: a perceptually ordered ramp (viridis-like, trimmed of its palest end so
 * lines stay visible on white), indexed by log(size) across the sweep's sizes.
 */
const STOPS: [number, number, number][] = [
  [68, 1, 84],
  [65, 68, 135],
  [42, 120, 142],
  [34, 168, 132],
  [122, 209, 81],
  [200, 200, 40],
];

export function ramp(t: number): string {
  const x = Math.min(1, Math.max(0, Number.isFinite(t) ? t : 0)) * (STOPS.length - 1);
  const i = Math.min(STOPS.length - 2, Math.floor(x));
  const f = x - i;
  const [a, b] = [STOPS[i], STOPS[i + 1]];
  const c = a.map((v, j) => Math.round(v + (b[j] - v) * f));
  return `rgb(${c[0]},${c[1]},${c[2]})`;
}

/** A function size -> colour spanning the given sizes in log space. */
export function sizeColors(sizes: number[]): (size: number | undefined) => string {
  const logs = sizes.filter((s) => s > 0).map(Math.log10);
  const lo = Math.min(...logs);
  const hi = Math.max(...logs);
  return (size) => {
    if (!(size !== undefined && size > 0) || !Number.isFinite(lo)) return ramp(0.45);
    return hi > lo ? ramp((Math.log10(size) - lo) / (hi - lo)) : ramp(0.45);
  };
}

/**
 * Categorical hues for unordered dimensions (curation strategy): well separated, all dark enough
 * for thin lines on white. A value's hue is its index among the dimension's sorted values, so the
 * loss curves, the trial table and the grouped fit agree on it.
 */
const HUES = [217, 27, 135, 290, 188, 0, 48, 330, 95, 255];

export function hueColor(index: number, shade = 0.5): string {
  const hue = HUES[index % HUES.length];
  // shade 0 → dark, 1 → light; lightness kept in a band where lines still read on white.
  const light = 30 + Math.min(1, Math.max(0, shade)) * 30;
  return `hsl(${hue} 68% ${light}%)`;
}

/** Distinct values in display order: numbers ascending, text alphabetically. */
export function sortedValues(values: Iterable<string | number | undefined>): (string | number)[] {
  const set = [...new Set([...values].filter((v): v is string | number => v !== undefined && v !== null))];
  return set.sort((a, b) => (typeof a === 'number' && typeof b === 'number' ? a - b : String(a).localeCompare(String(b), undefined, { numeric: true })));
}

/**
 * A trial's own colour from its index alone: hues a golden angle apart (so neighbours differ most),
 * lightness cycling over three steps. Stable: a new trial never changes an old one's colour.
 */
export function trialColor(index: number): string {
  const hue = (index * 137.508 + 210) % 360;
  const light = [38, 48, 30][index % 3];
  return `hsl(${hue.toFixed(1)} 70% ${light}%)`;
}
