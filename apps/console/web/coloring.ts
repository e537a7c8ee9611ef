/**
 * How trials and fit groups are coloured on the sweep page. A sweep that varies a categorical
 * dimension (curation.strategy) is about comparing those categories, so its curves are coloured by
 * category; otherwise each trial keeps its own colour, fixed by its index, so colours never re-map
 * as trials arrive and two trials of one width stay apart. Grouped fits take the hue of their first dimension's value
 * (the same hue as that strategy's curves) and a shade per value of the remaining dimensions.
 */
import { hueColor, sortedValues, trialColor } from './color';
import type { TrialConfig, TrialRow } from './types';

export interface LegendEntry {
  label: string;
  color: string;
}

export interface Coloring {
  /** What the colour encodes: `trial` or a dimension name such as `curation.strategy`. */
  by: string;
  of(t: TrialRow | undefined): string;
  /** Categorical legend (empty when colouring per trial, whose legend lists trials). */
  legend: LegendEntry[];
}

type GroupValues = Record<string, string | number>;

const configValue = (c: TrialConfig | undefined, dim: string): string | number | undefined => (c as Record<string, string | number | undefined> | undefined)?.[dim];

/** Config dimensions with text values that take more than one value across the trials; strategy first. */
export function categoricalDimensions(trials: TrialRow[]): string[] {
  const dims = new Map<string, Set<string>>();
  for (const t of trials)
    for (const [k, v] of Object.entries(t.config ?? {})) if (typeof v === 'string') (dims.get(k) ?? dims.set(k, new Set()).get(k)!).add(v);
  return [...dims.entries()]
    .filter(([, vals]) => vals.size > 1)
    .map(([k]) => k)
    .sort((a, b) => Number(b === 'curation.strategy') - Number(a === 'curation.strategy') || a.localeCompare(b));
}

export function trialColoring(trials: TrialRow[]): Coloring {
  const [dim] = categoricalDimensions(trials);
  if (dim) {
    const values = sortedValues(trials.map((t) => configValue(t.config, dim)));
    const color = (v: string | number | undefined) => (v === undefined ? '#8a929c' : hueColor(values.indexOf(v)));
    return {
      by: dim,
      of: (t) => color(configValue(t?.config, dim)),
      legend: values.map((v) => ({ label: String(v), color: color(v) })),
    };
  }
  return { by: 'trial', of: (t) => (t ? trialColor(t.index) : '#8a929c'), legend: [] };
}

/**
 * Colour per fit group: hue from the first dimension's value (indexed like trialColoring when that
 * dimension is the coloured one), shade from the position of the remaining values (darkest first).
 */
export function groupColors(groups: { key: string; values: GroupValues }[], dims: string[], trials: TrialRow[]): Map<string, string> {
  const out = new Map<string, string>();
  if (dims.length === 0) return out;
  const [first, ...rest] = dims;
  const hues = sortedValues([...trials.map((t) => configValue(t.config, first)), ...groups.map((g) => g.values[first])]);
  const restKey = (v: GroupValues) => rest.map((d) => String(v[d])).join(' ');
  const shades = sortedValues(groups.map((g) => restKey(g.values)));
  for (const g of groups) {
    const shade = shades.length > 1 ? shades.indexOf(restKey(g.values)) / (shades.length - 1) : 0.5;
    out.set(g.key, hueColor(hues.indexOf(g.values[first]), shade));
  }
  return out;
}

/** Whether a trial belongs to a fit group: its config has every one of the group's values. */
export function inGroup(t: TrialRow, values: GroupValues): boolean {
  return Object.entries(values).every(([d, v]) => String(configValue(t.config, d)) === String(v));
}
