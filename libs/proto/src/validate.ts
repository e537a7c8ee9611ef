/**
 * Semantic checks shared by encode and decode: protobuf itself accepts empty ids, seq 0 and a
 * missing oneof, but none of those is a usable frame. Each error names the field and what was
 * expected.
 */
import { FrameError } from './errors';
import type { ClientFrame, LiveUpdate, MetricFrame, ServerFrame, TrialEvent } from './types';

/**
 * Size bounds of one frame's fields. A frame within them is at most about 1 MiB, the gateway's
 * message limit; ids and names also reach logs and terminals, so control characters are refused.
 */
export const FRAME_LIMITS = {
  /** Sweep, trial and worker ids, characters. */
  idLength: 200,
  /** Metric names and event statuses, characters. */
  nameLength: 128,
  /** Points in one MetricFrame. */
  pointsPerFrame: 10_000,
  /** TrialEvent.infoJson, characters. */
  infoJsonLength: 64 * 1024,
  /** Hello.token, characters. */
  tokenLength: 1024,
  /** Attempt numbers are Temporal's (int32). */
  attempt: 2 ** 31 - 1,
} as const;

// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

function shown(value: unknown): string {
  const text = JSON.stringify(value ?? null) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 60)}...` : text;
}

function nonEmpty(value: unknown, path: string, max: number = FRAME_LIMITS.idLength): void {
  if (typeof value !== 'string' || value.length === 0) {
    throw new FrameError(`${path}: expected a non-empty string, got ${shown(value)}`);
  }
  if (value.length > max) throw new FrameError(`${path}: expected at most ${max} characters, got ${value.length}`);
  if (CONTROL.test(value)) throw new FrameError(`${path}: expected no control characters, got ${shown(value)}`);
}

/** Free text (JSON documents, messages): any length, any characters, not empty. */
function nonEmptyText(value: unknown, path: string): void {
  if (typeof value !== 'string' || value.length === 0) throw new FrameError(`${path}: expected a non-empty string, got ${shown(value)}`);
}

function isString(value: unknown, path: string, max?: number): void {
  if (typeof value !== 'string') throw new FrameError(`${path}: expected a string, got ${typeof value}`);
  if (max !== undefined && value.length > max) throw new FrameError(`${path}: expected at most ${max} characters, got ${value.length}`);
}

/** Optional fencing token: absent, or an integer 0 ..< 2^31. */
function attemptNumber(value: unknown, path: string): void {
  if (value === undefined) return;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > FRAME_LIMITS.attempt) {
    throw new FrameError(`${path}: expected an attempt number 0..${FRAME_LIMITS.attempt}, got ${String(value)}`);
  }
}

function seqNumber(value: unknown, path: string, min: number): void {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min) {
    throw new FrameError(`${path}: expected an integer >= ${min}, got ${String(value)}`);
  }
}

function isNumber(value: unknown, path: string): void {
  if (typeof value !== 'number') throw new FrameError(`${path}: expected a number, got ${typeof value}`);
}

function checkMetricFrame(m: MetricFrame, path: string): void {
  nonEmpty(m.sweepId, `${path}.sweepId`);
  nonEmpty(m.trialId, `${path}.trialId`);
  seqNumber(m.seq, `${path}.seq`, 1);
  attemptNumber(m.attempt, `${path}.attempt`);
  if (!Array.isArray(m.points) || m.points.length === 0) {
    throw new FrameError(`${path}.points: expected at least one point`);
  }
  if (m.points.length > FRAME_LIMITS.pointsPerFrame) {
    throw new FrameError(`${path}.points: expected at most ${FRAME_LIMITS.pointsPerFrame} points, got ${m.points.length}`);
  }
  m.points.forEach((p, i) => {
    seqNumber(p.step, `${path}.points[${i}].step`, 0);
    nonEmpty(p.name, `${path}.points[${i}].name`, FRAME_LIMITS.nameLength);
    isNumber(p.value, `${path}.points[${i}].value`);
    isNumber(p.wallTime, `${path}.points[${i}].wallTime`);
  });
}

function checkTrialEvent(e: TrialEvent, path: string): void {
  nonEmpty(e.sweepId, `${path}.sweepId`);
  nonEmpty(e.trialId, `${path}.trialId`);
  seqNumber(e.seq, `${path}.seq`, 1);
  attemptNumber(e.attempt, `${path}.attempt`);
  nonEmpty(e.status, `${path}.status`, FRAME_LIMITS.nameLength);
  isString(e.infoJson, `${path}.infoJson`, FRAME_LIMITS.infoJsonLength);
  if (e.infoJson !== '') {
    let info: unknown;
    try {
      info = JSON.parse(e.infoJson);
    } catch {
      throw new FrameError(`${path}.infoJson: expected JSON object text, got ${shown(e.infoJson.slice(0, 40))}`);
    }
    if (info === null || typeof info !== 'object' || Array.isArray(info)) {
      throw new FrameError(`${path}.infoJson: expected a JSON object`);
    }
  }
  isNumber(e.wallTime, `${path}.wallTime`);
}

function missingBody(path: string, cases: string): FrameError {
  return new FrameError(`${path}: expected one of ${cases} to be set`);
}

export function checkClientFrame(f: ClientFrame): void {
  const p = 'ClientFrame';
  switch (f?.kind) {
    case 'hello':
      isString(f.hello.token, `${p}.hello.token`, FRAME_LIMITS.tokenLength);
      nonEmpty(f.hello.workerId, `${p}.hello.workerId`);
      return;
    case 'metrics':
      return checkMetricFrame(f.metrics, `${p}.metrics`);
    case 'event':
      return checkTrialEvent(f.event, `${p}.event`);
    case 'subscribe':
      // '' subscribes to every sweep
      if (f.subscribe.sweepId === '') return;
      return nonEmpty(f.subscribe.sweepId, `${p}.subscribe.sweepId`);
    case 'open':
      nonEmpty(f.open.sweepId, `${p}.open.sweepId`);
      nonEmpty(f.open.trialId, `${p}.open.trialId`);
      attemptNumber(f.open.attempt, `${p}.open.attempt`);
      return;
    default:
      throw missingBody(`${p}.body`, 'hello, metrics, event, subscribe, open');
  }
}

function checkLiveUpdate(u: LiveUpdate, path: string): void {
  nonEmpty(u.sweepId, `${path}.sweepId`);
  switch (u.kind) {
    case 'metrics':
      return checkMetricFrame(u.metrics, `${path}.metrics`);
    case 'event':
      return checkTrialEvent(u.event, `${path}.event`);
    case 'fitJson':
      return nonEmptyText(u.fitJson, `${path}.fitJson`);
    case 'sweepJson':
      return nonEmptyText(u.sweepJson, `${path}.sweepJson`);
    default:
      throw missingBody(`${path}.body`, 'metrics, event, fitJson, sweepJson');
  }
}

export function checkServerFrame(f: ServerFrame): void {
  const p = 'ServerFrame';
  switch (f?.kind) {
    case 'ack':
      nonEmpty(f.ack.trialId, `${p}.ack.trialId`);
      return seqNumber(f.ack.seq, `${p}.ack.seq`, 0);
    case 'update':
      return checkLiveUpdate(f.update, `${p}.update`);
    case 'error':
      return nonEmptyText(f.error.message, `${p}.error.message`);
    default:
      throw missingBody(`${p}.body`, 'ack, update, error');
  }
}
