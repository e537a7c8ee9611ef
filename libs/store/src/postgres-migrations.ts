/**
 * PostgreSQL schema migrations, applied in order; the schema_version table records how many ran.
 * Append new ones, never edit a shipped one. The schema is SQLite's (migrations.ts) in Postgres
 * types: ids and names compare bytewise (COLLATE "C", as SQLite's BINARY) so every ORDER BY and
 * keyset cursor gives the same order on both stores; JSON stays text, read back by the same code;
 * NaN is stored as NULL as in SQLite.
 */
export const POSTGRES_MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE sweeps (
    id TEXT COLLATE "C" PRIMARY KEY,
    ord BIGINT GENERATED ALWAYS AS IDENTITY,
    name TEXT NOT NULL,
    spec_yaml TEXT NOT NULL,
    phase TEXT NOT NULL,
    stop_reason TEXT,
    flops_spent DOUBLE PRECISION NOT NULL DEFAULT 0,
    status_json TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
  );
  CREATE TABLE trials (
    id TEXT COLLATE "C" PRIMARY KEY,
    sweep_id TEXT COLLATE "C" NOT NULL,
    idx INTEGER NOT NULL,
    config_json TEXT NOT NULL DEFAULT '{}',
    status TEXT NOT NULL,
    reason TEXT,
    plan_reason TEXT,
    params DOUBLE PRECISION,
    data DOUBLE PRECISION,
    flops DOUBLE PRECISION,
    final_json TEXT,
    backend TEXT,
    attempt INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
  );
  CREATE INDEX trials_by_sweep ON trials (sweep_id, idx);
  CREATE TABLE frames (
    trial_id TEXT COLLATE "C" NOT NULL,
    seq BIGINT NOT NULL,
    sweep_id TEXT COLLATE "C" NOT NULL,
    kind TEXT NOT NULL,
    received_at TEXT NOT NULL,
    digest TEXT,
    PRIMARY KEY (trial_id, seq)
  );
  CREATE TABLE trial_seq (
    trial_id TEXT COLLATE "C" PRIMARY KEY,
    last_seq BIGINT NOT NULL
  );
  CREATE TABLE points (
    trial_id TEXT COLLATE "C" NOT NULL,
    name TEXT COLLATE "C" NOT NULL,
    step BIGINT NOT NULL,
    seq BIGINT NOT NULL,
    sweep_id TEXT COLLATE "C" NOT NULL,
    value DOUBLE PRECISION,
    wall_time DOUBLE PRECISION NOT NULL,
    PRIMARY KEY (trial_id, name, step)
  );
  CREATE INDEX points_by_sweep ON points (sweep_id, name);
  CREATE TABLE events (
    trial_id TEXT COLLATE "C" NOT NULL,
    seq BIGINT NOT NULL,
    sweep_id TEXT COLLATE "C" NOT NULL,
    status TEXT NOT NULL,
    info_json TEXT NOT NULL,
    wall_time DOUBLE PRECISION NOT NULL,
    PRIMARY KEY (trial_id, seq)
  );
  CREATE TABLE fits (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    sweep_id TEXT COLLATE "C" NOT NULL,
    created_at TEXT NOT NULL,
    summary_json TEXT NOT NULL,
    report_json TEXT NOT NULL
  );
  CREATE INDEX fits_by_sweep ON fits (sweep_id, id);
  `,
];
