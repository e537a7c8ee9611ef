/**
 * The trainer protocol (docs/trainer-protocol.md): one JSON object per line on file descriptor 3,
 * written by the trainer program, read by the worker. stdout and stderr stay the program's own logs.
 * Pure parsing, no Node built-ins; the runner (run.ts) owns the pipes and the process.
 */

/** File descriptor the trainer writes protocol lines to (also given to it as `SLAB_REPORT_FD`). */
export const REPORT_FD = 3;

/** Exit codes with a meaning; any other non-zero code (or a signal) fails the attempt, which is retried. */
export const EXIT_CODES = {
  completed: 0,
  /** The loss became NaN/inf: a result, not retried. */
  diverged: 3,
  /** The trial's settings can never work (sysexits EX_CONFIG): failed, not retried. */
  invalidConfig: 78,
} as const;

/** Longest protocol line accepted (a trainer that writes megabytes per line is writing something else). */
export const MAX_LINE_BYTES = 1 << 20;

export type MetricValues = Record<string, number>;

export type TrainerMessage =
  /** Metric points at one step (NaN/inf as null, "NaN", "Infinity" or "-Infinity"). */
  | { type: 'metrics'; step: number; values: MetricValues }
  /** Alive and at this step (no checkpoint yet): resets the progress timeout. */
  | { type: 'progress'; step: number }
  /** A checkpoint of this step is on disk (written before the line, atomically). */
  | { type: 'checkpoint'; step: number; path?: string }
  /** Counted quantities: parameters N, training samples/tokens D, total training FLOPs. */
  | { type: 'counts'; params?: number; data?: number; flops?: number }
  /** The attempt's outcome; `final` holds the final metrics. */
  | { type: 'result'; status: 'completed' | 'diverged'; final: MetricValues; step?: number; params?: number; data?: number; flops?: number; reason?: string }
  /** The trial's settings can never work (say why, then exit with EXIT_CODES.invalidConfig). */
  | { type: 'invalid_config'; reason: string };

export const MESSAGE_TYPES = ['metrics', 'progress', 'checkpoint', 'counts', 'result', 'invalid_config'] as const;

/** A line that does not follow the protocol; `line` is its 1-based number on the descriptor. */
export class ProtocolError extends Error {
  override readonly name = 'ProtocolError';
  constructor(
    readonly line: number,
    detail: string,
  ) {
    super(`trainer protocol error on fd ${REPORT_FD}, line ${line}: ${detail}`);
  }
}

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const excerpt = (s: string): string => JSON.stringify(s.length > 80 ? `${s.slice(0, 77)}...` : s);
const NON_FINITE: Record<string, number> = { NaN: NaN, Infinity: Infinity, '-Infinity': -Infinity };

/** Parses one protocol line (without its newline). Throws ProtocolError naming the line and the field. */
export function parseMessage(text: string, line: number): TrainerMessage {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new ProtocolError(line, `expected a JSON object, got ${excerpt(text)}`);
  }
  if (!isObj(raw)) throw new ProtocolError(line, `expected a JSON object, got ${excerpt(text)}`);
  const fail = (field: string, expected: string): never => {
    throw new ProtocolError(line, `${field}: expected ${expected}, got ${JSON.stringify(raw[field]) ?? 'nothing'}`);
  };
  const step = (required: boolean): number | undefined => {
    const v = raw.step;
    if (v === undefined && !required) return undefined;
    return Number.isSafeInteger(v) && (v as number) >= 0 ? (v as number) : fail('step', 'an integer ≥ 0');
  };
  const count = (field: 'params' | 'data' | 'flops'): number | undefined => {
    const v = raw[field];
    if (v === undefined || v === null) return undefined;
    return typeof v === 'number' && Number.isFinite(v) && v >= 0 ? v : fail(field, 'a finite number ≥ 0');
  };
  const values = (field: 'values' | 'final', required: boolean): MetricValues => {
    const v = raw[field];
    if (v === undefined && !required) return {};
    if (!isObj(v)) return fail(field, 'an object of metric name → number');
    const out: MetricValues = {};
    for (const [name, x] of Object.entries(v)) {
      if (name === '') throw new ProtocolError(line, `${field}: expected non-empty metric names`);
      if (typeof x === 'number') out[name] = x;
      else if (x === null) out[name] = NaN;
      else if (typeof x === 'string' && x in NON_FINITE) out[name] = NON_FINITE[x];
      else throw new ProtocolError(line, `${field}.${name}: expected a number (or null, "NaN", "Infinity", "-Infinity"), got ${JSON.stringify(x)}`);
    }
    return out;
  };
  const str = (field: string): string | undefined => {
    const v = raw[field];
    if (v === undefined || v === null) return undefined;
    return typeof v === 'string' ? v : fail(field, 'a string');
  };

  switch (raw.type) {
    case 'metrics':
      return { type: 'metrics', step: step(true)!, values: values('values', true) };
    case 'progress':
      return { type: 'progress', step: step(true)! };
    case 'checkpoint': {
      const path = str('path');
      return path ? { type: 'checkpoint', step: step(true)!, path } : { type: 'checkpoint', step: step(true)! };
    }
    case 'counts':
      return strip({ type: 'counts', params: count('params'), data: count('data'), flops: count('flops') });
    case 'result': {
      const status = raw.status ?? 'completed';
      if (status !== 'completed' && status !== 'diverged') fail('status', '"completed" or "diverged"');
      return strip({
        type: 'result',
        status: status as 'completed' | 'diverged',
        final: values('final', false),
        step: step(false),
        params: count('params'),
        data: count('data'),
        flops: count('flops'),
        reason: str('reason'),
      });
    }
    case 'invalid_config':
      return { type: 'invalid_config', reason: str('reason') ?? 'the trainer rejected its settings' };
    default:
      return fail('type', `one of ${MESSAGE_TYPES.join(', ')}`);
  }
}

/** Drops undefined fields so messages compare and serialise cleanly. */
function strip<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}

/** One complete protocol line and its 1-based number on the descriptor. */
export interface NumberedLine {
  line: number;
  text: string;
}

/**
 * Cuts a byte stream into numbered lines. A line longer than MAX_LINE_BYTES is a protocol error;
 * what is left without a newline at the end (e.g. a trainer killed mid-write) is returned by `rest()`.
 */
export class LineSplitter {
  private partial = '';
  private readonly decoder = new TextDecoder();
  /** Number of complete lines seen so far. */
  private count = 0;

  push(chunk: Uint8Array): NumberedLine[] {
    const parts = (this.partial + this.decoder.decode(chunk, { stream: true })).split('\n');
    this.partial = parts.pop() ?? '';
    if (this.partial.length > MAX_LINE_BYTES) throw new ProtocolError(this.count + 1, `line longer than ${MAX_LINE_BYTES} bytes`);
    return parts.map((p) => ({ line: ++this.count, text: p.endsWith('\r') ? p.slice(0, -1) : p }));
  }

  /** The unterminated tail, numbered as the next line (undefined when there is none). */
  rest(): NumberedLine | undefined {
    const text = this.partial + this.decoder.decode();
    this.partial = '';
    return text.trim() === '' ? undefined : { line: this.count + 1, text };
  }
}
