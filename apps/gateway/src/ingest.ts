/**
 * Websocket endpoint /ws. Trainers: Hello{token} first, then OpenTrial / MetricFrame / TrialEvent,
 * each answered with Ack{highest contiguous seq}. Consoles: Subscribe{sweepId}, no token. A
 * malformed frame gets an Error frame; the connection (and the gateway) carry on.
 */
import type { Store } from '@slab/store';
import { type ClientFrame, decodeClientFrame, encodeServerFrame, FrameError, type LiveUpdate, type ServerFrame } from '@slab/proto';
import WebSocket from 'ws';
import { tokenMatches } from './http';
import type { LiveHub } from './hub';

/** Close code for a policy violation (bad token, frames before Hello). */
const POLICY_VIOLATION = 1008;

export interface IngestDeps {
  store: Store;
  hub: LiveHub;
  token: string;
  log: (message: string) => void;
  /** sweepJson updates describing the current state of one sweep ('' = every sweep). */
  snapshot: (sweepId: string) => LiveUpdate[];
}

function toBytes(data: WebSocket.RawData): Uint8Array {
  if (Array.isArray(data)) return Buffer.concat(data);
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  return data;
}

export function handleConnection(ws: WebSocket, deps: IngestDeps): void {
  let workerId: string | undefined;

  const send = (frame: ServerFrame): void => {
    if (ws.readyState === WebSocket.OPEN) ws.send(encodeServerFrame(frame));
  };
  const fail = (message: string, close: boolean): void => {
    send({ kind: 'error', error: { message } });
    if (close) ws.close(POLICY_VIOLATION, message.slice(0, 120));
  };

  ws.on('message', (data, isBinary) => {
    if (!isBinary) return fail('expected binary protobuf ClientFrame messages, got text', false);
    let frame: ClientFrame;
    try {
      frame = decodeClientFrame(toBytes(data));
    } catch (err) {
      const message = err instanceof FrameError ? err.message : `malformed frame: ${String(err)}`;
      deps.log(`ws: rejected frame${workerId ? ` from ${workerId}` : ''}: ${message}`);
      return fail(message, false);
    }
    try {
      handleFrame(frame);
    } catch (err) {
      deps.log(`ws: failed to store a ${frame.kind} frame: ${String(err)}`);
      fail(`gateway could not store the ${frame.kind} frame: ${err instanceof Error ? err.message : String(err)}`, false);
    }
  });

  function handleFrame(frame: ClientFrame): void {
    switch (frame.kind) {
      case 'subscribe':
        deps.hub.subscribe(ws, frame.subscribe.sweepId);
        // Current state first, so a console needs no REST round trip to start drawing.
        for (const update of deps.snapshot(frame.subscribe.sweepId)) send({ kind: 'update', update });
        return;
      case 'hello':
        if (!tokenMatches(frame.hello.token, deps.token)) return fail('hello.token: token is not valid', true);
        workerId = frame.hello.workerId;
        return;
      default:
        break;
    }
    if (workerId === undefined) return fail(`${frame.kind}: send Hello with a valid token first`, true);
    const { store, hub } = deps;
    switch (frame.kind) {
      case 'open': {
        const seq = store.lastContiguousSeq(frame.open.trialId);
        return send({ kind: 'ack', ack: { trialId: frame.open.trialId, seq } });
      }
      case 'metrics': {
        const m = frame.metrics;
        const res = store.appendFrame(m);
        send({ kind: 'ack', ack: { trialId: m.trialId, seq: res.lastSeq } });
        if (res.stored && res.newPoints.length > 0) {
          hub.publish({ sweepId: m.sweepId, kind: 'metrics', metrics: { ...m, points: res.newPoints } });
        }
        return;
      }
      case 'event': {
        const e = frame.event;
        const res = store.appendEvent(e);
        send({ kind: 'ack', ack: { trialId: e.trialId, seq: res.lastSeq } });
        if (res.stored) hub.publish({ sweepId: e.sweepId, kind: 'event', event: e });
        return;
      }
    }
  }
}
