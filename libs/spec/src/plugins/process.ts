/**
 * Option schema of the `process` plugin (workers/trainer-process): any executable as a trial, over the
 * trainer protocol (docs/trainer-protocol.md). Its own keys say what to run and how long to wait; every
 * other key of `task.options` is the program's setting and reaches it unchanged in the trial JSON.
 * The worker checks a trial's options with the same `checkProcessOptions` before it starts anything.
 */
import type { PathSegment } from '../issues';
import { DIMENSION_NAMES } from '../validate';
import type { PluginSchema } from './schema';

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
  /** The remaining keys: the program's own settings. */
  trainer: Record<string, unknown>;
}

export const PROCESS_OPTION_DEFAULTS = { progressTimeoutSeconds: 600, graceSeconds: 10 } as const;

export interface ProcessOptionIssue {
  /** Raw path, e.g. `['task', 'options', 'command', 1]` (format with `formatPath`). */
  path: PathSegment[];
  message: string;
}

export type ProcessOptionsResult = { ok: true; options: ProcessOptions } | { ok: false; issues: ProcessOptionIssue[] };

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const show = (v: unknown): string => (v === undefined ? 'nothing' : (JSON.stringify(v) ?? String(v)));
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

export const processSchema: PluginSchema = {
  name: 'process',
  options: {
    command: { type: 'any', doc: 'program and arguments, e.g. [python, train.py]' },
    cwd: { type: 'any', doc: "working directory (default: the worker's)" },
    env: { type: 'any', doc: "environment variables added to the worker's" },
    timeoutSeconds: { type: 'any', doc: 'wall-clock limit of one attempt, seconds' },
    progressTimeoutSeconds: { type: 'any', doc: 'longest silence on fd 3 before an attempt is timed out (600)' },
    graceSeconds: { type: 'any', doc: 'SIGTERM → SIGKILL delay when an attempt is stopped (10)' },
  },
  otherOptions: 'the program',
  // The program receives the whole trial config: it decides which dimensions it honours. A getter,
  // because validate.ts (which defines the list) imports this module.
  get dimensions() {
    return DIMENSION_NAMES;
  },
  check(root, issues) {
    const task = root.task as Obj;
    const checked = checkProcessOptions(task.options);
    if (!checked.ok) for (const i of checked.issues) issues.add(i.path, i.message);
  },
};

/**
 * Checks and normalises `task.options` of the process plugin. Every mistake is reported with its raw
 * path under `task.options`. Keys other than the plugin's own are the program's and are not checked.
 */
export function checkProcessOptions(raw: unknown): ProcessOptionsResult {
  const issues: ProcessOptionIssue[] = [];
  const add = (path: PathSegment[], message: string) => issues.push({ path: ['task', 'options', ...path], message });
  if (!isObj(raw)) {
    add([], `expected a mapping with at least a command (e.g. { command: [python, train.py] }), got ${show(raw)}`);
    return { ok: false, issues };
  }
  const command = raw.command;
  if (!Array.isArray(command) || command.length === 0) {
    add(['command'], `expected a non-empty list: the program and its arguments, e.g. [python, train.py], got ${show(command)}`);
  } else {
    command.forEach((part, i) => {
      if (typeof part !== 'string' || (i === 0 && part.trim() === '')) add(['command', i], `expected ${i === 0 ? 'a non-empty string (the program)' : 'a string'}, got ${show(part)}`);
    });
  }
  if (raw.cwd !== undefined && (typeof raw.cwd !== 'string' || raw.cwd === '')) add(['cwd'], `expected a directory path, got ${show(raw.cwd)}`);
  const env: Record<string, string> = {};
  if (raw.env !== undefined) {
    if (!isObj(raw.env)) add(['env'], `expected a mapping of variable names to strings, got ${show(raw.env)}`);
    else
      for (const [name, value] of Object.entries(raw.env)) {
        if (!ENV_NAME.test(name)) add(['env', name], 'expected a variable name of letters, digits and underscores');
        else if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') env[name] = String(value);
        else add(['env', name], `expected a string, got ${show(value)}`);
      }
  }
  const seconds = (key: 'timeoutSeconds' | 'progressTimeoutSeconds' | 'graceSeconds', zeroAllowed: boolean): number | undefined => {
    const v = raw[key];
    if (v === undefined) return undefined;
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0 || (v === 0 && !zeroAllowed)) {
      add([key], `expected a number of seconds ${zeroAllowed ? '≥ 0' : '> 0'}, got ${show(v)}`);
      return undefined;
    }
    return v;
  };
  const timeoutSeconds = seconds('timeoutSeconds', false);
  const progressTimeoutSeconds = seconds('progressTimeoutSeconds', false) ?? PROCESS_OPTION_DEFAULTS.progressTimeoutSeconds;
  const graceSeconds = seconds('graceSeconds', true) ?? PROCESS_OPTION_DEFAULTS.graceSeconds;
  if (issues.length > 0) return { ok: false, issues };

  const own = Object.keys(processSchema.options);
  const trainer = Object.fromEntries(Object.entries(raw).filter(([k]) => !own.includes(k)));
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
