/** An in-memory TrialContext: the plugin's whole boundary, recorded for assertions. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TrialContext, TrialProgress, TrialRequest } from '@slab/worker-sdk';

export interface Point {
  step: number;
  name: string;
  value: number;
}

export interface FakeContext extends TrialContext {
  points: Point[];
  progressLog: TrialProgress[];
  logs: string[];
  controller: AbortController;
  series(name: string): Point[];
}

const created: string[] = [];

/** Removes the checkpoint directories that fakeContext made. */
export function removeContextDirs(): void {
  for (const d of created.splice(0)) rmSync(d, { recursive: true, force: true });
}

function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'slab-ckpt-'));
  created.push(d);
  return d;
}

export function fakeContext(
  request: TrialRequest,
  opts: { resume?: TrialProgress; checkpointDir?: string; onProgress?: (p: TrialProgress, ctx: FakeContext) => void } = {},
): FakeContext {
  const controller = new AbortController();
  const ctx: FakeContext = {
    request,
    resume: opts.resume,
    points: [],
    progressLog: [],
    logs: [],
    controller,
    signal: controller.signal,
    checkpointDir: opts.checkpointDir ?? tempDir(),
    emit(step, name, value) {
      ctx.points.push({ step, name, value });
    },
    progress(p) {
      ctx.progressLog.push(p);
      opts.onProgress?.(p, ctx);
    },
    log(message) {
      ctx.logs.push(message);
    },
    series(name) {
      return ctx.points.filter((p) => p.name === name);
    },
  };
  return ctx;
}

export function request(over: Partial<TrialRequest> & { config?: TrialRequest['config']; options?: Record<string, unknown>; model?: string; dataset?: string } = {}): TrialRequest {
  return {
    sweepId: 'sw1',
    trialId: over.trialId ?? 'sw1-t0000',
    task: { dataset: over.dataset ?? 'fashion-mnist', model: over.model ?? 'mlp', plugin: 'tfjs', options: { batchSize: 64, evalSize: 500, ...over.options } },
    config: { width: 16, data: 1024, seed: 1, ...over.config },
    logEvery: over.logEvery ?? 2,
    evalEvery: over.evalEvery ?? 8,
    checkpointEvery: over.checkpointEvery ?? 4,
  };
}

/** Last element, failing the test (not crashing on undefined) when the list is empty. */
export function lastOf<T>(xs: readonly T[]): T {
  if (xs.length === 0) throw new Error('expected a non-empty list');
  return xs[xs.length - 1];
}
