/**
 * Websocket endpoint /ws. Trainers authenticate (an `Authorization: Bearer` header on the upgrade,
 * or Hello{token} as the first frame), then send OpenTrial / MetricFrame / TrialEvent, each answered
 * with Ack{highest contiguous seq} once the write has committed, or with Error{code, trialId} when
 * it is not stored. A trial's frames are stored one after another in arrival order (TrialQueue);
 * different trials are stored concurrently. Consoles send Subscribe{sweepId}, no token.
 *
 * Every message is size-checked before it is decoded: before authentication only small frames
 * (Hello, Subscribe) are read at all. Protocol faults close the socket with an RFC 6455 code; none
 * reaches the process.
 */
import { type ClientFrame, decodeClientFrame, encodeServerFrame, type ErrorCode, FrameError, type LiveUpdate, type ServerFrame } from '@slab/proto';
import type { MetricFrame, OpenTrial, TrialEvent } from '@slab/proto';
import { IngestRefused, type Store } from '@slab/store';
import WebSocket from 'ws';
import type { Auth, Scope } from './auth';
import type { LiveHub } from './hub';
import { CloseCode, type GatewayLimits, RateLimit } from './limits';
import type { TrialQueue } from './trial-queue';

export interface IngestDeps {
  store: Store;
  hub: LiveHub;
  auth: Auth;
  limits: GatewayLimits;
  log: (message: string) => void;
  /** sweepJson updates describing the current state of one sweep ('' = every sweep). */
  snapshot: (sweepId: string) => Promise<LiveUpdate[]>;
  /** Orders the store writes of each trial, across every connection of this gateway. */
  queue: TrialQueue;
}

export interface ConnectionInfo {
  /** Scopes of the upgrade request's bearer token or session cookie (empty: none). */
  scopes: Set<Scope>;
  /** For log lines: the peer's address. */
  peer: string;
}

function toBytes(data: WebSocket.RawData): Uint8Array {
  if (Array.isArray(data)) return Buffer.concat(data);
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  return data;
}

export function handleConnection(ws: WebSocket, deps: IngestDeps, conn: ConnectionInfo): void {
  const { limits, log } = deps;
  let scopes = conn.scopes;
  // Authenticated peers may send full-size frames; everyone else only Hello and Subscribe.
  let authenticated = scopes.size > 0;
  let workerId: string | undefined = scopes.has('ingest') ? `${conn.peer} (header token)` : undefined;
  let rejected = 0;
  const subscribeRate = new RateLimit(limits.subscribeBurst, limits.subscribePerSecond);
  const who = (): string => workerId ?? conn.peer;

  // Without a listener ws's 'error' (bad opcode, unmasked frame, bad UTF-8, oversize) is thrown
  // out of the event loop and kills the process. ws has already closed the socket with the
  // matching code (1002, 1007, 1009) when this runs.
  ws.on('error', (err) => log(`ws ${who()}: ${err.message}`));

  const send = (frame: ServerFrame): void => {
    if (ws.readyState === WebSocket.OPEN) ws.send(encodeServerFrame(frame));
  };
  const close = (code: number, reason: string): void => {
    // Close reasons are limited to 123 bytes.
    ws.close(code, Buffer.from(reason).subarray(0, 120).toString());
  };
  /** Answers a frame that was not stored; too many refusals on one connection close it. */
  const refuse = (code: ErrorCode, message: string, trialId?: string, attempt?: number): void => {
    send({ kind: 'error', error: { message, code, ...(trialId ? { trialId } : {}), ...(attempt ? { attempt } : {}) } });
    if (++rejected >= limits.maxRejectedFrames) close(CloseCode.policyViolation, `more than ${limits.maxRejectedFrames} refused frames`);
  };

  // Idle sockets hold a connection slot: one that says nothing useful in time is closed, and one
  // whose peer vanished (no pong to the last ping) is dropped.
  let subscribed = false;
  let subscriptions: Promise<void> = Promise.resolve();
  const handshake = setTimeout(() => {
    if (!authenticated && !subscribed) close(CloseCode.policyViolation, `no Hello or Subscribe within ${limits.handshakeTimeoutMs} ms`);
  }, limits.handshakeTimeoutMs);
  let alive = true;
  ws.on('pong', () => (alive = true));
  const pinger = setInterval(() => {
    if (!alive) return ws.terminate();
    alive = false;
    ws.ping();
  }, limits.pingIntervalMs);
  ws.once('close', () => {
    clearTimeout(handshake);
    clearInterval(pinger);
  });

  // Whatever goes wrong with one message is this connection's problem, never the process's: a
  // throw out of a ws listener, or a rejected promise nobody awaits, would end the process.
  const internalError = (err: unknown): void => {
    log(`ws ${who()}: internal error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    if (ws.readyState === WebSocket.OPEN) ws.close(CloseCode.internalError, 'internal error');
  };
  ws.on('message', (data, isBinary) => {
    try {
      onMessage(data, isBinary);
    } catch (err) {
      internalError(err);
    }
  });

  function onMessage(data: WebSocket.RawData, isBinary: boolean): void {
    const bytes = toBytes(data);
    if (!authenticated && bytes.length > limits.maxUnauthenticatedBytes) {
      return close(CloseCode.messageTooBig, `at most ${limits.maxUnauthenticatedBytes} bytes before Hello`);
    }
    if (!isBinary) {
      if (!authenticated) return close(CloseCode.unsupportedData, 'expected binary protobuf ClientFrame messages');
      return refuse('invalid-frame', 'expected binary protobuf ClientFrame messages, got text');
    }
    let frame: ClientFrame;
    try {
      frame = decodeClientFrame(bytes);
    } catch (err) {
      const message = err instanceof FrameError ? err.message : `malformed frame: ${String(err)}`;
      log(`ws ${who()}: rejected frame: ${message}`);
      refuse('invalid-frame', message);
      if (!authenticated) close(CloseCode.invalidPayload, 'malformed frame before Hello');
      return;
    }
    handleFrame(frame);
  }

  /**
   * Stores one trial frame after the trial's earlier frames, then answers it: Ack once committed,
   * Error when refused or when the store failed (nothing acked, so the trainer resends).
   */
  function storeFrame(kind: 'open' | 'metrics' | 'event', body: OpenTrial | MetricFrame | TrialEvent, write: () => Promise<void>): void {
    deps.queue
      .run(body.trialId, async () => {
        try {
          await write();
        } catch (err) {
          if (err instanceof IngestRefused) {
            log(`ws ${who()}: refused a ${kind} frame: ${err.message}`);
            return refuse(err.code, err.message, err.trialId, err.attempt);
          }
          log(`ws ${who()}: failed to store a ${kind} frame: ${String(err)}`);
          refuse('store-failed', `gateway could not store the ${kind} frame: ${err instanceof Error ? err.message : String(err)}`, body.trialId, body.attempt);
        }
      })
      .catch(internalError);
  }

  function handleFrame(frame: ClientFrame): void {
    switch (frame.kind) {
      case 'subscribe':
        return subscribe(frame.subscribe.sweepId);
      case 'hello': {
        const helloScopes = deps.auth.scopesOfToken(frame.hello.token);
        if (!helloScopes) {
          send({ kind: 'error', error: { message: 'hello.token: token is not valid', code: 'unauthenticated' } });
          return close(CloseCode.policyViolation, 'hello.token: token is not valid');
        }
        scopes = new Set([...scopes, ...helloScopes]);
        authenticated = true;
        workerId = frame.hello.workerId;
        return;
      }
      default:
        break;
    }
    if (!scopes.has('ingest')) {
      const message = authenticated ? `${frame.kind}: this credential lacks the ingest scope` : `${frame.kind}: send Hello with a valid token first`;
      send({ kind: 'error', error: { message, code: 'unauthenticated' } });
      return close(CloseCode.policyViolation, message);
    }
    const { store, hub } = deps;
    switch (frame.kind) {
      case 'open': {
        const o = frame.open;
        return storeFrame('open', o, async () => {
          const seq = await store.openTrial(o);
          send({ kind: 'ack', ack: { trialId: o.trialId, seq } });
        });
      }
      case 'metrics': {
        const m = frame.metrics;
        return storeFrame('metrics', m, async () => {
          const res = await store.appendFrame(m);
          send({ kind: 'ack', ack: { trialId: m.trialId, seq: res.lastSeq } });
          if (res.stored && res.newPoints.length > 0) {
            hub.publish({ sweepId: m.sweepId, kind: 'metrics', metrics: { ...m, points: res.newPoints } });
          }
        });
      }
      case 'event': {
        const e = frame.event;
        return storeFrame('event', e, async () => {
          const res = await store.appendEvent(e);
          send({ kind: 'ack', ack: { trialId: e.trialId, seq: res.lastSeq } });
          if (res.stored) hub.publish({ sweepId: e.sweepId, kind: 'event', event: e });
        });
      }
    }
  }

  /**
   * Checks a Subscribe at once (a flood is closed without waiting for the store); its answer, the
   * snapshot or a refusal, is sent in order after the previous Subscribe's, as a console expects.
   */
  function subscribe(sweepId: string): void {
    if (!deps.auth.openReads && !scopes.has('read')) {
      send({ kind: 'error', error: { message: 'subscribe: this connection lacks the read scope', code: 'unauthenticated' } });
      return close(CloseCode.policyViolation, 'subscribe: read scope needed');
    }
    if (!subscribeRate.take()) {
      send({ kind: 'error', error: { message: `subscribe: more than ${limits.subscribePerSecond} per second`, code: 'rate-limited' } });
      return close(CloseCode.policyViolation, 'subscribe: rate limit exceeded');
    }
    if (!deps.hub.subscribe(ws, sweepId, limits.maxSubscriptions)) {
      return answerInOrder(async () => refuse('too-many', `subscribe.sweepId: at most ${limits.maxSubscriptions} subscriptions per connection`));
    }
    subscribed = true;
    // Current state next, so a console needs no REST round trip to start drawing. Each update
    // goes through the hub's backpressure check, like live updates. (Subscribed first: a live
    // update stored meanwhile is delivered, at worst before the snapshot, never lost.)
    answerInOrder(async () => {
      for (const update of await deps.snapshot(sweepId)) {
        if (!deps.hub.deliver(ws, encodeServerFrame({ kind: 'update', update }))) return;
      }
    });
  }

  function answerInOrder(answer: () => Promise<void>): void {
    subscriptions = subscriptions.then(() => (ws.readyState === WebSocket.OPEN ? answer() : undefined)).catch(internalError);
  }
}
