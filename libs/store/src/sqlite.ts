/**
 * SQLite implementation of Store (better-sqlite3, WAL): the embedded default, one file. The driver
 * is synchronous, so every write is one short transaction that completes before its promise
 * resolves, and the event loop never interleaves half-written frames.
 */
import Database from 'better-sqlite3';
import type { ExportRow, FitRow, SweepMetricRow, SweepPhase, SweepRow, SweepStatus, TrialMetricRow, TrialRow, TrialRowStatus } from '@slab/api';
import type { FitSummary } from '@slab/orchestration';
import type { MetricFrame, MetricPoint, OpenTrial, TrialEvent } from '@slab/proto';
import type { TrialResult } from '@slab/spec';
import { MIGRATIONS } from './migrations';
import {
  dbValue,
  type EventDb,
  eventRow,
  exportRow,
  type FitDb,
  fitRow,
  frameDigest,
  indexFromTrialId,
  now,
  type SweepDb,
  sweepRow,
  type TrialDb,
  trialRow,
  TRIAL_STATUSES,
} from './rows';
import { admission, type FrameField, seqConflict } from './fencing';
import { type IngestResult, type MetricCursor, type PlannedTrial, type Store, type TrialEventRow } from './store';

function migrate(db: Database.Database): void {
  const version = db.pragma('user_version', { simple: true }) as number;
  for (let i = version; i < MIGRATIONS.length; i++) {
    db.transaction(() => {
      db.exec(MIGRATIONS[i]);
      db.pragma(`user_version = ${i + 1}`);
    })();
  }
}

/** Opens (creating and migrating) a SQLite store. `:memory:` gives a private in-memory database. */
export function openSqliteStore(path: string): Store {
  if (typeof path !== 'string' || path === '') throw new Error('openSqliteStore: path: expected a file path or ":memory:"');
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
        // A retry's `running` follows an attempt's `failed` (retryable) event: the trial runs again; a failed
        // result (final_json set by finishTrials) stays.
        `UPDATE trials SET status = @status, backend = COALESCE(@backend, backend), updated_at = @now
         WHERE id = @id AND status NOT IN ('completed', 'diverged', 'stopped') AND (status <> 'failed' OR (@status = 'running' AND final_json IS NULL))`,
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
      trialEvents: db.prepare<[string], EventDb>(
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

  async createSweep(input: { id: string; name: string; specYaml: string }): Promise<SweepRow> {
    const t = now();
    this.q.insertSweep.run(input.id, input.name, input.specYaml, t, t);
    const row = this.q.getSweep.get(input.id);
    if (!row) throw new Error(`createSweep: sweep ${input.id} was not stored`);
    return this.sweepRow(row);
  }

  async getSweep(id: string): Promise<SweepRow | undefined> {
    const row = this.q.getSweep.get(id);
    return row && this.sweepRow(row);
  }

  async listSweeps(): Promise<SweepRow[]> {
    return this.q.listSweeps.all().map((r) => this.sweepRow(r));
  }

  async sweepStatus(id: string): Promise<SweepStatus | undefined> {
    const row = this.q.getSweep.get(id);
    return row?.status_json ? (JSON.parse(row.status_json) as SweepStatus) : undefined;
  }

  async setSweepStatus(id: string, status: SweepStatus): Promise<void> {
    this.q.setStatus.run(status.phase, status.stopReason ?? null, status.flopsSpent, JSON.stringify(status), now(), id);
  }

  async setSweepPhase(id: string, phase: SweepPhase, stopReason?: string): Promise<void> {
    this.q.setPhase.run(phase, stopReason ?? null, now(), id);
  }

  async planTrials(sweepId: string, trials: PlannedTrial[]): Promise<void> {
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

  async finishTrials(sweepId: string, results: TrialResult[]): Promise<void> {
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

  async listTrials(sweepId: string): Promise<TrialRow[]> {
    return this.q.listTrials.all(sweepId).map(trialRow);
  }

  async getTrial(trialId: string): Promise<TrialRow | undefined> {
    const row = this.q.getTrial.get(trialId);
    return row && trialRow(row);
  }

  async openTrial(open: OpenTrial): Promise<number> {
    return this.db.transaction((): number => {
      this.admit('open', open.sweepId, open.trialId, open.attempt ?? 0);
      return this.lastSeq(open.trialId);
    })();
  }

  async appendFrame(frame: MetricFrame): Promise<IngestResult> {
    return this.db.transaction((): IngestResult => {
      this.admit('metrics', frame.sweepId, frame.trialId, frame.attempt ?? 0);
      if (!this.recordSeq('metrics', frame)) {
        return { stored: false, lastSeq: this.lastSeq(frame.trialId), newPoints: [] };
      }
      const newPoints: MetricPoint[] = [];
      for (const p of frame.points) {
        const res = this.q.insertPoint.run(frame.trialId, p.name, p.step, frame.seq, frame.sweepId, dbValue(p.value), p.wallTime);
        if (res.changes > 0) newPoints.push(p);
      }
      return { stored: true, lastSeq: this.advanceSeq(frame.trialId), newPoints };
    })();
  }

  async appendEvent(event: TrialEvent): Promise<IngestResult> {
    return this.db.transaction((): IngestResult => {
      this.admit('event', event.sweepId, event.trialId, event.attempt ?? 0);
      if (!this.recordSeq('event', event)) {
        return { stored: false, lastSeq: this.lastSeq(event.trialId), newPoints: [] };
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

  async lastContiguousSeq(trialId: string): Promise<number> {
    return this.lastSeq(trialId);
  }

  async trialMetrics(trialId: string, opts: { name?: string; afterStep?: number } = {}): Promise<TrialMetricRow[]> {
    const name = opts.name ?? null;
    const after = opts.afterStep ?? null;
    return this.q.trialMetrics.all(trialId, name, name, after, after);
  }

  async trialMetricsPage(trialId: string, opts: { name?: string; afterStep?: number; after?: MetricCursor; limit: number }): Promise<TrialMetricRow[]> {
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

  async sweepTrialIds(sweepId: string): Promise<string[]> {
    return this.q.sweepTrialIds.all(sweepId).map((r) => r.id);
  }

  async sweepMetrics(sweepId: string, name?: string): Promise<SweepMetricRow[]> {
    return this.q.sweepMetrics.all(sweepId, name ?? null, name ?? null);
  }

  async trialEvents(trialId: string): Promise<TrialEventRow[]> {
    return this.q.trialEvents.all(trialId).map(eventRow);
  }

  async addFit(sweepId: string, summary: FitSummary, report: unknown): Promise<FitRow> {
    const res = this.q.insertFit.run(sweepId, now(), JSON.stringify(summary), JSON.stringify(report ?? null));
    const row = this.q.getFit.get(res.lastInsertRowid);
    if (!row) throw new Error(`addFit: fit for sweep ${sweepId} was not stored`);
    return fitRow(row);
  }

  async listFits(sweepId: string): Promise<FitRow[]> {
    return this.q.listFits.all(sweepId).map(fitRow);
  }

  async latestFit(sweepId: string): Promise<FitRow | undefined> {
    const row = this.q.latestFit.get(sweepId);
    return row && fitRow(row);
  }

  async exportRows(sweepId: string): Promise<ExportRow[]> {
    return this.q.listTrials.all(sweepId).map((t) => exportRow(trialRow(t)));
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
  }

  /**
   * Binds a trial to its sweep on first sight and fences it to the highest attempt seen. A newer
   * attempt drops what lies above the contiguous mark: frames of the old attempt that were never
   * acked, which would otherwise collide with the new attempt's numbering.
   */
  private admit(field: FrameField, sweepId: string, trialId: string, attempt: number): void {
    const owner = this.q.trialOwner.get(trialId);
    const admitted = admission(field, { sweepId, trialId, attempt }, owner, () => this.q.sweepExists.get(sweepId) !== undefined);
    if (admitted === 'new') {
      const t = now();
      // The trainer may report a trial before the workflow's report of it arrives.
      this.q.ensureTrial.run(trialId, sweepId, indexFromTrialId(trialId), t, t);
      if (attempt > 0) this.q.setAttempt.run(attempt, t, trialId);
    } else if (admitted === 'takeover') {
      const last = this.lastSeq(trialId);
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
    if (stored != null && stored !== digest) throw seqConflict(kind, frame);
    return false;
  }

  /** Moves the contiguous high-water mark over every frame now present (fills after a gap). */
  private advanceSeq(trialId: string): number {
    const before = this.lastSeq(trialId);
    let last = before;
    while (this.q.hasFrame.get(trialId, last + 1)) last++;
    if (last !== before) this.q.setLastSeq.run(trialId, last);
    return last;
  }

  private lastSeq(trialId: string): number {
    return this.q.lastSeq.get(trialId)?.last_seq ?? 0;
  }

  private sweepRow(r: SweepDb): SweepRow {
    return sweepRow(r, this.q.counts.all(r.id));
  }
}
