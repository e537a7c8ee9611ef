/**
 * Client-side copy of the per-trial metric curves. REST history and live frames can overlap (the
 * subscription opens before the history is read, and again after a reconnect), so points are keyed
 * by (trial, metric, step) and a repeat simply overwrites.
 */
export interface Point {
  step: number;
  value: number;
}

export class SeriesStore {
  private readonly data = new Map<string, Map<string, Map<number, number>>>();
  /** Bumped on every change, so views can skip re-rendering when nothing arrived. */
  version = 0;

  add(trialId: string, name: string, step: number, value: number): void {
    let byName = this.data.get(trialId);
    if (!byName) this.data.set(trialId, (byName = new Map()));
    let bySteps = byName.get(name);
    if (!bySteps) byName.set(name, (bySteps = new Map()));
    bySteps.set(step, value);
    this.version++;
  }

  /** Points of one curve sorted by step. */
  get(trialId: string, name: string): Point[] {
    const steps = this.data.get(trialId)?.get(name);
    if (!steps) return [];
    return [...steps.entries()].sort((a, b) => a[0] - b[0]).map(([step, value]) => ({ step, value }));
  }

  trials(): string[] {
    return [...this.data.keys()];
  }

  /** Every metric name some trial has points for, e.g. to offer them in the curves' picker. */
  names(): string[] {
    const out = new Set<string>();
    for (const byName of this.data.values()) for (const name of byName.keys()) out.add(name);
    return [...out];
  }

  /** Latest value of a metric for a trial (by step), e.g. for the trial table while it runs. */
  last(trialId: string, name: string): number | undefined {
    const pts = this.get(trialId, name);
    return pts.length ? pts[pts.length - 1].value : undefined;
  }
}
