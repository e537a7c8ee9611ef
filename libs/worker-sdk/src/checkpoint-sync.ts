/**
 * Where a trial's checkpoints go besides the worker's own disk: the gateway's blob store
 * (PUT/GET /api/sweeps/:id/trials/:trialId/checkpoint, ingest credential), so that a retry
 * scheduled on another node resumes from the last checkpoint any node took.
 */

export interface TrialRef {
  sweepId: string;
  trialId: string;
}

export interface RemoteCheckpoint {
  step: number;
  /** The attempt that uploaded it. */
  attempt: number;
  /** A checkpoint archive (checkpoint-archive.ts). */
  archive: Uint8Array;
}

/** What the runTrial activity needs of a shared checkpoint store. */
export interface CheckpointStoreLike {
  /**
   * Uploads the archive of a checkpoint taken at `step` by `attempt`. Resolves whether it was kept
   * (false: the store already holds one at least as new).
   * @throws Error with the store's reason (a superseded attempt, a checkpoint too large, no connection)
   */
  push(ref: TrialRef & { attempt: number }, step: number, archive: Uint8Array): Promise<boolean>;
  /** The newest checkpoint with a step above `afterStep`, if the store holds one. */
  pull(ref: TrialRef, afterStep: number): Promise<RemoteCheckpoint | undefined>;
}

export interface GatewayCheckpointsOptions {
  /** Gateway base URL, e.g. `http://10.0.0.5:7300` (a `ws://…/ws` URL is accepted and converted). */
  url: string;
  /** A token with the ingest scope. */
  token: string;
  /** Per request (default 120 s: checkpoints of large models take a while to move). */
  timeoutMs?: number;
}

/** Base HTTP URL of a gateway given its HTTP or websocket URL. */
export function gatewayHttpUrl(url: string): string {
  const u = new URL(url);
  if (u.protocol === 'ws:') u.protocol = 'http:';
  else if (u.protocol === 'wss:') u.protocol = 'https:';
  else if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error(`url: expected an http(s) or ws(s) URL, got ${JSON.stringify(url)}`);
  u.pathname = u.pathname.replace(/\/ws\/?$/, '').replace(/\/$/, '');
  u.search = '';
  return u.toString().replace(/\/$/, '');
}

/** CheckpointStoreLike over the gateway's checkpoint endpoints. */
export class GatewayCheckpoints implements CheckpointStoreLike {
  private readonly base: string;
  private readonly timeoutMs: number;

  constructor(private readonly opts: GatewayCheckpointsOptions) {
    if (typeof opts.token !== 'string' || opts.token === '') throw new Error('GatewayCheckpoints: token: expected a non-empty string');
    this.base = gatewayHttpUrl(opts.url);
    this.timeoutMs = opts.timeoutMs ?? 120_000;
  }

  private path(ref: TrialRef): string {
    return `${this.base}/api/sweeps/${encodeURIComponent(ref.sweepId)}/trials/${encodeURIComponent(ref.trialId)}/checkpoint`;
  }

  async push(ref: TrialRef & { attempt: number }, step: number, archive: Uint8Array): Promise<boolean> {
    const res = await fetch(`${this.path(ref)}?step=${step}&attempt=${ref.attempt}`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${this.opts.token}`, 'content-type': 'application/octet-stream' },
      // Node's fetch takes any Uint8Array; the DOM typing wants one over a plain ArrayBuffer.
      body: archive as Uint8Array<ArrayBuffer>,
      signal: AbortSignal.timeout(this.timeoutMs),
    });
    if (res.status !== 200 && res.status !== 201) throw await failure(res, 'upload');
    const body = (await res.json()) as { stored?: boolean };
    return body.stored === true;
  }

  async pull(ref: TrialRef, afterStep: number): Promise<RemoteCheckpoint | undefined> {
    const res = await fetch(`${this.path(ref)}?afterStep=${Math.max(-1, Math.floor(afterStep))}`, {
      headers: { authorization: `Bearer ${this.opts.token}` },
      signal: AbortSignal.timeout(this.timeoutMs),
    });
    if (res.status === 204) return undefined;
    if (res.status !== 200) throw await failure(res, 'download');
    const step = Number(res.headers.get('x-slab-step'));
    const attempt = Number(res.headers.get('x-slab-attempt'));
    if (!Number.isSafeInteger(step) || !Number.isSafeInteger(attempt)) throw new Error('checkpoint download: expected x-slab-step and x-slab-attempt headers');
    return { step, attempt, archive: new Uint8Array(await res.arrayBuffer()) };
  }
}

async function failure(res: Response, what: string): Promise<Error> {
  let reason = res.statusText;
  try {
    reason = ((await res.json()) as { error?: string }).error ?? reason;
  } catch {
    // not JSON: keep the status text
  }
  return new Error(`checkpoint ${what}: gateway answered ${res.status}: ${reason}`);
}
