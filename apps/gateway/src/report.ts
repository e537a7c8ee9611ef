/**
 * Shape check of a SweepReport posted by the reportSweep activity. It comes from our own code, so
 * this is a boundary guard with precise messages, not a full schema.
 */
import type { FitSummary, SweepReport } from '@slab/orchestration';
import { HttpError } from './http';

const PHASES = ['planning', 'running', 'fitting', 'paused', 'completed', 'cancelled', 'failed'];
const TRIAL_STATUSES = ['completed', 'diverged', 'failed', 'stopped'];

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function bad(path: string, expected: string, got: unknown): HttpError {
  const shown = got === undefined ? 'nothing' : JSON.stringify(got)?.slice(0, 60);
  return new HttpError(400, `${path}: expected ${expected}, got ${shown}`);
}

function str(v: unknown, path: string): void {
  if (typeof v !== 'string' || v === '') throw bad(path, 'a non-empty string', v);
}

function arrayOf(v: unknown, path: string, each: (item: unknown, path: string) => void): void {
  if (v === undefined) return;
  if (!Array.isArray(v)) throw bad(path, 'an array', v);
  v.forEach((item, i) => each(item, `${path}[${i}]`));
}

/** Body of POST /api/sweeps/:id/fits: `{ summary: FitSummary, report: <any JSON> }`. */
export function parseFitPost(body: unknown): { summary: FitSummary; report: unknown } {
  if (!isObject(body)) throw bad('body', 'an object { summary, report }', body);
  if (!isObject(body.summary)) throw bad('summary', 'a FitSummary object', body.summary);
  if (typeof body.summary.law !== 'string') throw bad('summary.law', 'a law name', body.summary.law);
  if (body.report === undefined) throw bad('report', 'the full fit report (any JSON)', body.report);
  return { summary: body.summary as unknown as FitSummary, report: body.report };
}

export function parseReport(body: unknown, sweepId: string): SweepReport {
  if (!isObject(body)) throw bad('body', 'a SweepReport object', body);
  const status = body.status;
  if (!isObject(status)) throw bad('status', 'a SweepStatus object', status);
  if (status.sweepId !== sweepId) throw bad('status.sweepId', JSON.stringify(sweepId), status.sweepId);
  if (typeof status.phase !== 'string' || !PHASES.includes(status.phase)) throw bad('status.phase', `one of ${PHASES.join('|')}`, status.phase);
  if (typeof status.flopsSpent !== 'number' || !Number.isFinite(status.flopsSpent)) throw bad('status.flopsSpent', 'a finite number', status.flopsSpent);
  if (!isObject(status.trials)) throw bad('status.trials', 'an object of counts', status.trials);
  arrayOf(body.newTrials, 'newTrials', (t, p) => {
    if (!isObject(t)) throw bad(p, 'an object', t);
    str(t.trialId, `${p}.trialId`);
    if (!isObject(t.config)) throw bad(`${p}.config`, 'a TrialConfig object', t.config);
    if (typeof t.reason !== 'string') throw bad(`${p}.reason`, 'a string', t.reason);
  });
  arrayOf(body.finished, 'finished', (r, p) => {
    if (!isObject(r)) throw bad(p, 'a TrialResult object', r);
    str(r.trialId, `${p}.trialId`);
    if (typeof r.status !== 'string' || !TRIAL_STATUSES.includes(r.status)) throw bad(`${p}.status`, `one of ${TRIAL_STATUSES.join('|')}`, r.status);
    if (!isObject(r.final)) throw bad(`${p}.final`, 'an object of final metrics', r.final);
  });
  if (body.fit !== undefined) {
    if (!isObject(body.fit) || !isObject(body.fit.summary)) throw bad('fit.summary', 'a FitSummary object', (body.fit as { summary?: unknown })?.summary);
  }
  return body as unknown as SweepReport;
}
