/**
 * Semantic checks shared by encode and decode: protobuf itself accepts empty ids, seq 0 and a
 * missing oneof, but none of those is a usable frame. Each error names the field and what was
 * expected.
 */
import { FrameError } from './errors';
import type { ClientFrame, LiveUpdate, MetricFrame, ServerFrame, TrialEvent } from './types';

function nonEmpty(value: unknown, path: string): void {
  if (typeof value !== 'string' || value.length === 0) {
    throw new FrameError(`${path}: expected a non-empty string, got ${JSON.stringify(value ?? null)}`);
  }
}

function isString(value: unknown, path: string): void {
  if (typeof value !== 'string') throw new FrameError(`${path}: expected a string, got ${typeof value}`);
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
  if (!Array.isArray(m.points) || m.points.length === 0) {
    throw new FrameError(`${path}.points: expected at least one point`);
  }
  m.points.forEach((p, i) => {
    seqNumber(p.step, `${path}.points[${i}].step`, 0);
    nonEmpty(p.name, `${path}.points[${i}].name`);
    isNumber(p.value, `${path}.points[${i}].value`);
    isNumber(p.wallTime, `${path}.points[${i}].wallTime`);
  });
}

function checkTrialEvent(e: TrialEvent, path: string): void {
  nonEmpty(e.sweepId, `${path}.sweepId`);
  nonEmpty(e.trialId, `${path}.trialId`);
  seqNumber(e.seq, `${path}.seq`, 1);
  nonEmpty(e.status, `${path}.status`);
  isString(e.infoJson, `${path}.infoJson`);
  if (e.infoJson !== '') {
    let info: unknown;
    try {
      info = JSON.parse(e.infoJson);
    } catch {
      throw new FrameError(`${path}.infoJson: expected JSON object text, got ${JSON.stringify(e.infoJson.slice(0, 40))}`);
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
      isString(f.hello.token, `${p}.hello.token`);
      nonEmpty(f.hello.workerId, `${p}.hello.workerId`);
      return;
    case 'metrics':
      return checkMetricFrame(f.metrics, `${p}.metrics`);
    case 'event':
      return checkTrialEvent(f.event, `${p}.event`);
    case 'subscribe':
      return isString(f.subscribe.sweepId, `${p}.subscribe.sweepId`);
    case 'open':
      nonEmpty(f.open.sweepId, `${p}.open.sweepId`);
      nonEmpty(f.open.trialId, `${p}.open.trialId`);
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
      return nonEmpty(u.fitJson, `${path}.fitJson`);
    case 'sweepJson':
      return nonEmpty(u.sweepJson, `${path}.sweepJson`);
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
      return nonEmpty(f.error.message, `${p}.error.message`);
    default:
      throw missingBody(`${p}.body`, 'ack, update, error');
  }
}
