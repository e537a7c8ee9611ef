/**
 * Worker-thread entry of fitInThread: one fitSweep call, answered with its result or its error
 * message. Loaded through tsx (see fit-thread.ts), so it may import TypeScript sources.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { answerStudy } from '@slab/studies';
import { fitSweep } from './fit';
import type { FitJob, FitAnswer } from './fit-thread';

const { spec, results, planned, study } = workerData as FitJob;
let answer: FitAnswer;
try {
  answer = { fit: fitSweep(spec, results, planned) };
} catch (err) {
  answer = { error: err instanceof Error ? err.message : String(err) };
}
// A study that cannot be answered yet is an answer with an error text (answerStudy never throws).
if (study) answer.study = answerStudy(study.spec, study.trials, study.metrics, { batch: study.batch, computedAt: new Date().toISOString() });
parentPort!.postMessage(answer);
