/**
 * PostgreSQL implementation of Store (node-postgres Pool): one database shared by gateways on
 * many machines. Each frame is one transaction: the trial row is locked (`SELECT … FOR UPDATE`)
 * before fencing, so two writers of one trial (an old and a new attempt, or two gateways) are
 * serialized; the frame's points go in as one multi-row `INSERT … ON CONFLICT DO NOTHING
 * RETURNING`, which also says which points were new. A promise resolves after COMMIT.
 */
import type { ExportRow, FitRow, SweepMetricRow, SweepPhase, SweepRow, SweepStatus, TrialMetricRow, TrialRow, TrialRowStatus } from '@slab/api';
import type { FitSummary } from '@slab/orchestration';
import type { MetricFrame, MetricPoint, OpenTrial, TrialEvent } from '@slab/proto';
import type { TrialResult } from '@slab/spec';
import pg from 'pg';
import { admission, type FrameField, seqConflict } from './fencing';
import { POSTGRES_MIGRATIONS } from './postgres-migrations';
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
import type { IngestResult, MetricCursor, PlannedTrial, Store, TrialEventRow } from './store';

type Db = pg.Pool | pg.PoolClient;

// BIGINT (seq, step, COUNT(*)) arrives as text by default; every value this store keeps is far
// below 2^53, so numbers are exact. Scoped to this pool, not the process-wide pg.types.
const INT8 = 20;
const types = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === INT8 ? (v: string) => Number(v) : pg.types.getTypeParser(oid, format as 'text')) as typeof pg.types.getTypeParser,
};

/** A transaction-scoped advisory lock key: one migrator at a time across gateways. */
const MIGRATION_LOCK = 0x51ab_0001;

async function migrate(pool: pg.Pool): Promise<void> {
  await inTransaction(pool, async (c) => {
    await c.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
    await c.query('CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)');
    const { rows } = await c.query<{ version: number }>('SELECT version FROM schema_version');
    const version = rows[0]?.version ?? 0;
    if (version > POSTGRES_MIGRATIONS.length) {
      throw new Error(`store: the database's schema version ${version} is newer than this program's (${POSTGRES_MIGRATIONS.length}); upgrade Scaling Lab`);
    }
    for (let i = version; i < POSTGRES_MIGRATIONS.length; i++) await c.query(POSTGRES_MIGRATIONS[i]);
    if (rows.length === 0) await c.query('INSERT INTO schema_version (version) VALUES ($1)', [POSTGRES_MIGRATIONS.length]);
    else await c.query('UPDATE schema_version SET version = $1', [POSTGRES_MIGRATIONS.length]);
  });
}

async function inTransaction<T>(pool: pg.Pool, body: (c: pg.PoolClient) => Promise<T>): Promise<T> {
  const c = await pool.connect();
  try {
    await c.query('BEGIN');
    const result = await body(c);
    await c.query('COMMIT');
    return result;
  } catch (err) {
    await c.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    c.release();
  }
}

/**
 * Opens a Postgres store at `url` (postgres://user:password@host:port/database), creating or
 * migrating its tables. `poolSize` bounds the connections this process holds (default 10).
 * @throws Error when the server cannot be reached or the schema is newer than this program's
 */
export async function openPostgresStore(url: string, opts: { poolSize?: number } = {}): Promise<Store> {
  const pool = new pg.Pool({ connectionString: url, max: opts.poolSize ?? 10, types });
  // An idle connection the server dropped is an 'error' event on the pool; without a listener it
  // would be thrown out of the event loop. The next query opens a fresh connection.
  pool.on('error', () => undefined);
  try {
    await migrate(pool);
  } catch (err) {
    await pool.end().catch(() => undefined);
    throw new Error(`store: cannot open the Postgres database at ${redactUrl(url)}: ${(err as Error).message}`);
  }
  return new PostgresStore(pool);
}

/** The URL with its password replaced, for messages and logs. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.href;
  } catch {
    return 'the given URL';
  }
}

const TRIAL_COLUMNS = `t.*, s.last_seq FROM trials t LEFT JOIN trial_seq s ON s.trial_id = t.id`;

class PostgresStore implements Store {
  private closed = false;

  constructor(private readonly pool: pg.Pool) {}

  async createSweep(input: { id: string; name: string; specYaml: string }): Promise<SweepRow> {
    const t = now();
    const { rows } = await this.pool.query<SweepDb>(
      `INSERT INTO sweeps (id, name, spec_yaml, phase, created_at, updated_at) VALUES ($1, $2, $3, 'planning', $4, $4) RETURNING *`,
      [input.id, input.name, input.specYaml, t],
    );
    return sweepRow(rows[0], []);
  }

  async getSweep(id: string): Promise<SweepRow | undefined> {
    const { rows } = await this.query<SweepDb>(`SELECT * FROM sweeps WHERE id = $1`, [id]);
    return rows[0] && sweepRow(rows[0], await this.counts(id));
  }

  async listSweeps(): Promise<SweepRow[]> {
    const [sweeps, counts] = await Promise.all([
      this.pool.query<SweepDb>(`SELECT * FROM sweeps ORDER BY created_at DESC, ord DESC`),
      this.pool.query<{ sweep_id: string; status: TrialRowStatus; n: number }>(`SELECT sweep_id, status, COUNT(*) AS n FROM trials GROUP BY sweep_id, status`),
    ]);
    const bySweep = new Map<string, { status: TrialRowStatus; n: number }[]>();
    for (const c of counts.rows) {
      const list = bySweep.get(c.sweep_id) ?? [];
      list.push(c);
      bySweep.set(c.sweep_id, list);
    }
    return sweeps.rows.map((r) => sweepRow(r, bySweep.get(r.id) ?? []));
  }

  async sweepStatus(id: string): Promise<SweepStatus | undefined> {
    const { rows } = await this.query<{ status_json: string | null }>(`SELECT status_json FROM sweeps WHERE id = $1`, [id]);
    return rows[0]?.status_json ? (JSON.parse(rows[0].status_json) as SweepStatus) : undefined;
  }

  async setSweepStatus(id: string, status: SweepStatus): Promise<void> {
    await this.query(`UPDATE sweeps SET phase = $1, stop_reason = $2, flops_spent = $3, status_json = $4, updated_at = $5 WHERE id = $6`, [
      status.phase,
      status.stopReason ?? null,
      status.flopsSpent,
      JSON.stringify(status),
      now(),
      id,
    ]);
  }

  async setSweepPhase(id: string, phase: SweepPhase, stopReason?: string): Promise<void> {
    await this.query(`UPDATE sweeps SET phase = $1, stop_reason = COALESCE($2, stop_reason), updated_at = $3 WHERE id = $4`, [
      phase,
      stopReason ?? null,
      now(),
      id,
    ]);
  }

  async planTrials(sweepId: string, trials: PlannedTrial[]): Promise<void> {
    if (trials.length === 0) return;
    await this.pool.query(
      `INSERT INTO trials (id, sweep_id, idx, config_json, status, plan_reason, created_at, updated_at)
       SELECT id, $1, idx, config, 'planned', reason, $2, $2 FROM unnest($3::text[], $4::int[], $5::text[], $6::text[]) AS u(id, idx, config, reason)
       ON CONFLICT (id) DO UPDATE SET config_json = excluded.config_json, plan_reason = excluded.plan_reason,
         idx = excluded.idx, updated_at = excluded.updated_at`,
      [
        sweepId,
        now(),
        trials.map((p) => p.trialId),
        trials.map((p) => indexFromTrialId(p.trialId)),
        trials.map((p) => JSON.stringify(p.config)),
        trials.map((p) => p.reason),
      ],
    );
  }

  async finishTrials(sweepId: string, results: TrialResult[]): Promise<void> {
    if (results.length === 0) return;
    const t = now();
    await inTransaction(this.pool, async (c) => {
      for (const r of results) {
        await c.query(
          `INSERT INTO trials (id, sweep_id, idx, status, reason, params, data, flops, final_json, backend, created_at, updated_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11)
           ON CONFLICT (id) DO UPDATE SET status = excluded.status, reason = excluded.reason, params = excluded.params,
             data = excluded.data, flops = excluded.flops, final_json = excluded.final_json, backend = excluded.backend,
             updated_at = excluded.updated_at`,
          [r.trialId, sweepId, indexFromTrialId(r.trialId), r.status, r.reason ?? null, r.params, r.data, r.flops, JSON.stringify(r.final), r.backend, t],
        );
      }
    });
  }

  async listTrials(sweepId: string): Promise<TrialRow[]> {
    return (await this.trialRows(sweepId)).map(trialRow);
  }

  async getTrial(trialId: string): Promise<TrialRow | undefined> {
    const { rows } = await this.query<TrialDb>(`SELECT ${TRIAL_COLUMNS} WHERE t.id = $1`, [trialId]);
    return rows[0] && trialRow(rows[0]);
  }

  async openTrial(open: OpenTrial): Promise<number> {
    return inTransaction(this.pool, async (c) => {
      await this.admit(c, 'open', open.sweepId, open.trialId, open.attempt ?? 0);
      return this.lastSeq(c, open.trialId);
    });
  }

  async appendFrame(frame: MetricFrame): Promise<IngestResult> {
    return inTransaction(this.pool, async (c): Promise<IngestResult> => {
      await this.admit(c, 'metrics', frame.sweepId, frame.trialId, frame.attempt ?? 0);
      if (!(await this.recordSeq(c, 'metrics', frame))) {
        return { stored: false, lastSeq: await this.lastSeq(c, frame.trialId), newPoints: [] };
      }
      const newPoints = await this.insertPoints(c, frame);
      return { stored: true, lastSeq: await this.advanceSeq(c, frame.trialId), newPoints };
    });
  }

  async appendEvent(event: TrialEvent): Promise<IngestResult> {
    return inTransaction(this.pool, async (c): Promise<IngestResult> => {
      await this.admit(c, 'event', event.sweepId, event.trialId, event.attempt ?? 0);
      if (!(await this.recordSeq(c, 'event', event))) {
        return { stored: false, lastSeq: await this.lastSeq(c, event.trialId), newPoints: [] };
      }
      const info = event.infoJson ? (JSON.parse(event.infoJson) as Record<string, unknown>) : {};
      await c.query(
        `INSERT INTO events (trial_id, seq, sweep_id, status, info_json, wall_time) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING`,
        [event.trialId, event.seq, event.sweepId, event.status, event.infoJson || '{}', event.wallTime],
      );
      if (TRIAL_STATUSES.includes(event.status as TrialRowStatus)) {
        const backend = typeof info.backend === 'string' ? info.backend : null;
        await c.query(
          // A retry's `running` follows an attempt's `failed` (retryable) event: the trial runs again; a
          // failed result (final_json set by finishTrials) stays.
          `UPDATE trials SET status = $1, backend = COALESCE($2, backend), updated_at = $3
           WHERE id = $4 AND status NOT IN ('completed', 'diverged', 'stopped') AND (status <> 'failed' OR ($1 = 'running' AND final_json IS NULL))`,
          [event.status, backend, now(), event.trialId],
        );
      }
      return { stored: true, lastSeq: await this.advanceSeq(c, event.trialId), newPoints: [] };
    });
  }

  async lastContiguousSeq(trialId: string): Promise<number> {
    if (trialId.includes('\0')) return 0;
    return this.lastSeq(this.pool, trialId);
  }

  async trialMetrics(trialId: string, opts: { name?: string; afterStep?: number } = {}): Promise<TrialMetricRow[]> {
    const { rows } = await this.query<TrialMetricRow>(
      `SELECT seq, step, name, value, wall_time AS "wallTime" FROM points
       WHERE trial_id = $1 AND ($2::text IS NULL OR name = $2) AND ($3::bigint IS NULL OR step > $3) ORDER BY name, step`,
      [trialId, opts.name ?? null, opts.afterStep ?? null],
    );
    return rows;
  }

  async trialMetricsPage(trialId: string, opts: { name?: string; afterStep?: number; after?: MetricCursor; limit: number }): Promise<TrialMetricRow[]> {
    // Keyset pages in primary-key order (trial_id, name, step); '' and -1 mean "from the start".
    const { rows } = await this.query<TrialMetricRow>(
      `SELECT seq, step, name, value, wall_time AS "wallTime" FROM points
       WHERE trial_id = $1 AND ($2::text IS NULL OR name = $2) AND ($3::bigint IS NULL OR step > $3)
         AND (name, step) > ($4::text COLLATE "C", $5::bigint)
       ORDER BY name, step LIMIT $6`,
      [trialId, opts.name ?? null, opts.afterStep ?? null, opts.after?.name ?? '', opts.after?.step ?? -1, opts.limit],
    );
    return rows;
  }

  async sweepTrialIds(sweepId: string): Promise<string[]> {
    const { rows } = await this.query<{ id: string }>(`SELECT id FROM trials WHERE sweep_id = $1 ORDER BY id`, [sweepId]);
    return rows.map((r) => r.id);
  }

  async sweepMetrics(sweepId: string, name?: string): Promise<SweepMetricRow[]> {
    const { rows } = await this.query<SweepMetricRow>(
      `SELECT trial_id AS "trialId", step, name, value, wall_time AS "wallTime" FROM points
       WHERE sweep_id = $1 AND ($2::text IS NULL OR name = $2) ORDER BY trial_id, name, step`,
      [sweepId, name ?? null],
    );
    return rows;
  }

  async trialEvents(trialId: string): Promise<TrialEventRow[]> {
    const { rows } = await this.query<EventDb>(`SELECT seq, status, info_json, wall_time FROM events WHERE trial_id = $1 ORDER BY seq`, [trialId]);
    return rows.map(eventRow);
  }

  async addFit(sweepId: string, summary: FitSummary, report: unknown): Promise<FitRow> {
    const { rows } = await this.pool.query<FitDb>(
      `INSERT INTO fits (sweep_id, created_at, summary_json, report_json) VALUES ($1, $2, $3, $4) RETURNING *`,
      [sweepId, now(), JSON.stringify(summary), JSON.stringify(report ?? null)],
    );
    return fitRow(rows[0]);
  }

  async listFits(sweepId: string): Promise<FitRow[]> {
    const { rows } = await this.query<FitDb>(`SELECT * FROM fits WHERE sweep_id = $1 ORDER BY id`, [sweepId]);
    return rows.map(fitRow);
  }

  async latestFit(sweepId: string): Promise<FitRow | undefined> {
    const { rows } = await this.query<FitDb>(`SELECT * FROM fits WHERE sweep_id = $1 ORDER BY id DESC LIMIT 1`, [sweepId]);
    return rows[0] && fitRow(rows[0]);
  }

  async exportRows(sweepId: string): Promise<ExportRow[]> {
    return (await this.trialRows(sweepId)).map((t) => exportRow(trialRow(t)));
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.pool.end();
  }

  /**
   * A read (or an update by key) outside a transaction. PostgreSQL text cannot hold a NUL byte, so
   * no stored key contains one: a lookup by such a key (e.g. from a URL) finds nothing, as in SQLite,
   * instead of failing with an encoding error.
   */
  private async query<R extends pg.QueryResultRow>(sql: string, params: unknown[]): Promise<{ rows: R[] }> {
    if (params.some((p) => typeof p === 'string' && p.includes('\0'))) return { rows: [] };
    return this.pool.query<R>(sql, params);
  }

  private async trialRows(sweepId: string): Promise<TrialDb[]> {
    const { rows } = await this.query<TrialDb>(`SELECT ${TRIAL_COLUMNS} WHERE t.sweep_id = $1 ORDER BY t.idx, t.id`, [sweepId]);
    return rows;
  }

  private async counts(sweepId: string): Promise<{ status: TrialRowStatus; n: number }[]> {
    const { rows } = await this.query<{ status: TrialRowStatus; n: number }>(`SELECT status, COUNT(*) AS n FROM trials WHERE sweep_id = $1 GROUP BY status`, [
      sweepId,
    ]);
    return rows;
  }

  /**
   * Binds and fences as SQLite's admit (fencing.ts), holding the trial row's lock until COMMIT. A
   * new trial is inserted first (ON CONFLICT DO NOTHING waits for a concurrent insert of the same
   * id), so there is always a row to lock.
   */
  private async admit(c: pg.PoolClient, field: FrameField, sweepId: string, trialId: string, attempt: number): Promise<void> {
    // No stored sweep id holds a NUL byte (Postgres text cannot): such a sweep does not exist.
    if (sweepId.includes('\0')) admission(field, { sweepId, trialId, attempt }, undefined, () => false);
    if (trialId.includes('\0')) throw new Error(`${field}.trialId: expected text without NUL bytes`);
    const t = now();
    // The trainer may report a trial before the workflow's report of it arrives.
    const inserted = await c.query(
      `INSERT INTO trials (id, sweep_id, idx, status, attempt, created_at, updated_at)
       SELECT $1, $2, $3, 'planned', $4, $5, $5 WHERE EXISTS (SELECT 1 FROM sweeps WHERE id = $2)
       ON CONFLICT (id) DO NOTHING`,
      [trialId, sweepId, indexFromTrialId(trialId), attempt, t],
    );
    if (inserted.rowCount === 1) return;
    const { rows } = await c.query<{ sweep_id: string; attempt: number }>(`SELECT sweep_id, attempt FROM trials WHERE id = $1 FOR UPDATE`, [trialId]);
    // No row after the insert: the sweep does not exist (admission() refuses with unknown-sweep).
    if (admission(field, { sweepId, trialId, attempt }, rows[0], () => false) === 'takeover') {
      const last = await this.lastSeq(c, trialId);
      await c.query(`DELETE FROM frames WHERE trial_id = $1 AND seq > $2`, [trialId, last]);
      await c.query(`DELETE FROM points WHERE trial_id = $1 AND seq > $2`, [trialId, last]);
      await c.query(`DELETE FROM events WHERE trial_id = $1 AND seq > $2`, [trialId, last]);
      await c.query(`UPDATE trials SET attempt = $1, updated_at = $2 WHERE id = $3`, [attempt, t, trialId]);
    }
  }

  /** As SQLite's recordSeq: false for an exact resend, seq-conflict for other content. */
  private async recordSeq(c: pg.PoolClient, kind: 'metrics' | 'event', frame: MetricFrame | TrialEvent): Promise<boolean> {
    const digest = frameDigest(kind, frame);
    const res = await c.query(
      `INSERT INTO frames (trial_id, seq, sweep_id, kind, received_at, digest) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING`,
      [frame.trialId, frame.seq, frame.sweepId, kind, now(), digest],
    );
    if (res.rowCount === 1) return true;
    const { rows } = await c.query<{ digest: string | null }>(`SELECT digest FROM frames WHERE trial_id = $1 AND seq = $2`, [frame.trialId, frame.seq]);
    const stored = rows[0]?.digest;
    if (stored != null && stored !== digest) throw seqConflict(kind, frame);
    return false;
  }

  /** One multi-row insert; the points it returns are the new ones (first of a repeated key wins). */
  private async insertPoints(c: pg.PoolClient, frame: MetricFrame): Promise<MetricPoint[]> {
    if (frame.points.length === 0) return [];
    const { rows } = await c.query<{ name: string; step: number }>(
      `INSERT INTO points (trial_id, name, step, seq, sweep_id, value, wall_time)
       SELECT $1, name, step, $2, $3, value, wall_time FROM unnest($4::text[], $5::bigint[], $6::float8[], $7::float8[]) AS u(name, step, value, wall_time)
       ON CONFLICT DO NOTHING RETURNING name, step`,
      [
        frame.trialId,
        frame.seq,
        frame.sweepId,
        frame.points.map((p) => p.name),
        frame.points.map((p) => p.step),
        frame.points.map((p) => dbValue(p.value)),
        frame.points.map((p) => p.wallTime),
      ],
    );
    const fresh = new Set(rows.map((r) => `${r.step}\n${r.name}`));
    return frame.points.filter((p) => fresh.delete(`${p.step}\n${p.name}`));
  }

  /** Moves the contiguous high-water mark over every frame now present (fills after a gap), in one query. */
  private async advanceSeq(c: pg.PoolClient, trialId: string): Promise<number> {
    const before = await this.lastSeq(c, trialId);
    // Seqs above the mark minus their rank equal the mark exactly along the contiguous run.
    const { rows } = await c.query<{ last: number | null }>(
      `SELECT MAX(seq) AS last FROM (SELECT seq, seq - row_number() OVER (ORDER BY seq) AS gap FROM frames WHERE trial_id = $1 AND seq > $2) run WHERE gap = $2`,
      [trialId, before],
    );
    const last = rows[0]?.last ?? before;
    if (last !== before) {
      await c.query(`INSERT INTO trial_seq (trial_id, last_seq) VALUES ($1, $2) ON CONFLICT (trial_id) DO UPDATE SET last_seq = excluded.last_seq`, [trialId, last]);
    }
    return last;
  }

  private async lastSeq(db: Db, trialId: string): Promise<number> {
    const { rows } = await db.query<{ last_seq: number }>(`SELECT last_seq FROM trial_seq WHERE trial_id = $1`, [trialId]);
    return rows[0]?.last_seq ?? 0;
  }
}
