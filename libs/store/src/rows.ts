/**
 * What both store implementations share: the stored row shapes (snake_case columns, JSON kept as
 * text), their conversion to the API's rows, and the frame digest that tells a resend from a
 * conflicting frame under the same seq.
 */
import { createHash } from 'node:crypto';
import type { ExportRow, FitRow, SweepCounts, SweepPhase, SweepRow, SweepStatus, TrialRow, TrialRowStatus } from '@slab/api';
import type { FitSummary } from '@slab/orchestration';
import type { MetricFrame, TrialEvent } from '@slab/proto';

export const TRIAL_STATUSES: readonly TrialRowStatus[] = ['planned', 'running', 'completed', 'diverged', 'failed', 'stopped'];

export interface SweepDb {
  id: string;
  name: string;
  spec_yaml: string;
  phase: SweepPhase;
  stop_reason: string | null;
  flops_spent: number;
  status_json: string | null;
  created_at: string;
  updated_at: string;
}

export interface TrialDb {
  id: string;
  sweep_id: string;
  idx: number;
  config_json: string;
  status: TrialRowStatus;
  reason: string | null;
  plan_reason: string | null;
  params: number | null;
  data: number | null;
  flops: number | null;
  final_json: string | null;
  backend: string | null;
  created_at: string;
  updated_at: string;
  last_seq: number | null;
  attempt?: number;
}

export interface FitDb {
  id: number;
  sweep_id: string;
  created_at: string;
  summary_json: string;
  report_json: string;
}

export interface EventDb {
  seq: number;
  status: string;
  info_json: string;
  wall_time: number;
}

export const now = (): string => new Date().toISOString();

/** SQLite has no NaN: both stores keep it as NULL, read back as null (JSON has no NaN either). */
export const dbValue = (v: number): number | null => (Number.isNaN(v) ? null : v);

/**
 * Content digest of a sequenced frame, to tell a resend (same content) from a different frame under
 * the same seq. Numbers are hashed as their IEEE-754 bytes (NaN and ±Infinity stay apart, no
 * formatting cost); names and statuses carry no control characters (the wire format refuses them),
 * so newline separators are unambiguous.
 */
export function frameDigest(kind: 'metrics' | 'event', body: MetricFrame | TrialEvent): string {
  const h = createHash('sha256').update(kind);
  if (kind === 'metrics') {
    const points = (body as MetricFrame).points;
    const numbers = new Float64Array(points.length * 3);
    let names = '';
    points.forEach((p, i) => {
      numbers[3 * i] = p.step;
      numbers[3 * i + 1] = p.value;
      numbers[3 * i + 2] = p.wallTime;
      names += `${p.name}\n`;
    });
    h.update(new Uint8Array(numbers.buffer)).update(names);
  } else {
    const e = body as TrialEvent;
    h.update(new Uint8Array(Float64Array.of(e.wallTime).buffer)).update(`${e.status}\n${e.infoJson}`);
  }
  return h.digest('base64url');
}

/** Trial index from the agreed id form `${sweepId}-t${index}`; -1 when the id has another form. */
export function indexFromTrialId(trialId: string): number {
  const m = /-t(\d+)$/.exec(trialId);
  return m ? Number(m[1]) : -1;
}

/** A sweep row with its trial counts (`counts`: status → number of trials, from a GROUP BY). */
export function sweepRow(r: SweepDb, byStatus: Iterable<{ status: TrialRowStatus; n: number }>): SweepRow {
  const counts = Object.fromEntries(TRIAL_STATUSES.map((s) => [s, 0])) as SweepCounts;
  counts.total = 0;
  for (const { status, n } of byStatus) {
    counts[status] = n;
    counts.total += n;
  }
  return {
    id: r.id,
    name: r.name,
    specYaml: r.spec_yaml,
    status: r.phase,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    ...(r.stop_reason ? { stopReason: r.stop_reason } : {}),
    ...fitFailedOf(r.status_json),
    flopsSpent: r.flops_spent,
    counts,
  };
}

export function trialRow(r: TrialDb): TrialRow {
  const row: TrialRow = {
    id: r.id,
    sweepId: r.sweep_id,
    index: r.idx,
    config: JSON.parse(r.config_json),
    status: r.status,
    lastSeq: r.last_seq ?? 0,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
  if (r.reason) row.reason = r.reason;
  if (r.plan_reason) row.planReason = r.plan_reason;
  if (r.params !== null) row.params = r.params;
  if (r.data !== null) row.data = r.data;
  if (r.flops !== null) row.flops = r.flops;
  if (r.final_json) row.final = JSON.parse(r.final_json);
  if (r.backend) row.backend = r.backend;
  if (r.attempt && r.attempt > 1) row.attempt = r.attempt;
  return row;
}

/** The workflow's fit-failed flag lives in the last reported status. */
function fitFailedOf(statusJson: string | null): { fitFailed?: string } {
  if (!statusJson) return {};
  const { phase, fitFailed } = JSON.parse(statusJson) as SweepStatus;
  return phase === 'completed' && fitFailed ? { fitFailed } : {};
}

export function fitRow(r: FitDb): FitRow {
  return {
    id: r.id,
    sweepId: r.sweep_id,
    createdAt: r.created_at,
    summary: JSON.parse(r.summary_json) as FitSummary,
    report: JSON.parse(r.report_json) as unknown,
  };
}

export function eventRow(e: EventDb): { seq: number; status: string; info: Record<string, unknown>; wallTime: number } {
  return { seq: e.seq, status: e.status, info: JSON.parse(e.info_json) as Record<string, unknown>, wallTime: e.wall_time };
}

/** One flat export row per trial: config.*, params, data, flops, backend, reason, final.*. */
export function exportRow(t: TrialRow): ExportRow {
  const row: ExportRow = { trialId: t.id, index: t.index, status: t.status };
  for (const [k, v] of Object.entries(t.config)) row[`config.${k}`] = v as string | number;
  row.params = t.params ?? null;
  row.data = t.data ?? null;
  row.flops = t.flops ?? null;
  row.backend = t.backend ?? null;
  row.reason = t.reason ?? null;
  for (const [k, v] of Object.entries(t.final ?? {})) row[`final.${k}`] = v;
  return row;
}
