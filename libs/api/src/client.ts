/**
 * Client of the gateway REST API. Universal: it sends through global fetch unless given another
 * transport, and uses no Node built-ins, so the CLI (Node 20) and the console (browser) share it.
 */
// Type-only import of the agreed activity contracts (erased at run time); the contracts tag rule
// does not know about type-only edges, see the report to the lead.
import type { FitSummary, SweepReport } from '@slab/orchestration';
import type {
  CheckpointInfo,
  ControlAction,
  CreatedSweep,
  ErrorBody,
  ExportFormat,
  FitRow,
  SpecIssue,
  StudyAnswer,
  SweepDetail,
  SweepEventRow,
  SweepMetricRow,
  SweepRow,
  TrialMetricRow,
  TrialRow,
} from './types';

/** A failed request: HTTP status (0 when the gateway could not be reached) and the server's message. */
export class GatewayError extends Error {
  override readonly name = 'GatewayError';
  constructor(
    readonly status: number,
    message: string,
    readonly issues?: SpecIssue[],
  ) {
    super(message);
  }
}

/** The part of a fetch Response the client reads. */
export interface TransportResponse {
  readonly ok: boolean;
  readonly status: number;
  text(): Promise<string>;
}

/**
 * Sends one request; rejects (with the socket error as `cause`) when no answer came. Global fetch is
 * the default; the CLI passes a node:http one, since loading fetch (undici) costs a short-lived
 * process about 0.15 s of CPU.
 */
export type Transport = (url: string, init: { method: string; headers: Record<string, string>; body?: string }) => Promise<TransportResponse>;

export class GatewayClient {
  private readonly baseUrl: string;

  constructor(
    baseUrl: string,
    private readonly token?: string,
    private readonly transport: Transport = (url, init) => fetch(url, init),
  ) {
    this.baseUrl = baseUrl.replace(/\/+$/, '');
  }

  createSweep(specYaml: string): Promise<CreatedSweep> {
    return this.json('POST', '/api/sweeps', { spec: specYaml });
  }

  listSweeps(): Promise<SweepRow[]> {
    return this.json('GET', '/api/sweeps');
  }

  getSweep(id: string): Promise<SweepDetail> {
    return this.json('GET', `/api/sweeps/${enc(id)}`);
  }

  async control(id: string, action: ControlAction): Promise<void> {
    await this.json('POST', `/api/sweeps/${enc(id)}/${action}`);
  }

  async report(id: string, report: SweepReport): Promise<void> {
    await this.request('POST', `/api/sweeps/${enc(id)}/report`, report);
  }

  /** Stores a full fit report (bootstrap samples and all) and returns its id; the fitLaws activity calls it. */
  addFit(id: string, fit: { summary: FitSummary; report: unknown }): Promise<{ id: number }> {
    return this.json('POST', `/api/sweeps/${enc(id)}/fits`, fit);
  }

  trials(id: string): Promise<TrialRow[]> {
    return this.json('GET', `/api/sweeps/${enc(id)}/trials`);
  }

  fits(id: string): Promise<FitRow[]> {
    return this.json('GET', `/api/sweeps/${enc(id)}/fits`);
  }

  /**
   * The newest stored answer of the sweep's study (computed by the orchestrator after each batch);
   * `computedAt: null` when none is stored yet. 404 when the spec has no `study` section.
   */
  study(id: string): Promise<StudyAnswer> {
    return this.json('GET', `/api/sweeps/${enc(id)}/study`);
  }

  sweepMetrics(id: string, name?: string): Promise<SweepMetricRow[]> {
    return this.json('GET', `/api/sweeps/${enc(id)}/metrics${query({ name })}`);
  }

  trialMetrics(trialId: string, opts: { name?: string; afterStep?: number } = {}): Promise<TrialMetricRow[]> {
    return this.json('GET', `/api/trials/${enc(trialId)}/metrics${query(opts)}`);
  }

  /** Every trial's stored events (or one trial's), by trial id and seq. */
  sweepEvents(id: string, trialId?: string): Promise<SweepEventRow[]> {
    return this.json('GET', `/api/sweeps/${enc(id)}/events${query({ trial: trialId })}`);
  }

  /** The checkpoint the gateway holds for a running trial, or null (none yet, or the trial finished). */
  async checkpointInfo(id: string, trialId: string): Promise<CheckpointInfo | null> {
    const info = await this.json<{ checkpoint: CheckpointInfo | null }>('GET', `/api/sweeps/${enc(id)}/trials/${enc(trialId)}/checkpoint/info`);
    return info.checkpoint;
  }

  /** The export as text: CSV, or a JSON array of ExportRow. */
  async exportSweep(id: string, format: ExportFormat): Promise<string> {
    const res = await this.request('GET', `/api/sweeps/${enc(id)}/export${query({ format })}`);
    return res.text();
  }

  private async json<T>(method: string, path: string, body?: unknown): Promise<T> {
    const res = await this.request(method, path, body);
    const text = await res.text();
    if (text === '') return undefined as T;
    try {
      return JSON.parse(text) as T;
    } catch {
      throw new GatewayError(res.status, `${method} ${path}: expected a JSON answer, got ${JSON.stringify(text.slice(0, 80))}`);
    }
  }

  private async request(method: string, path: string, body?: unknown): Promise<TransportResponse> {
    const headers: Record<string, string> = {};
    if (this.token) headers.authorization = `Bearer ${this.token}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    const send = () => this.transport(this.baseUrl + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    let res: TransportResponse;
    try {
      res = await send();
    } catch (err) {
      // A keep-alive socket the server closed as we reused it resets the request; a GET is safe
      // to send once more on a fresh connection (anything else might already have taken effect).
      const retried = method === 'GET' && isConnectionReset(err) ? await send().catch((e: unknown) => e) : err;
      if (!isResponse(retried)) throw new GatewayError(0, `cannot reach the gateway at ${this.baseUrl}: ${causeOf(retried)}`);
      res = retried;
    }
    if (!res.ok) throw await toGatewayError(res, method, path);
    return res;
  }
}

function isResponse(x: unknown): x is TransportResponse {
  return typeof x === 'object' && x !== null && typeof (x as TransportResponse).status === 'number' && typeof (x as TransportResponse).text === 'function';
}

async function toGatewayError(res: TransportResponse, method: string, path: string): Promise<GatewayError> {
  const text = await res.text().catch(() => '');
  let parsed: Partial<ErrorBody> | undefined;
  try {
    parsed = JSON.parse(text) as Partial<ErrorBody>;
  } catch {
    parsed = undefined;
  }
  const message =
    typeof parsed?.error === 'string' ? parsed.error : text || `${method} ${path} failed with HTTP ${res.status}`;
  return new GatewayError(res.status, message, Array.isArray(parsed?.issues) ? parsed.issues : undefined);
}

function enc(id: string): string {
  return encodeURIComponent(id);
}

function query(params: Record<string, string | number | undefined>): string {
  const parts = Object.entries(params)
    .filter((entry): entry is [string, string | number] => entry[1] !== undefined && entry[1] !== '')
    .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(String(v))}`);
  return parts.length ? `?${parts.join('&')}` : '';
}

function causeOf(err: unknown): string {
  return err instanceof Error ? ((err.cause as Error | undefined)?.message ?? err.message) : String(err);
}

function isConnectionReset(err: unknown): boolean {
  const code = err instanceof Error ? (err.cause as { code?: string } | undefined)?.code : undefined;
  return code === 'ECONNRESET' || code === 'UND_ERR_SOCKET' || code === 'EPIPE';
}
