/**
 * Bounds on the work one peer can make the gateway do. Every websocket message is size-checked
 * before it is decoded, and a peer that exceeds a bound is closed with an RFC 6455 code rather than
 * buffered, decoded or answered without end.
 */

export interface GatewayLimits {
  /** Largest websocket message from an authenticated trainer, bytes (default 1 MiB; a 500-point frame is ~20 KB). */
  maxFrameBytes: number;
  /** Largest message before a valid Hello, bytes (default 4 KiB: only Hello and Subscribe are read then). */
  maxUnauthenticatedBytes: number;
  /** Websocket connections open at once; more are refused with HTTP 503 (default 1024). */
  maxConnections: number;
  /** Sweeps one connection may subscribe to (default 64). */
  maxSubscriptions: number;
  /** Subscribe frames one connection may send in a burst (default 20) ... */
  subscribeBurst: number;
  /** ... and per second after that (default 5); a faster peer is closed with 1008. */
  subscribePerSecond: number;
  /** Bytes queued to one subscriber before it is dropped with 1013 (default 16 MiB). */
  maxBufferedBytes: number;
  /** Frames one connection may get refused before it is closed with 1008 (default 100). */
  maxRejectedFrames: number;
  /** A connection that neither authenticates nor subscribes in this time is closed with 1008, ms (default 10000). */
  handshakeTimeoutMs: number;
  /** Every connection is pinged this often; one that did not answer the previous ping is dropped, ms (default 30000). */
  pingIntervalMs: number;
  /** Largest trial checkpoint a worker may upload, bytes (default 1 GiB). */
  maxCheckpointBytes: number;
  /** Rows read from the store per page when a metrics answer is streamed (default 5000). */
  metricsPageRows: number;
  /** How long a status read waits for the orchestrator before answering from the store, ms (default 5000). */
  statusTimeoutMs: number;
  /** How long pause/resume/cancel wait for the orchestrator before answering 504, ms (default 15000). */
  controlTimeoutMs: number;
}

export const DEFAULT_LIMITS: Readonly<GatewayLimits> = {
  maxFrameBytes: 1024 * 1024,
  maxUnauthenticatedBytes: 4 * 1024,
  maxConnections: 1024,
  maxSubscriptions: 64,
  subscribeBurst: 20,
  subscribePerSecond: 5,
  maxBufferedBytes: 16 * 1024 * 1024,
  maxRejectedFrames: 100,
  handshakeTimeoutMs: 10_000,
  pingIntervalMs: 30_000,
  maxCheckpointBytes: 1024 * 1024 * 1024,
  metricsPageRows: 5000,
  statusTimeoutMs: 5000,
  controlTimeoutMs: 15_000,
};

/** Defaults overlaid with `given`; throws naming the first field that is not a positive integer. */
export function resolveLimits(given: Partial<GatewayLimits> = {}): GatewayLimits {
  const limits = { ...DEFAULT_LIMITS };
  for (const [key, value] of Object.entries(given)) {
    if (!(key in DEFAULT_LIMITS)) throw new Error(`startGateway: limits.${key}: unknown limit (known: ${Object.keys(DEFAULT_LIMITS).join(', ')})`);
    if (value === undefined) continue;
    if (!Number.isSafeInteger(value) || (value as number) < 1) throw new Error(`startGateway: limits.${key}: expected a positive integer, got ${String(value)}`);
    limits[key as keyof GatewayLimits] = value as number;
  }
  return limits;
}

/** Thrown by `withDeadline` when the promise did not settle in time. */
export class DeadlineExceeded extends Error {
  override readonly name = 'DeadlineExceeded';
}

/** `promise`, or a DeadlineExceeded rejection after `ms` (the promise itself is not cancelled). */
export function withDeadline<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new DeadlineExceeded(`${what}: no answer from the orchestrator within ${ms} ms`)), ms);
  });
  return Promise.race([promise, deadline]).finally(() => clearTimeout(timer));
}

/** RFC 6455 close codes the gateway uses. */
export const CloseCode = {
  /** A frame type the endpoint does not accept (text where protobuf is expected). */
  unsupportedData: 1003,
  /** A message whose payload cannot be decoded. */
  invalidPayload: 1007,
  /** Bad or missing credentials, or a peer that broke a rate limit. */
  policyViolation: 1008,
  /** A message over the size limit. */
  messageTooBig: 1009,
  /** The gateway failed in a way the peer did not cause. */
  internalError: 1011,
  /** A subscriber too slow to keep up. */
  tryAgainLater: 1013,
} as const;

/** Token bucket: `take()` is false once the burst is spent faster than the refill rate. */
export class RateLimit {
  private tokens: number;
  private last = Date.now();

  constructor(
    private readonly burst: number,
    private readonly perSecond: number,
  ) {
    this.tokens = burst;
  }

  take(): boolean {
    const now = Date.now();
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) / 1000) * this.perSecond);
    this.last = now;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}
