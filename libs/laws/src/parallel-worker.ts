/** Worker body for the parallel bootstrap: runs one contiguous range of resamples. */
import { parentPort, workerData } from 'node:worker_threads';
import { runBootstrap } from './fit';
import type { FitData, ResolvedFitOptions } from './types';

const job = workerData as { data: FitData; options: ResolvedFitOptions; best: Record<string, number>; from: number; to: number };
parentPort?.postMessage(runBootstrap(job.data, job.options, job.best, job.from, job.to));
