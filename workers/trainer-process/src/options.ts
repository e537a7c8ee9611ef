/**
 * `task.options` of the `process` plugin: what to run and how long to wait for it. Keys the plugin
 * does not know are the trainer's own settings (batch size, eval size, ...) and reach the program
 * unchanged in the trial JSON. Pure data checks, no Node built-ins: spec validation may import this
 * module (`@slab/worker-process/options`) without loading the process runner.
 */
import type { SpecIssue } from '@slab/spec';

export interface ProcessOptions {
  /** Program and arguments, e.g. `["python", "train.py"]`; no shell is involved. */
  command: string[];
  /** Working directory; relative paths resolve against the worker's working directory. */
  cwd?: string;
  /** Extra environment variables, added to the worker's own environment. */
  env: Record<string, string>;
  /** Wall-clock limit of one attempt in seconds (unset: only the spec's `trial.timeoutSeconds`). */
  timeoutSeconds?: number;
  /** An attempt that reports nothing on the protocol descriptor for this long is timed out (default 600). */
  progressTimeoutSeconds: number;
  /** Seconds between SIGTERM and SIGKILL when an attempt is cancelled or timed out (default 10). */
  graceSeconds: number;
  /** The remaining keys: the trainer's own settings. */
  trainer: Record<string, unknown>;
}

export const PROCESS_OPTION_DEFAULTS = { progressTimeoutSeconds: 600, graceSeconds: 10 } as const;

/** The keys the plugin itself reads; every other key belongs to the trainer. */
export const PROCESS_OPTION_KEYS = ['command', 'cwd', 'env', 'timeoutSeconds', 'progressTimeoutSeconds', 'graceSeconds'] as const;

export type ProcessOptionsResult = { ok: true; options: ProcessOptions } | { ok: false; issues: SpecIssue[] };

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const show = (v: unknown): string => (v === undefined ? 'nothing' : JSON.stringify(v) ?? String(v));
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Levenshtein distance, for "did you mean" on a misspelt plugin key. */
function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diag = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const up = row[j];
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = up;
    }
  }
  return row[b.length];
}

/** A plugin key this unknown key is probably a misspelling of (it would otherwise go to the trainer). */
function nearKey(key: string): string | undefined {
  const lower = key.toLowerCase();
  for (const known of PROCESS_OPTION_KEYS) {
    if (lower === known.toLowerCase()) return known;
    if (known.length >= 6 && distance(lower, known.toLowerCase()) <= 2) return known;
  }
  return undefined;
}

/**
 * Checks and normalises `task.options` for the process plugin. Every mistake is reported with its
 * path (`task.options.command[1]`, ...); `base` prefixes the paths (default `task.options`).
 */
export function checkProcessOptions(raw: unknown, base = 'task.options'): ProcessOptionsResult {
  const issues: SpecIssue[] = [];
  const add = (path: string, message: string) => issues.push({ path: `${base}${path}`, message });
  if (!isObj(raw)) {
    add('', `expected a mapping with at least a command (e.g. { command: [python, train.py] }), got ${show(raw)}`);
    return { ok: false, issues };
  }
  const command = raw.command;
  if (!Array.isArray(command) || command.length === 0) {
    add('.command', `expected a non-empty list: the program and its arguments, e.g. [python, train.py], got ${show(command)}`);
  } else {
    command.forEach((part, i) => {
      if (typeof part !== 'string' || (i === 0 && part.trim() === '')) add(`.command[${i}]`, `expected ${i === 0 ? 'a non-empty string (the program)' : 'a string'}, got ${show(part)}`);
    });
  }
  if (raw.cwd !== undefined && (typeof raw.cwd !== 'string' || raw.cwd === '')) add('.cwd', `expected a directory path, got ${show(raw.cwd)}`);
  const env: Record<string, string> = {};
  if (raw.env !== undefined) {
    if (!isObj(raw.env)) add('.env', `expected a mapping of variable names to strings, got ${show(raw.env)}`);
    else
      for (const [name, value] of Object.entries(raw.env)) {
        if (!ENV_NAME.test(name)) add(`.env.${name}`, 'expected a variable name of letters, digits and underscores');
        else if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') env[name] = String(value);
        else add(`.env.${name}`, `expected a string, got ${show(value)}`);
      }
  }
  const seconds = (key: 'timeoutSeconds' | 'progressTimeoutSeconds' | 'graceSeconds', min: number): number | undefined => {
    const v = raw[key];
    if (v === undefined) return undefined;
    if (typeof v !== 'number' || !Number.isFinite(v) || v < min || (min === 0 && v < 0)) {
      add(`.${key}`, `expected a number of seconds ${min > 0 ? '> 0' : '≥ 0'}, got ${show(v)}`);
      return undefined;
    }
    return v;
  };
  const timeoutSeconds = seconds('timeoutSeconds', Number.MIN_VALUE);
  const progressTimeoutSeconds = seconds('progressTimeoutSeconds', Number.MIN_VALUE) ?? PROCESS_OPTION_DEFAULTS.progressTimeoutSeconds;
  const graceSeconds = seconds('graceSeconds', 0) ?? PROCESS_OPTION_DEFAULTS.graceSeconds;

  const trainer: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(raw)) {
    if ((PROCESS_OPTION_KEYS as readonly string[]).includes(key)) continue;
    const near = nearKey(key);
    if (near) add(`.${key}`, `unknown key, did you mean "${near}"? (keys other than ${PROCESS_OPTION_KEYS.join(', ')} go to the trainer)`);
    trainer[key] = value;
  }
  if (issues.length > 0) return { ok: false, issues };
  return {
    ok: true,
    options: {
      command: command as string[],
      ...(typeof raw.cwd === 'string' ? { cwd: raw.cwd } : {}),
      env,
      ...(timeoutSeconds !== undefined ? { timeoutSeconds } : {}),
      progressTimeoutSeconds,
      graceSeconds,
      trainer,
    },
  };
}
