/**
 * Checks of a valid spec that need the filesystem, run by `slab validate`/`submit` and by the
 * gateway on submit, so that a sweep which cannot buy a single run is refused before it starts
 * (not failed by its first planBatch): a replay sweep's table exists, parses, and has runs at the
 * spec's sizes; a tfjs sweep's largest trial can finish within trial.timeoutSeconds (cost-model.ts).
 */
import type { SpecIssue, SweepSpec } from '@slab/spec';
import { replayCandidates } from './candidates';
import { trainingTimeIssues } from './cost-model';

/** Issues in the `path: message` form of spec validation; empty when the spec can run. */
export function preflightSpec(spec: SweepSpec, cwd = process.cwd()): SpecIssue[] {
  try {
    replayCandidates(spec, cwd);
    return trainingTimeIssues(spec);
  } catch (err) {
    const text = err instanceof Error ? err.message : String(err);
    // Candidate errors start with the field they concern ("dimensions.params/dimensions.data: ...").
    const m = /^([A-Za-z0-9_.[\]/-]+): ([\s\S]*)$/.exec(text);
    return [m ? { path: m[1], message: m[2] } : { path: 'task', message: text }];
  }
}
