/**
 * MetricEmitter: streams a trainer's metric points and trial events to the gateway over one
 * websocket, as sequenced protobuf frames (libs/proto).
 *
 * - Per trial: OpenTrial → Ack{last contiguous seq stored}; frames are numbered from there, so
 *   sequence numbers stay contiguous across attempts and worker restarts.
 * - Each stream carries its attempt number as a fencing token, on OpenTrial and on every frame. When
 *   the gateway refuses a stream for good (a newer attempt owns the trial, the trial belongs to
 *   another sweep, a seq was stored with other content) the stream stops: its unacked frames are
 *   dropped, `flush()` rejects with the gateway's message and `refusal` says why.
 * - The token travels in the upgrade's Authorization header (checked before any frame is read) and
 *   again in Hello, which names the worker.
 * - Points are batched into frames (every `batchMs` or `maxBatch` points); every frame is kept
 *   until the gateway acks it and is resent after a reconnect (exponential backoff).
 * - `point`/`event` never throw and never wait: bad input and socket trouble are logged.
 */
import { type ClientFrame, decodeServerFrame, encodeClientFrame, type ErrorCode, type MetricPoint } from '@slab/proto';
import WebSocket from 'ws';

export interface MetricEmitterOptions {
  /** Gateway websocket url, e.g. `ws://127.0.0.1:7300/ws`. */
  url: string;
  token: string;
  workerId: string;
  /** Longest a point waits before its frame is sent (default 200 ms). */
  batchMs?: number;
  /** Points per frame (default 500). */
  maxBatch?: number;
  /** Reconnect backoff bounds (defaults 100 ms .. 5 s). */
  minBackoffMs?: number;
  maxBackoffMs?: number;
  /**
   * A connection that leaves frames unacked this long (dead peer, a frame the gateway could not
   * store) is dropped and re-established, which resends everything unacked (default 15 s).
   */
  ackTimeoutMs?: number;
  /** Where problems are reported (default: stderr). */
  log?: (message: string) => void;
}

export interface TrialStream {
  readonly trialId: string;
  /** Record one metric value (NaN/inf allowed). Never throws, never blocks. */
  point(step: number, name: string, value: number): void;
  /** Record a lifecycle event (`running`, `completed`, ...) with a JSON-able info object. */
  event(status: string, info: object): void;
  /** Sends what is batched and resolves once the gateway acked everything; rejects after timeoutMs. */
  flush(timeoutMs?: number): Promise<void>;
  /** Frames numbered but not yet acked (for progress logs and tests). */
  readonly unacked: number;
  /** The attempt (fencing token) this stream writes as; 0: unfenced. */
  readonly attempt: number;
  /** Set once the gateway refused the stream for good; nothing more is sent. */
  readonly refusal: { code: ErrorCode; message: string } | undefined;
}

/** Refusals no resend can fix: the stream stops (the others are retried after a reconnect). */
const FINAL_REFUSALS: ReadonlySet<string> = new Set<ErrorCode>(['superseded', 'foreign-trial', 'unknown-sweep', 'seq-conflict']);

type Item = { kind: 'metrics'; points: MetricPoint[] } | { kind: 'event'; status: string; infoJson: string; wallTime: number };

const nowSeconds = (): number => Date.now() / 1000;

class Stream implements TrialStream {
  /** Next seq to assign; undefined until the gateway told us where this trial stands. */
  private nextSeq: number | undefined;
  private batch: MetricPoint[] = [];
  private batchTimer: ReturnType<typeof setTimeout> | undefined;
  /** Items waiting for a seq number (only before the first Ack of this trial). */
  private readonly queue: Item[] = [];
  /** seq -> encoded frame, in increasing seq order. */
  private readonly pending = new Map<number, Uint8Array>();
  /** Per connection: OpenTrial sent and its Ack received. */
  private phase: 'closed' | 'opening' | 'open' = 'closed';
  /** When the oldest unanswered frame or OpenTrial went out (0: nothing outstanding). */
  private waitingSince = 0;
  private waiters: { resolve: () => void; reject: (e: Error) => void; timer: ReturnType<typeof setTimeout> }[] = [];
  refusal: { code: ErrorCode; message: string } | undefined;

  constructor(
    readonly sweepId: string,
    readonly trialId: string,
    readonly attempt: number,
    private readonly emitter: MetricEmitter,
    private readonly opts: { batchMs: number; maxBatch: number; log: (m: string) => void },
  ) {}

  get unacked(): number {
    return this.pending.size + this.queue.length + (this.batch.length > 0 ? 1 : 0);
  }

  point(step: number, name: string, value: number): void {
    if (this.refusal) return;
    if (!Number.isSafeInteger(step) || step < 0 || typeof name !== 'string' || name === '' || typeof value !== 'number') {
      this.opts.log(`emitter: dropped point of ${this.trialId}: expected (step >= 0 integer, non-empty name, number), got (${step}, ${JSON.stringify(name)}, ${value})`);
      return;
    }
    this.batch.push({ step, name, value, wallTime: nowSeconds() });
    if (this.batch.length >= this.opts.maxBatch) this.cut();
    else this.batchTimer ??= setTimeout(() => this.cut(), this.opts.batchMs);
  }

  event(status: string, info: object): void {
    if (this.refusal) return;
    let infoJson: string;
    try {
      infoJson = JSON.stringify(info ?? {});
    } catch (err) {
      infoJson = JSON.stringify({ error: `info not serialisable: ${String(err)}` });
    }
    if (typeof status !== 'string' || status === '') {
      this.opts.log(`emitter: dropped event of ${this.trialId}: status: expected a non-empty string`);
      return;
    }
    this.cut(); // keep points emitted before the event ahead of it
    this.queue.push({ kind: 'event', status, infoJson, wallTime: nowSeconds() });
    this.pump();
  }

  flush(timeoutMs = 30_000): Promise<void> {
    if (this.refusal) return Promise.reject(new Error(this.refusal.message));
    this.cut();
    if (this.unacked === 0) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const waiter = {
        resolve,
        reject,
        timer: setTimeout(() => {
          this.waiters = this.waiters.filter((w) => w !== waiter);
          reject(new Error(`flush: ${this.unacked} frame(s) of trial ${this.trialId} not acked after ${timeoutMs} ms`));
        }, timeoutMs),
      };
      this.waiters.push(waiter);
    });
  }

  // --- called by MetricEmitter -------------------------------------------------------------

  /** The socket is ready: open the trial if it has anything to send or no base seq yet. */
  onConnected(): void {
    if (this.nextSeq === undefined || this.unacked > 0) this.open();
  }

  onDisconnected(): void {
    this.phase = 'closed';
    this.waitingSince = 0;
  }

  /** True when the gateway has owed us an ack for longer than `timeoutMs`. */
  stalled(now: number, timeoutMs: number): boolean {
    return this.waitingSince > 0 && now - this.waitingSince > timeoutMs;
  }

  onAck(seq: number): void {
    for (const s of this.pending.keys()) {
      if (s > seq) break;
      this.pending.delete(s);
    }
    this.waitingSince = this.pending.size > 0 ? Date.now() : 0;
    if (this.phase === 'opening') {
      // The first Ack after OpenTrial on this connection says where the gateway stands.
      this.phase = 'open';
      if (this.nextSeq === undefined || this.nextSeq <= seq) this.nextSeq = seq + 1;
      for (const bytes of this.pending.values()) this.emitter.send(bytes);
      this.pump();
    }
    this.settle();
  }

  /** The gateway refused this stream for good: stop sending, drop what is unacked, tell the waiters. */
  refuse(code: ErrorCode, message: string): void {
    if (this.refusal) return;
    this.refusal = { code, message };
    this.opts.log(`emitter: trial ${this.trialId} attempt ${this.attempt}: ${message}; its unacked metrics are dropped`);
    this.batch = [];
    this.queue.length = 0;
    this.pending.clear();
    this.waitingSince = 0;
    this.phase = 'closed';
    this.rejectWaiters(new Error(message));
  }

  rejectWaiters(error: Error): void {
    for (const w of this.waiters) {
      clearTimeout(w.timer);
      w.reject(error);
    }
    this.waiters = [];
    clearTimeout(this.batchTimer);
    this.batchTimer = undefined;
  }

  // --- internals ---------------------------------------------------------------------------

  private open(): void {
    if (this.refusal || this.phase !== 'closed' || !this.emitter.ready) return;
    this.phase = 'opening';
    this.waitingSince = Date.now();
    this.emitter.send(encodeClientFrame({ kind: 'open', open: { sweepId: this.sweepId, trialId: this.trialId, ...this.fence } }));
  }

  /** The attempt field of every message of this stream (absent when unfenced). */
  private get fence(): { attempt?: number } {
    return this.attempt > 0 ? { attempt: this.attempt } : {};
  }

  private cut(): void {
    clearTimeout(this.batchTimer);
    this.batchTimer = undefined;
    if (this.batch.length === 0) return;
    this.queue.push({ kind: 'metrics', points: this.batch });
    this.batch = [];
    this.pump();
  }

  /** Numbers queued items (once the base seq is known) and sends them on an open trial. */
  private pump(): void {
    if (this.nextSeq === undefined) {
      this.open();
      return;
    }
    while (this.queue.length > 0) {
      const item = this.queue.shift() as Item;
      const seq: number = this.nextSeq;
      const frame: ClientFrame =
        item.kind === 'metrics'
          ? { kind: 'metrics', metrics: { sweepId: this.sweepId, trialId: this.trialId, seq, points: item.points, ...this.fence } }
          : { kind: 'event', event: { sweepId: this.sweepId, trialId: this.trialId, seq, status: item.status, infoJson: item.infoJson, wallTime: item.wallTime, ...this.fence } };
      let bytes: Uint8Array;
      try {
        bytes = encodeClientFrame(frame);
      } catch (err) {
        this.opts.log(`emitter: dropped a ${item.kind} frame of ${this.trialId}: ${String(err)}`);
        continue;
      }
      this.nextSeq = seq + 1;
      this.pending.set(seq, bytes);
      if (this.phase === 'open') {
        if (this.waitingSince === 0) this.waitingSince = Date.now();
        this.emitter.send(bytes);
      }
    }
    if (this.phase === 'closed' && this.pending.size > 0) this.open();
  }

  private settle(): void {
    if (this.refusal || this.unacked > 0) return;
    for (const w of this.waiters) {
      clearTimeout(w.timer);
      w.resolve();
    }
    this.waiters = [];
  }
}

export class MetricEmitter {
  private ws: WebSocket | undefined;
  /** Hello sent on an open socket. */
  private helloSent = false;
  private closed = false;
  private attempt = 0;
  private reconnectTimer: ReturnType<typeof setTimeout> | undefined;
  private readonly stallTimer: ReturnType<typeof setInterval>;
  private readonly trials = new Map<string, Stream>();
  private readonly opts: Required<Omit<MetricEmitterOptions, 'log'>> & { log: (m: string) => void };

  constructor(options: MetricEmitterOptions) {
    for (const key of ['url', 'token', 'workerId'] as const) {
      if (typeof options[key] !== 'string' || options[key] === '') throw new Error(`MetricEmitter: ${key}: expected a non-empty string`);
    }
    this.opts = {
      batchMs: 200,
      maxBatch: 500,
      minBackoffMs: 100,
      maxBackoffMs: 5_000,
      ackTimeoutMs: 15_000,
      log: (m: string): void => void process.stderr.write(`${m}\n`),
      url: options.url,
      token: options.token,
      workerId: options.workerId,
      // an option passed as undefined keeps its default
      ...Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)),
    } as MetricEmitter['opts'];
    for (const key of ['batchMs', 'maxBatch', 'minBackoffMs', 'maxBackoffMs', 'ackTimeoutMs'] as const) {
      const v = this.opts[key];
      if (typeof v !== 'number' || !(v > 0)) throw new Error(`MetricEmitter: ${key}: expected a positive number, got ${String(v)}`);
    }
    this.connect();
    // unref: the check alone never keeps a worker process alive.
    this.stallTimer = setInterval(() => this.checkStalls(), Math.max(50, this.opts.ackTimeoutMs / 3));
    this.stallTimer.unref();
  }

  /**
   * The stream of one attempt of a trial. Opening the same trial and attempt again returns the same
   * stream; a newer attempt replaces an older one in this process (whose unacked frames are dropped:
   * the gateway would refuse them), and an older attempt than the current one gets a refused stream.
   * @param attempt the runTrial activity's attempt number (1, 2, ...), the gateway's fencing token;
   *   0 (default) writes unfenced.
   */
  openTrial(sweepId: string, trialId: string, attempt = 0): TrialStream {
    if (!Number.isInteger(attempt) || attempt < 0) throw new Error(`MetricEmitter.openTrial: attempt: expected an integer >= 0, got ${String(attempt)}`);
    const existing = this.trials.get(trialId);
    if (existing && existing.attempt === attempt) return existing;
    const stream = new Stream(sweepId, trialId, attempt, this, { batchMs: this.opts.batchMs, maxBatch: this.opts.maxBatch, log: this.opts.log });
    if (existing && existing.attempt > attempt) {
      stream.refuse('superseded', `open.attempt: attempt ${attempt} of trial ${JSON.stringify(trialId)} was superseded by attempt ${existing.attempt}`);
      return stream;
    }
    existing?.refuse('superseded', `open.attempt: attempt ${existing.attempt} of trial ${JSON.stringify(trialId)} was superseded by attempt ${attempt}`);
    this.trials.set(trialId, stream);
    if (this.ready) stream.onConnected();
    return stream;
  }

  /**
   * Forgets a finished trial's stream once the gateway acked everything it sent, so a long-lived worker
   * does not keep one stream per trial it ever ran. A stream with unacked frames stays (they are resent
   * after a reconnect); a newer stream of the same trial is left alone. Returns whether it was released.
   */
  release(stream: object): boolean {
    const s = stream as Partial<TrialStream>;
    if (typeof s.trialId !== 'string' || this.trials.get(s.trialId) !== stream || (s.unacked ?? 0) > 0) return false;
    this.trials.delete(s.trialId);
    return true;
  }

  /** Streams this emitter holds (open trials and finished ones still waiting for acks). */
  get openTrials(): number {
    return this.trials.size;
  }

  /** Stops reconnecting and closes the socket. Call `flush()` on the streams first to wait for acks. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearTimeout(this.reconnectTimer);
    clearInterval(this.stallTimer);
    for (const t of this.trials.values()) t.rejectWaiters(new Error('emitter closed before everything was acked'));
    const ws = this.ws;
    if (!ws || ws.readyState === WebSocket.CLOSED) return;
    await new Promise<void>((resolve) => {
      ws.once('close', () => resolve());
      if (ws.readyState === WebSocket.CONNECTING) ws.terminate();
      else ws.close(1000, 'emitter closed');
    });
  }

  /** @internal socket open and Hello sent. */
  get ready(): boolean {
    return this.helloSent && this.ws?.readyState === WebSocket.OPEN;
  }

  /** @internal */
  send(bytes: Uint8Array): void {
    if (this.ready) this.ws?.send(bytes);
  }

  private connect(): void {
    if (this.closed) return;
    // Authenticated at the upgrade, so the gateway reads our frames at full size from the first one.
    const ws = new WebSocket(this.opts.url, { headers: { authorization: `Bearer ${this.opts.token}` } });
    this.ws = ws;
    ws.binaryType = 'nodebuffer';
    ws.on('open', () => {
      ws.send(encodeClientFrame({ kind: 'hello', hello: { token: this.opts.token, workerId: this.opts.workerId } }));
      this.helloSent = true;
      this.attempt = 0;
      for (const t of this.trials.values()) t.onConnected();
    });
    ws.on('message', (data: Buffer) => this.onMessage(data));
    ws.on('error', (err) => {
      if (this.attempt <= 1) this.opts.log(`emitter: websocket ${this.opts.url}: ${err.message}`);
    });
    ws.on('close', () => {
      this.helloSent = false;
      if (this.ws === ws) this.ws = undefined;
      for (const t of this.trials.values()) t.onDisconnected();
      this.scheduleReconnect();
    });
  }

  private checkStalls(): void {
    const now = Date.now();
    for (const t of this.trials.values()) {
      if (t.stalled(now, this.opts.ackTimeoutMs)) {
        this.opts.log(`emitter: no ack for ${t.trialId} in ${this.opts.ackTimeoutMs} ms; reconnecting to resend`);
        this.ws?.terminate();
        return;
      }
    }
  }

  private scheduleReconnect(): void {
    if (this.closed) return;
    const base = Math.min(this.opts.maxBackoffMs, this.opts.minBackoffMs * 2 ** this.attempt);
    this.attempt++;
    const delay = base * (0.5 + Math.random() * 0.5); // jitter: workers do not reconnect in lockstep
    this.reconnectTimer = setTimeout(() => this.connect(), delay);
  }

  private onMessage(data: Buffer): void {
    let frame;
    try {
      frame = decodeServerFrame(data);
    } catch (err) {
      this.opts.log(`emitter: ignored a malformed server frame: ${String(err)}`);
      return;
    }
    if (frame.kind === 'ack') {
      this.trials.get(frame.ack.trialId)?.onAck(frame.ack.seq);
    } else if (frame.kind === 'error') {
      const { code, trialId, message, attempt = 0 } = frame.error;
      const stream = trialId ? this.trials.get(trialId) : undefined;
      // A late refusal of an older attempt's frame must not stop the attempt that replaced it.
      if (stream && stream.attempt === attempt && code && FINAL_REFUSALS.has(code)) stream.refuse(code, message);
      else this.opts.log(`emitter: gateway error: ${message}`);
    }
  }
}
