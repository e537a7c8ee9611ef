/**
 * SQLite schema migrations, applied in order; PRAGMA user_version records how many ran. Append new
 * ones, never edit a shipped one (the PostgreSQL schema is postgres-migrations.ts: keep them in step).
 */
export const MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE sweeps (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    spec_yaml TEXT NOT NULL,
    phase TEXT NOT NULL,
    stop_reason TEXT,
    flops_spent REAL NOT NULL DEFAULT 0,
    status_json TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
  );
  CREATE TABLE trials (
    id TEXT PRIMARY KEY,
    sweep_id TEXT NOT NULL,
    idx INTEGER NOT NULL,
    config_json TEXT NOT NULL DEFAULT '{}',
    status TEXT NOT NULL,
    reason TEXT,
    plan_reason TEXT,
    params REAL,
    data REAL,
    flops REAL,
    final_json TEXT,
    backend TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
  );
  CREATE INDEX trials_by_sweep ON trials (sweep_id, idx);
  -- Every sequenced frame (metrics or event) of a trial, once.
  CREATE TABLE frames (
    trial_id TEXT NOT NULL,
    seq INTEGER NOT NULL,
    sweep_id TEXT NOT NULL,
    kind TEXT NOT NULL,
    received_at TEXT NOT NULL,
    PRIMARY KEY (trial_id, seq)
  ) WITHOUT ROWID;
  -- Highest contiguous seq per trial, advanced as gaps fill.
  CREATE TABLE trial_seq (
    trial_id TEXT PRIMARY KEY,
    last_seq INTEGER NOT NULL
  ) WITHOUT ROWID;
  -- value NULL means NaN (SQLite has no NaN); ±inf are stored as REAL.
  CREATE TABLE points (
    trial_id TEXT NOT NULL,
    name TEXT NOT NULL,
    step INTEGER NOT NULL,
    seq INTEGER NOT NULL,
    sweep_id TEXT NOT NULL,
    value REAL,
    wall_time REAL NOT NULL,
    PRIMARY KEY (trial_id, name, step)
  ) WITHOUT ROWID;
  CREATE INDEX points_by_sweep ON points (sweep_id, name);
  CREATE TABLE events (
    trial_id TEXT NOT NULL,
    seq INTEGER NOT NULL,
    sweep_id TEXT NOT NULL,
    status TEXT NOT NULL,
    info_json TEXT NOT NULL,
    wall_time REAL NOT NULL,
    PRIMARY KEY (trial_id, seq)
  ) WITHOUT ROWID;
  CREATE TABLE fits (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    sweep_id TEXT NOT NULL,
    created_at TEXT NOT NULL,
    summary_json TEXT NOT NULL,
    report_json TEXT NOT NULL
  );
  CREATE INDEX fits_by_sweep ON fits (sweep_id, id);
  `,
  // Writer fencing (the attempt that owns a trial) and per-frame content digests, so the same seq
  // with other content is refused instead of silently dropped. Trials that only had frames get a
  // row, so each trial is bound to one sweep.
  `
  ALTER TABLE trials ADD COLUMN attempt INTEGER NOT NULL DEFAULT 0;
  ALTER TABLE frames ADD COLUMN digest TEXT;
  INSERT OR IGNORE INTO trials (id, sweep_id, idx, status, created_at, updated_at)
    SELECT trial_id, MIN(sweep_id), -1, 'planned', MIN(received_at), MIN(received_at) FROM frames GROUP BY trial_id;
  `,
];
