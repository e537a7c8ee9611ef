/**
 * Runs trials through the real tfjs trainer plugin in-process: a minimal TrialContext (no Temporal, no
 * gateway) that keeps the trial's log lines and its step-0 `scoring_flops` point, and hands back the
 * plugin's TrialResult (final metrics, training FLOPs, steps). Checkpoints go to a throwaway directory.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TrainerPlugin, TrialContext, TrialRequest, TrialResult } from '@slab/worker-sdk';

export interface BenchTrial {
  trialId: string;
  dataset?: string;
  config: TrialRequest['config'];
  options: Record<string, unknown>;
}

/** What the bench keeps of a trial: the plugin's result plus wall time and the trainer's own log lines. */
export interface TrialOutcome {
  result: TrialResult;
  logs: string[];
  seconds: number;
}

/** A TrialRequest as the worker SDK would hand it to the plugin; eval and checkpoint only at the end. */
export function benchRequest(t: BenchTrial): TrialRequest {
  const huge = 1 << 30; // > any step count: train_loss / eval / checkpoint only at the last step
  return {
    sweepId: 'bench-curation',
    trialId: t.trialId,
    task: { dataset: t.dataset ?? 'fashion-mnist', model: 'mlp', plugin: 'tfjs', options: t.options },
    config: t.config,
    logEvery: huge,
    evalEvery: huge,
    checkpointEvery: huge,
  };
}

/** Runs one trial through `plugin.validate` + `plugin.run`; throws unless it completed. */
export async function runTrial(plugin: TrainerPlugin, t: BenchTrial, root: string): Promise<TrialOutcome> {
  const request = benchRequest(t);
  plugin.validate?.(request);
  const checkpointDir = mkdtempSync(join(root, 'trial-'));
  const logs: string[] = [];
  const ctx: TrialContext = {
    request,
    emit: () => undefined, // final metrics come back in the result; per-step points are not needed here
    progress: () => undefined,
    signal: new AbortController().signal,
    checkpointDir,
    log: (m) => logs.push(m),
  };
  const t0 = Date.now();
  try {
    const result = await plugin.run(ctx);
    if (result.status !== 'completed') throw new Error(`${t.trialId}: trial ${result.status}: ${result.reason ?? ''}`);
    return { result, logs, seconds: (Date.now() - t0) / 1000 };
  } finally {
    rmSync(checkpointDir, { recursive: true, force: true });
  }
}

/** A scratch root for checkpoints and the score cache, removed by the returned cleanup. */
export function scratchRoot(): { root: string; cleanup: () => void } {
  const root = mkdtempSync(join(tmpdir(), 'slab-bench-curation-'));
  return { root, cleanup: () => rmSync(root, { recursive: true, force: true }) };
}
