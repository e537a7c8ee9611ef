/**
 * Trial checkpoints kept by the gateway, so that a trial retried on another node resumes where the
 * last one stopped rather than at step 0.
 *
 *   PUT /api/sweeps/:id/trials/:trialId/checkpoint?step=S&attempt=A   (ingest scope)
 *       body: the worker's checkpoint archive (opaque bytes, at most limits.maxCheckpointBytes)
 *       201 { stored: true, step, attempt, bytes } | 200 { stored: false, step, attempt } when the
 *       gateway already holds a checkpoint at least as new
 *   GET /api/sweeps/:id/trials/:trialId/checkpoint/info                (read scope)
 *       200 { checkpoint: { step, attempt, bytes } | null }: what is held, without the bytes
 *   GET /api/sweeps/:id/trials/:trialId/checkpoint[?afterStep=S]       (ingest scope)
 *       200 application/octet-stream with `x-slab-step` and `x-slab-attempt`, or 204 when there is
 *       none newer than `afterStep`
 *
 * An upload is admitted like the trial's metric stream (Store.openTrial): the trial is bound to its
 * sweep, and an attempt older than one that already opened the trial is refused (409 superseded),
 * so a stalled attempt that comes back cannot replace its successor's checkpoint.
 *
 * Storage: one file per trial, `<blobDir>/checkpoints/<sweep>/<trial>/s<step>-a<attempt>.ckpt`. The
 * body is streamed to a temporary file, fsynced and renamed into place, so a reader sees a whole
 * checkpoint or the previous one; the newest (step, attempt) wins and older files are removed.
 */
import { createHash } from 'node:crypto';
import { closeSync, createReadStream, fstatSync, fsyncSync, mkdirSync, openSync, readdirSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import type { ServerResponse } from 'node:http';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { IngestRefused, type Store } from '@slab/store';
import type { Auth } from './auth';
import { HttpError, type Router, sendJson } from './http';

export interface CheckpointDeps {
  store: Store;
  auth: Auth;
  blobs: CheckpointBlobs;
  /** Largest accepted checkpoint, bytes. */
  maxBytes: number;
}

/** One stored checkpoint of a trial. */
interface Stored {
  step: number;
  attempt: number;
  file: string;
}

const FILE = /^s(\d+)-a(\d+)\.ckpt$/;
const SAFE_SEGMENT = /^[A-Za-z0-9_-][A-Za-z0-9._-]{0,127}$/;

/** Ids become directory names: a safe id as itself, anything else as a digest (never `..`, `/`). */
function segment(id: string): string {
  return SAFE_SEGMENT.test(id) ? id : `~${createHash('sha256').update(id).digest('hex')}`;
}

const newer = (a: { step: number; attempt: number }, b: { step: number; attempt: number } | undefined): boolean =>
  !b || a.step > b.step || (a.step === b.step && a.attempt > b.attempt);

function integerParam(query: URLSearchParams, name: string, min: number, required: boolean): number | undefined {
  const raw = query.get(name);
  if (raw === null || raw === '') {
    if (required) throw new HttpError(400, `${name}: expected an integer ≥ ${min}`);
    return undefined;
  }
  const n = Number(raw);
  if (!Number.isSafeInteger(n) || n < min) throw new HttpError(400, `${name}: expected an integer ≥ ${min}, got ${JSON.stringify(raw.slice(0, 40))}`);
  return n;
}

/** A trial's checkpoint files under `<root>/checkpoints/` (root: the gateway's blob directory). */
export class CheckpointBlobs {
  constructor(private readonly root: string) {}

  dirOf(sweepId: string, trialId: string): string {
    return join(this.root, 'checkpoints', segment(sweepId), segment(trialId));
  }

  /** The newest checkpoint of a trial, if any. */
  latest(sweepId: string, trialId: string): Stored | undefined {
    const dir = this.dirOf(sweepId, trialId);
    let best: Stored | undefined;
    let names: string[];
    try {
      names = readdirSync(dir);
    } catch {
      return undefined;
    }
    for (const name of names) {
      const m = FILE.exec(name);
      if (!m) continue;
      const c = { step: Number(m[1]), attempt: Number(m[2]), file: join(dir, name) };
      if (newer(c, best)) best = c;
    }
    return best;
  }

  /**
   * Streams `body` into a temporary file (at most `maxBytes`), then makes it the trial's checkpoint
   * unless a newer one is already there. Returns what the trial's checkpoint is afterwards.
   * @throws HttpError 413 when the body is larger than maxBytes
   */
  async put(sweepId: string, trialId: string, key: { step: number; attempt: number }, body: AsyncIterable<Buffer>, maxBytes: number): Promise<{ stored: boolean; latest: Stored; bytes: number }> {
    const dir = this.dirOf(sweepId, trialId);
    mkdirSync(dir, { recursive: true });
    const tmp = join(dir, `.upload-${process.pid}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`);
    const fd = openSync(tmp, 'w');
    let bytes = 0;
    let done = false;
    try {
      for await (const chunk of body) {
        bytes += chunk.length;
        if (bytes > maxBytes) throw new HttpError(413, `body: checkpoint larger than ${maxBytes} bytes`);
        writeSync(fd, chunk);
      }
      fsyncSync(fd);
      closeSync(fd);
      done = true;
      // From here on everything is synchronous: no other upload of this trial interleaves.
      const current = this.latest(sweepId, trialId);
      if (!newer(key, current)) {
        rmSync(tmp, { force: true });
        return { stored: false, latest: current as Stored, bytes };
      }
      const file = join(dir, `s${key.step}-a${key.attempt}.ckpt`);
      renameSync(tmp, file);
      for (const name of readdirSync(dir)) if (FILE.test(name) && join(dir, name) !== file) rmSync(join(dir, name), { force: true });
      return { stored: true, latest: { ...key, file }, bytes };
    } finally {
      if (!done) {
        closeSync(fd);
        rmSync(tmp, { force: true });
      }
    }
  }

  /** Removes a trial's checkpoints (it finished: no attempt will resume it). */
  remove(sweepId: string, trialId: string): void {
    rmSync(this.dirOf(sweepId, trialId), { recursive: true, force: true });
  }
}

/** Adds the checkpoint routes to `router`. */
export function addCheckpointRoutes(router: Router, deps: CheckpointDeps): void {
  const { store, auth, blobs } = deps;

  const sweepOr404 = async (id: string): Promise<void> => {
    if (!(await store.getSweep(id))) throw new HttpError(404, `sweep ${JSON.stringify(id)} not found`);
  };

  router.on('PUT', '/api/sweeps/:id/trials/:trialId/checkpoint', async ({ req, res, params, query }) => {
    auth.require(req, 'ingest');
    await sweepOr404(params.id);
    const step = integerParam(query, 'step', 0, true) as number;
    const attempt = integerParam(query, 'attempt', 1, true) as number;
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > deps.maxBytes) throw new HttpError(413, `body: checkpoint of ${declared} bytes is larger than ${deps.maxBytes} bytes`);
    try {
      // The same admission as the trial's metric stream: bound to its sweep, fenced by attempt.
      await store.openTrial({ sweepId: params.id, trialId: params.trialId, attempt });
    } catch (err) {
      if (err instanceof IngestRefused) {
        req.resume();
        throw new HttpError(err.code === 'unknown-sweep' ? 404 : 409, `${err.code}: ${err.message.replace(/^open\./, '')}`);
      }
      throw err;
    }
    const result = await blobs.put(params.id, params.trialId, { step, attempt }, req as AsyncIterable<Buffer>, deps.maxBytes);
    const { step: s, attempt: a } = result.latest;
    sendJson(res, result.stored ? 201 : 200, { stored: result.stored, step: s, attempt: a, bytes: result.bytes });
  });

  // What the console shows on a trial's page: which checkpoint is held, not its bytes (read scope).
  router.on('GET', '/api/sweeps/:id/trials/:trialId/checkpoint/info', async ({ req, res, params }) => {
    auth.require(req, 'read');
    await sweepOr404(params.id);
    const latest = blobs.latest(params.id, params.trialId);
    let bytes: number | undefined;
    try {
      if (latest) bytes = statSync(latest.file).size;
    } catch {
      // Replaced or removed (the trial finished) since it was listed: nothing to describe.
    }
    sendJson(res, 200, { checkpoint: latest && bytes !== undefined ? { step: latest.step, attempt: latest.attempt, bytes } : null });
  });

  router.on('GET', '/api/sweeps/:id/trials/:trialId/checkpoint', async ({ req, res, params, query }) => {
    auth.require(req, 'ingest');
    await sweepOr404(params.id);
    const owner = await store.getTrial(params.trialId);
    if (owner && owner.sweepId !== params.id) throw new HttpError(409, `foreign-trial: trial ${JSON.stringify(params.trialId)} belongs to sweep ${JSON.stringify(owner.sweepId)}, not ${JSON.stringify(params.id)}`);
    const afterStep = integerParam(query, 'afterStep', -1, false) ?? -1;
    const latest = blobs.latest(params.id, params.trialId);
    if (!latest || latest.step <= afterStep) {
      res.writeHead(204).end();
      return;
    }
    await sendFile(res, latest);
  });
}

async function sendFile(res: ServerResponse, c: Stored): Promise<void> {
  // Opened before the headers go out: a newer upload may remove the file, but an open descriptor
  // keeps reading the checkpoint it named.
  const stream = createReadStream(c.file);
  let fd: number;
  try {
    fd = await new Promise<number>((resolve, reject) => {
      stream.once('open', resolve);
      stream.once('error', reject);
    });
  } catch {
    throw new HttpError(503, 'checkpoint: replaced while being read; ask again');
  }
  res.writeHead(200, {
    'content-type': 'application/octet-stream',
    'content-length': fstatSync(fd).size,
    'x-slab-step': String(c.step),
    'x-slab-attempt': String(c.attempt),
  });
  await pipeline(stream, res);
}
