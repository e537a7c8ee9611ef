/**
 * fitSweep off the caller's event loop. A bootstrap fit is seconds to minutes of pure CPU; run inline
 * it would stall everything sharing the thread: the gateway under `slab up` (health checks, ingest
 * acks) and the fitLaws activity's own heartbeats, without which a completion lost in a Temporal
 * crash is only noticed at the start-to-close timeout.
 */
import { Worker } from 'node:worker_threads';
import type { SweepSpec, TrialConfig, TrialResult } from '@slab/spec';
import type { StudyAnswer } from '@slab/studies';
import type { SweepFit } from './fit';
import type { StudyJob } from './study';

/** What the thread is given: fitSweep's arguments (structured-cloned). */
export interface FitJob {
  spec: SweepSpec;
  results: TrialResult[];
  planned?: TrialConfig[];
  /** The spec's study, answered beside the fit (its analysis is CPU work too). */
  study?: StudyJob;
}

/** What the thread answers: the fit, or the message fitSweep threw; and the study's answer when asked. */
export type FitAnswer = ({ fit: SweepFit } | { error: string }) & { study?: StudyAnswer };

/** fitSweep threw: the input cannot be fitted, and retrying will not change that. */
export class FitInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FitInputError';
  }
}

// The thread loads TypeScript through tsx's loader, whether or not this process was started by tsx.
const workerUrl = new URL('./fit-worker.ts', import.meta.url).href;
const BOOT = `import('tsx/esm/api').then((m) => { m.register(); return import(${JSON.stringify(workerUrl)}); })`;

/**
 * Runs fitSweep(spec, results, planned) in a worker thread, and answerStudy when `job.study` is set. Rejects with FitInputError when fitSweep
 * throws, with the signal's reason when `signal` aborts (the thread is terminated), and with a plain
 * Error when the thread dies (out of memory, a crash) — a failure a retry may not repeat.
 */
export function fitInThread(job: FitJob, signal?: AbortSignal): Promise<SweepFit & { study?: StudyAnswer }> {
  return new Promise<SweepFit & { study?: StudyAnswer }>((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const worker = new Worker(BOOT, { eval: true, workerData: job });
    let settled = false;
    const settle = (f: () => void) => {
      if (settled) return;
      settled = true;
      signal?.removeEventListener('abort', onAbort);
      f();
      void worker.terminate();
    };
    const onAbort = () => settle(() => reject(signal!.reason));
    signal?.addEventListener('abort', onAbort, { once: true });
    worker.once('message', (answer: FitAnswer) => settle(() => ('fit' in answer ? resolve(answer.study ? { ...answer.fit, study: answer.study } : answer.fit) : reject(new FitInputError(answer.error)))));
    worker.once('error', (err) => settle(() => reject(err)));
    worker.once('exit', (code) => settle(() => reject(new Error(`the fit thread exited with code ${code} before answering`))));
  });
}
