/**
 * SQLite implementation of Store (better-sqlite3, WAL). Synchronous driver, so every write is one
 * short transaction and the gateway's event loop never interleaves half-written frames.
 */
import { createHash } from 'node:crypto';
import Database from 'better-sqlite3';
import type {
  ExportRow,
  FitRow,
  SweepCounts,
  SweepMetricRow,
  SweepPhase,
  SweepRow,
  SweepStatus,
  TrialMetricRow,
  TrialRow,
  TrialRowStatus,
} from '@slab/api';
import type { FitSummary } from '@slab/orchestration';
import type { MetricFrame, MetricPoint, OpenTrial, TrialEvent } from '@slab/proto';
import type { TrialResult } from '@slab/spec';
import { MIGRATIONS } from './migrations';
import { IngestRefused, type IngestResult, type MetricCursor, type PlannedTrial, type Store, type TrialEventRow } from './store';

const TRIAL_STATUSES: readonly TrialRowStatus[] = ['planned', 'running', 'completed', 'diverged', 'failed', 'stopped'];

interface SweepDb {
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

interface TrialDb {
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

interface FitDb {
  id: number;
  sweep_id: string;
  created_at: string;
  summary_json: string;
  report_json: string;
}

const now = (): string => new Date().toISOString();

/** SQLite has no NaN: it is stored as NULL and read back as null (JSON has no NaN either). */
const dbValue = (v: number): number | null => (Number.isNaN(v) ? null : v);

/**
 * Content digest of a sequenced frame, to tell a resend (same content) from a different frame under
 * the same seq. Numbers are hashed as their IEEE-754 bytes (NaN and ±Infinity stay apart, no
 * formatting cost); names and statuses carry no control characters (the wire format refuses them),
 * so newline separators are unambiguous.
 */
function frameDigest(kind: 'metrics' | 'event', body: MetricFrame | TrialEvent): string {
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
function indexFromTrialId(trialId: string): number {
  const m = /-t(\d+)$/.exec(trialId);
  return m ? Number(m[1]) : -1;
}

function migrate(db: Database.Database): void {
  const version = db.pragma('user_version', { simple: true }) as number;
  for (let i = version; i < MIGRATIONS.length; i++) {
    db.transaction(() => {
      db.exec(MIGRATIONS[i]);
      db.pragma(`user_version = ${i + 1}`);
    })();
  }
}

/** Opens (creating and migrating) a store. `:memory:` gives a private in-memory database. */
export function openStore(path: string): Store {
  if (typeof path !== 'string' || path === '') throw new Error('openStore: path: expected a file path or ":memory:"');
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('busy_timeout = 5000');
  migrate(db);
  return new SqliteStore(db);
}

class SqliteStore implements Store {
  private readonly q;

  constructor(private readonly db: Database.Database) {
    this.q = {
      insertSweep: db.prepare(
        `INSERT INTO sweeps (id, name, spec_yaml, phase, created_at, updated_at) VALUES (?, ?, ?, 'planning', ?, ?)`,
      ),
      getSweep: db.prepare<[string], SweepDb>(`SELECT * FROM sweeps WHERE id = ?`),
      listSweeps: db.prepare<[], SweepDb>(`SELECT * FROM sweeps ORDER BY created_at DESC, rowid DESC`),
      counts: db.prepare<[string], { status: TrialRowStatus; n: number }>(
        `SELECT status, COUNT(*) AS n FROM trials WHERE sweep_id = ? GROUP BY status`,
      ),
      setStatus: db.prepare(
        `UPDATE sweeps SET phase = ?, stop_reason = ?, flops_spent = ?, status_json = ?, updated_at = ? WHERE id = ?`,
      ),
      setPhase: db.prepare(`UPDATE sweeps SET phase = ?, stop_reason = COALESCE(?, stop_reason), updated_at = ? WHERE id = ?`),
      planTrial: db.prepare(
        `INSERT INTO trials (id, sweep_id, idx, config_json, status, plan_reason, created_at, updated_at)
         VALUES (@id, @sweepId, @idx, @config, 'planned', @reason, @now, @now)
         ON CONFLICT (id) DO UPDATE SET config_json = excluded.config_json, plan_reason = excluded.plan_reason,
           idx = excluded.idx, updated_at = excluded.updated_at`,
      ),
      finishTrial: db.prepare(
        `INSERT INTO trials (id, sweep_id, idx, status, reason, params, data, flops, final_json, backend, created_at, updated_at)
         VALUES (@id, @sweepId, @idx, @status, @reason, @params, @data, @flops, @final, @backend, @now, @now)
         ON CONFLICT (id) DO UPDATE SET status = excluded.status, reason = excluded.reason, params = excluded.params,
           data = excluded.data, flops = excluded.flops, final_json = excluded.final_json, backend = excluded.backend,
           updated_at = excluded.updated_at`,
      ),
      ensureTrial: db.prepare(
        `INSERT OR IGNORE INTO trials (id, sweep_id, idx, status, created_at, updated_at) VALUES (?, ?, ?, 'planned', ?, ?)`,
      ),
      eventStatus: db.prepare(
        `UPDATE trials SET status = @status, backend = COALESCE(@backend, backend), updated_at = @now
         WHERE id = @id AND status NOT IN ('completed', 'diverged', 'failed', 'stopped')`,
      ),
      listTrials: db.prepare<[string], TrialDb>(
        `SELECT t.*, s.last_seq FROM trials t LEFT JOIN trial_seq s ON s.trial_id = t.id WHERE t.sweep_id = ? ORDER BY t.idx, t.id`,
      ),
      getTrial: db.prepare<[string], TrialDb>(
        `SELECT t.*, s.last_seq FROM trials t LEFT JOIN trial_seq s ON s.trial_id = t.id WHERE t.id = ?`,
      ),
      insertFrame: db.prepare(
        `INSERT OR IGNORE INTO frames (trial_id, seq, sweep_id, kind, received_at, digest) VALUES (?, ?, ?, ?, ?, ?)`,
      ),
      frameDigest: db.prepare<[string, number], { digest: string | null }>(`SELECT digest FROM frames WHERE trial_id = ? AND seq = ?`),
      trialOwner: db.prepare<[string], { sweep_id: string; attempt: number }>(`SELECT sweep_id, attempt FROM trials WHERE id = ?`),
      sweepExists: db.prepare<[string], { one: number }>(`SELECT 1 AS one FROM sweeps WHERE id = ?`),
      setAttempt: db.prepare(`UPDATE trials SET attempt = ?, updated_at = ? WHERE id = ?`),
      dropFramesAbove: db.prepare(`DELETE FROM frames WHERE trial_id = ? AND seq > ?`),
      dropPointsAbove: db.prepare(`DELETE FROM points WHERE trial_id = ? AND seq > ?`),
      dropEventsAbove: db.prepare(`DELETE FROM events WHERE trial_id = ? AND seq > ?`),
      hasFrame: db.prepare<[string, number], { one: number }>(`SELECT 1 AS one FROM frames WHERE trial_id = ? AND seq = ?`),
      lastSeq: db.prepare<[string], { last_seq: number }>(`SELECT last_seq FROM trial_seq WHERE trial_id = ?`),
      setLastSeq: db.prepare(
        `INSERT INTO trial_seq (trial_id, last_seq) VALUES (?, ?) ON CONFLICT (trial_id) DO UPDATE SET last_seq = excluded.last_seq`,
      ),
      insertPoint: db.prepare(
        `INSERT OR IGNORE INTO points (trial_id, name, step, seq, sweep_id, value, wall_time) VALUES (?, ?, ?, ?, ?, ?, ?)`,
      ),
      insertEvent: db.prepare(
        `INSERT OR IGNORE INTO events (trial_id, seq, sweep_id, status, info_json, wall_time) VALUES (?, ?, ?, ?, ?, ?)`,
      ),
      trialEvents: db.prepare<[string], { seq: number; status: string; info_json: string; wall_time: number }>(
        `SELECT seq, status, info_json, wall_time FROM events WHERE trial_id = ? ORDER BY seq`,
      ),
      trialMetrics: db.prepare<[string, string | null, string | null, number | null, number | null], TrialMetricRow>(
        `SELECT seq, step, name, value, wall_time AS wallTime FROM points
         WHERE trial_id = ? AND (? IS NULL OR name = ?) AND (? IS NULL OR step > ?) ORDER BY name, step`,
      ),
      // Keyset pages in primary-key order (trial_id, name, step): each page is an index range scan.
      trialMetricsPage: db.prepare<
        { trialId: string; name: string | null; afterStep: number | null; afterName: string; afterNameStep: number; limit: number },
        TrialMetricRow
      >(
        `SELECT seq, step, name, value, wall_time AS wallTime FROM points
         WHERE trial_id = @trialId AND (@name IS NULL OR name = @name) AND (@afterStep IS NULL OR step > @afterStep)
           AND (name, step) > (@afterName, @afterNameStep)
         ORDER BY name, step LIMIT @limit`,
      ),
      sweepTrialIds: db.prepare<[string], { id: string }>(`SELECT id FROM trials WHERE sweep_id = ? ORDER BY id`),
      sweepMetrics: db.prepare<[string, string | null, string | null], SweepMetricRow>(
        `SELECT trial_id AS trialId, step, name, value, wall_time AS wallTime FROM points
         WHERE sweep_id = ? AND (? IS NULL OR name = ?) ORDER BY trial_id, name, step`,
      ),
      insertFit: db.prepare(`INSERT INTO fits (sweep_id, created_at, summary_json, report_json) VALUES (?, ?, ?, ?)`),
      getFit: db.prepare<[number | bigint], FitDb>(`SELECT * FROM fits WHERE id = ?`),
      listFits: db.prepare<[string], FitDb>(`SELECT * FROM fits WHERE sweep_id = ? ORDER BY id`),
      latestFit: db.prepare<[string], FitDb>(`SELECT * FROM fits WHERE sweep_id = ? ORDER BY id DESC LIMIT 1`),
    };
  }

  createSweep(input: { id: string; name: string; specYaml: string }): SweepRow {
    const t = now();
    this.q.insertSweep.run(input.id, input.name, input.specYaml, t, t);
    const row = this.getSweep(input.id);
    if (!row) throw new Error(`createSweep: sweep ${input.id} was not stored`);
    return row;
  }

  getSweep(id: string): SweepRow | undefined {
    const row = this.q.getSweep.get(id);
    return row && this.sweepRow(row);
  }

  listSweeps(): SweepRow[] {
    return this.q.listSweeps.all().map((r) => this.sweepRow(r));
  }

  sweepStatus(id: string): SweepStatus | undefined {
    const row = this.q.getSweep.get(id);
    return row?.status_json ? (JSON.parse(row.status_json) as SweepStatus) : undefined;
  }

  setSweepStatus(id: string, status: SweepStatus): void {
    this.q.setStatus.run(status.phase, status.stopReason ?? null, status.flopsSpent, JSON.stringify(status), now(), id);
  }

  setSweepPhase(id: string, phase: SweepPhase, stopReason?: string): void {
    this.q.setPhase.run(phase, stopReason ?? null, now(), id);
  }

  planTrials(sweepId: string, trials: PlannedTrial[]): void {
    const t = now();
    this.db.transaction(() => {
      for (const p of trials) {
        this.q.planTrial.run({
          id: p.trialId,
          sweepId,
          idx: indexFromTrialId(p.trialId),
          config: JSON.stringify(p.config),
          reason: p.reason,
          now: t,
        });
      }
    })();
  }

  finishTrials(sweepId: string, results: TrialResult[]): void {
    const t = now();
    this.db.transaction(() => {
      for (const r of results) {
        this.q.finishTrial.run({
          id: r.trialId,
          sweepId,
          idx: indexFromTrialId(r.trialId),
          status: r.status,
          reason: r.reason ?? null,
          params: r.params,
          data: r.data,
          flops: r.flops,
          final: JSON.stringify(r.final),
          backend: r.backend,
          now: t,
        });
      }
    })();
  }

  listTrials(sweepId: string): TrialRow[] {
    return this.q.listTrials.all(sweepId).map(trialRow);
  }

  getTrial(trialId: string): TrialRow | undefined {
    const row = this.q.getTrial.get(trialId);
    return row && trialRow(row);
  }

  openTrial(open: OpenTrial): number {
    return this.db.transaction((): number => {
      this.admit('open', open.sweepId, open.trialId, open.attempt ?? 0);
      return this.lastContiguousSeq(open.trialId);
    })();
  }

  appendFrame(frame: MetricFrame): IngestResult {
    return this.db.transaction((): IngestResult => {
      this.admit('metrics', frame.sweepId, frame.trialId, frame.attempt ?? 0);
      if (!this.recordSeq('metrics', frame)) {
        return { stored: false, lastSeq: this.lastContiguousSeq(frame.trialId), newPoints: [] };
      }
      const newPoints: MetricPoint[] = [];
      for (const p of frame.points) {
        const res = this.q.insertPoint.run(frame.trialId, p.name, p.step, frame.seq, frame.sweepId, dbValue(p.value), p.wallTime);
        if (res.changes > 0) newPoints.push(p);
      }
      return { stored: true, lastSeq: this.advanceSeq(frame.trialId), newPoints };
    })();
  }

  appendEvent(event: TrialEvent): IngestResult {
    return this.db.transaction((): IngestResult => {
      this.admit('event', event.sweepId, event.trialId, event.attempt ?? 0);
      if (!this.recordSeq('event', event)) {
        return { stored: false, lastSeq: this.lastContiguousSeq(event.trialId), newPoints: [] };
      }
      const info = event.infoJson ? (JSON.parse(event.infoJson) as Record<string, unknown>) : {};
      this.q.insertEvent.run(event.trialId, event.seq, event.sweepId, event.status, event.infoJson || '{}', event.wallTime);
      const t = now();
      if (TRIAL_STATUSES.includes(event.status as TrialRowStatus)) {
        const backend = typeof info.backend === 'string' ? info.backend : null;
        this.q.eventStatus.run({ id: event.trialId, status: event.status, backend, now: t });
      }
      return { stored: true, lastSeq: this.advanceSeq(event.trialId), newPoints: [] };
    })();
  }

  lastContiguousSeq(trialId: string): number {
    return this.q.lastSeq.get(trialId)?.last_seq ?? 0;
  }

  trialMetrics(trialId: string, opts: { name?: string; afterStep?: number } = {}): TrialMetricRow[] {
    const name = opts.name ?? null;
    const after = opts.afterStep ?? null;
    return this.q.trialMetrics.all(trialId, name, name, after, after);
  }

  trialMetricsPage(trialId: string, opts: { name?: string; afterStep?: number; after?: MetricCursor; limit: number }): TrialMetricRow[] {
    return this.q.trialMetricsPage.all({
      trialId,
      name: opts.name ?? null,
      afterStep: opts.afterStep ?? null,
      // '' sorts before every name and -1 before every step: no cursor means from the start.
      afterName: opts.after?.name ?? '',
      afterNameStep: opts.after?.step ?? -1,
      limit: opts.limit,
    });
  }

  sweepTrialIds(sweepId: string): string[] {
    return this.q.sweepTrialIds.all(sweepId).map((r) => r.id);
  }

  sweepMetrics(sweepId: string, name?: string): SweepMetricRow[] {
    return this.q.sweepMetrics.all(sweepId, name ?? null, name ?? null);
  }

  trialEvents(trialId: string): TrialEventRow[] {
    return this.q.trialEvents.all(trialId).map((e) => ({
      seq: e.seq,
      status: e.status,
      info: JSON.parse(e.info_json) as Record<string, unknown>,
      wallTime: e.wall_time,
    }));
  }

  addFit(sweepId: string, summary: FitSummary, report: unknown): FitRow {
    const res = this.q.insertFit.run(sweepId, now(), JSON.stringify(summary), JSON.stringify(report ?? null));
    const row = this.q.getFit.get(res.lastInsertRowid);
    if (!row) throw new Error(`addFit: fit for sweep ${sweepId} was not stored`);
    return fitRow(row);
  }

  listFits(sweepId: string): FitRow[] {
    return this.q.listFits.all(sweepId).map(fitRow);
  }

  latestFit(sweepId: string): FitRow | undefined {
    const row = this.q.latestFit.get(sweepId);
    return row && fitRow(row);
  }

  exportRows(sweepId: string): ExportRow[] {
    return this.listTrials(sweepId).map((t) => {
      const row: ExportRow = { trialId: t.id, index: t.index, status: t.status };
      for (const [k, v] of Object.entries(t.config)) row[`config.${k}`] = v as string | number;
      row.params = t.params ?? null;
      row.data = t.data ?? null;
      row.flops = t.flops ?? null;
      row.backend = t.backend ?? null;
      row.reason = t.reason ?? null;
      for (const [k, v] of Object.entries(t.final ?? {})) row[`final.${k}`] = v;
      return row;
    });
  }

  close(): void {
    if (this.db.open) this.db.close();
  }

  /**
   * Binds a trial to its sweep on first sight and fences it to the highest attempt seen. A newer
   * attempt drops what lies above the contiguous mark: frames of the old attempt that were never
   * acked, which would otherwise collide with the new attempt's numbering.
   */
  private admit(field: 'open' | 'metrics' | 'event', sweepId: string, trialId: string, attempt: number): void {
    const owner = this.q.trialOwner.get(trialId);
    if (!owner) {
      if (!this.q.sweepExists.get(sweepId)) {
        throw new IngestRefused('unknown-sweep', `${field}.sweepId: expected an existing sweep, got ${JSON.stringify(sweepId)}`, trialId, attempt);
      }
      const t = now();
      // The trainer may report a trial before the workflow's report of it arrives.
      this.q.ensureTrial.run(trialId, sweepId, indexFromTrialId(trialId), t, t);
      if (attempt > 0) this.q.setAttempt.run(attempt, t, trialId);
      return;
    }
    if (owner.sweep_id !== sweepId) {
      throw new IngestRefused(
        'foreign-trial',
        `${field}.sweepId: trial ${JSON.stringify(trialId)} belongs to sweep ${JSON.stringify(owner.sweep_id)}, not ${JSON.stringify(sweepId)}`,
        trialId,
        attempt,
      );
    }
    if (attempt < owner.attempt) {
      throw new IngestRefused(
        'superseded',
        `${field}.attempt: attempt ${attempt} of trial ${JSON.stringify(trialId)} was superseded by attempt ${owner.attempt}; its frames are not stored`,
        trialId,
        attempt,
      );
    }
    if (attempt > owner.attempt) {
      const last = this.lastContiguousSeq(trialId);
      this.q.dropFramesAbove.run(trialId, last);
      this.q.dropPointsAbove.run(trialId, last);
      this.q.dropEventsAbove.run(trialId, last);
      this.q.setAttempt.run(attempt, now(), trialId);
    }
  }

  /**
   * Inserts the (trial, seq) marker with the frame's digest; false when this exact frame was already
   * stored. Other content under a stored seq is refused: acking it would claim it was stored.
   */
  private recordSeq(kind: 'metrics' | 'event', frame: MetricFrame | TrialEvent): boolean {
    const digest = frameDigest(kind, frame);
    if (this.q.insertFrame.run(frame.trialId, frame.seq, frame.sweepId, kind, now(), digest).changes > 0) return true;
    const stored = this.q.frameDigest.get(frame.trialId, frame.seq)?.digest;
    if (stored != null && stored !== digest) {
      throw new IngestRefused(
        'seq-conflict',
        `${kind}.seq: seq ${frame.seq} of trial ${JSON.stringify(frame.trialId)} is already stored with different content`,
        frame.trialId,
        frame.attempt ?? 0,
      );
    }
    return false;
  }

  /** Moves the contiguous high-water mark over every frame now present (fills after a gap). */
  private advanceSeq(trialId: string): number {
    const before = this.lastContiguousSeq(trialId);
    let last = before;
    while (this.q.hasFrame.get(trialId, last + 1)) last++;
    if (last !== before) this.q.setLastSeq.run(trialId, last);
    return last;
  }

  private sweepRow(r: SweepDb): SweepRow {
    const counts = Object.fromEntries(TRIAL_STATUSES.map((s) => [s, 0])) as SweepCounts;
    counts.total = 0;
    for (const { status, n } of this.q.counts.all(r.id)) {
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
}

function trialRow(r: TrialDb): TrialRow {
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

function fitRow(r: FitDb): FitRow {
  return {
    id: r.id,
    sweepId: r.sweep_id,
    createdAt: r.created_at,
    summary: JSON.parse(r.summary_json) as FitSummary,
    report: JSON.parse(r.report_json) as unknown,
  };
}
