/**
 * Node-only entry ('@slab/laws/parallel'): bootstrap refits spread over worker threads. Each resample uses its
 * own seeded stream, so the result is identical to the single-threaded fitLaw for any thread count.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { finishReport, fitPointEstimate, runBootstrap, type BootstrapChunk } from './fit';
import type { FitData, FitOptions, FitReport, ResolvedFitOptions } from './types';

export interface ParallelOptions {
  /** Worker threads (default: available cores). 1 runs in this thread. */
  threads?: number;
}

// Run from the sources, workers load the TypeScript through tsx's loader, whether or not the parent
// process was started by tsx. Run from a bundle (the built `slab`, apps/cli/build.mjs), this code is
// JavaScript and the build writes the worker body beside it as parallel-worker.js.
const bundled = import.meta.url.endsWith('.js');
const workerUrl = new URL(bundled ? './parallel-worker.js' : './parallel-worker.ts', import.meta.url);
const BOOT = `import('tsx/esm/api').then((m) => { m.register(); return import(${JSON.stringify(workerUrl.href)}); })`;

function startWorker(workerData: unknown): Worker {
  return bundled ? new Worker(workerUrl, { workerData }) : new Worker(BOOT, { eval: true, workerData });
}

function runChunk(job: { data: FitData; options: ResolvedFitOptions; best: Record<string, number>; from: number; to: number }) {
  return new Promise<BootstrapChunk>((resolve, reject) => {
    const w = startWorker(job);
    w.once('message', (m) => {
      resolve(m);
      void w.terminate();
    });
    w.once('error', reject);
    w.once('exit', (code) => {
      if (code !== 0) reject(new Error(`bootstrap worker exited with code ${code}`));
    });
  });
}

export async function fitLawParallel(data: FitData, options: FitOptions, p: ParallelOptions = {}): Promise<FitReport> {
  const B = options.bootstrap ?? 0;
  const report = fitPointEstimate(data, options);
  const o: ResolvedFitOptions = report.options;
  if (B === 0) return finishReport(report);
  const threads = Math.max(1, Math.min(p.threads ?? availableParallelism(), B));
  const bounds = Array.from({ length: threads + 1 }, (_, i) => Math.round((B * i) / threads));
  const chunks =
    threads === 1
      ? [runBootstrap(data, o, report.params, 0, B)]
      : await Promise.all(bounds.slice(0, -1).map((from, i) => runChunk({ data, options: o, best: report.params, from, to: bounds[i + 1] })));
  const sum = (k: 'notConverged' | 'degenerate') => chunks.reduce((s, c) => s + c[k], 0);
  return finishReport(report, { samples: chunks.flatMap((c) => c.samples), notConverged: sum('notConverged'), degenerate: sum('degenerate'), distinctRuns: chunks[0].distinctRuns });
}
