/**
 * What a trial's stored events say (GET /api/sweeps/:id/events): when each attempt ran, on which
 * worker and backend, and how the trial ended — its step count, D and FLOPs, from which the curves
 * convert steps into data seen and compute. Nothing here guesses: a quantity the events do not
 * give is left undefined and the views say so.
 */
import type { SweepEventRow, TrialRow } from './types';

export interface TrialTimeline {
  /** Unix seconds of the first attempt's `running` event. */
  started?: number;
  /** Unix seconds of the event that ended the trial (completed, diverged, failed, stopped). */
  ended?: number;
  /** Attempts that reported running. */
  attempts: number;
  /** Optimiser steps the finished trial took. */
  steps?: number;
  /** Data (samples or tokens) per step: D / steps. */
  dataPerStep?: number;
  /** Training FLOPs per step: FLOPs / steps. */
  flopsPerStep?: number;
  /** Training seconds the last attempt reported. */
  wallSeconds?: number;
  worker?: string;
  backend?: string;
  /** The ending event's reason or error text. */
  reason?: string;
}

const ENDS = new Set(['completed', 'diverged', 'failed', 'stopped']);
const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);

/** One timeline per trial id from the sweep's events (by trial, then seq). */
export function timelines(events: SweepEventRow[]): Map<string, TrialTimeline> {
  const out = new Map<string, TrialTimeline>();
  const sorted = [...events].sort((a, b) => a.trialId.localeCompare(b.trialId) || a.seq - b.seq);
  for (const e of sorted) {
    let t = out.get(e.trialId);
    if (!t) out.set(e.trialId, (t = { attempts: 0 }));
    const info = e.info ?? {};
    if (e.status === 'running') {
      t.attempts += 1;
      t.started ??= e.wallTime;
      t.ended = undefined; // a retry after a failed attempt runs again
      if (typeof info.worker === 'string') t.worker = info.worker;
      if (typeof info.backend === 'string') t.backend = info.backend;
    } else if (ENDS.has(e.status)) {
      t.ended = e.wallTime;
      const steps = num(info.steps);
      if (steps !== undefined && steps > 0) {
        t.steps = steps;
        const data = num(info.data);
        const flops = num(info.flops);
        if (data !== undefined) t.dataPerStep = data / steps;
        if (flops !== undefined) t.flopsPerStep = flops / steps;
      }
      t.wallSeconds = num(info.wallSeconds) ?? t.wallSeconds;
      const why = info.reason ?? info.error;
      if (typeof why === 'string') t.reason = why;
    }
  }
  return out;
}

/** Seconds from the first attempt's start to the end (or to `now` while it runs); undefined before it starts. */
export function durationSeconds(t: TrialRow, tl: TrialTimeline | undefined, now: number = Date.now() / 1000): number | undefined {
  if (!tl?.started) return undefined;
  if (tl.ended !== undefined) return Math.max(0, tl.ended - tl.started);
  return t.status === 'running' ? Math.max(0, now - tl.started) : undefined;
}

/** 42 s, 3 min 5 s, 2 h 07 min. */
export function formatDuration(s: number | undefined): string {
  if (s === undefined || !Number.isFinite(s)) return '—';
  if (s < 60) return `${s < 10 ? s.toFixed(1) : Math.round(s)} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${Math.round(s % 60)} s`;
  return `${Math.floor(s / 3600)} h ${String(Math.round((s % 3600) / 60)).padStart(2, '0')} min`;
}
