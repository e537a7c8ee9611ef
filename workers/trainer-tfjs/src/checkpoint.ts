/**
 * Checkpoint file format (one file per checkpoint, little-endian):
 *   "SLABCKPT" (8 bytes) | u32 header length | header JSON (utf-8) | float32 data, 4-byte aligned
 * The header holds the step, the run's fingerprint, JS-side loop state and a table of tensors
 * (name, shape, offset in floats). Written to a temp file, fsynced, then renamed, so a crash
 * leaves either the old checkpoint or the new one, never half of one.
 */
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, readdirSync, renameSync, rmSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

const MAGIC = 'SLABCKPT';
export const CHECKPOINT_VERSION = 1;

export interface TensorRecord {
  name: string;
  shape: number[];
  data: Float32Array;
}

export interface CheckpointHeader {
  version: number;
  /** Optimizer steps completed. */
  step: number;
  /** Identifies the run (model, data, seed, lr, batch); a mismatching checkpoint is not resumed. */
  fingerprint: string;
  /** Loop state kept in JS numbers (running loss window, eval count, ...). */
  loop: Record<string, number>;
}

export interface Checkpoint extends CheckpointHeader {
  tensors: TensorRecord[];
}

interface StoredHeader extends CheckpointHeader {
  tensors: { name: string; shape: number[]; offset: number; length: number }[];
}

export function checkpointPath(dir: string, step: number): string {
  return join(dir, `step-${String(step).padStart(9, '0')}.ckpt`);
}

export function encodeCheckpoint(ck: Checkpoint): Uint8Array {
  let offset = 0;
  const table = ck.tensors.map((t) => {
    const entry = { name: t.name, shape: t.shape, offset, length: t.data.length };
    offset += t.data.length;
    return entry;
  });
  const header: StoredHeader = { version: ck.version, step: ck.step, fingerprint: ck.fingerprint, loop: ck.loop, tensors: table };
  let json = Buffer.from(JSON.stringify(header), 'utf8');
  const pad = (4 - ((8 + 4 + json.length) % 4)) % 4;
  if (pad) json = Buffer.concat([json, Buffer.from(' '.repeat(pad))]);
  const out = new Uint8Array(8 + 4 + json.length + offset * 4);
  out.set(Buffer.from(MAGIC, 'ascii'), 0);
  new DataView(out.buffer).setUint32(8, json.length, true);
  out.set(json, 12);
  const body = new Float32Array(out.buffer, 12 + json.length, offset);
  for (const [i, t] of ck.tensors.entries()) body.set(t.data, table[i].offset);
  return out;
}

export function decodeCheckpoint(buf: Uint8Array, what = 'checkpoint'): Checkpoint {
  if (buf.length < 12 || Buffer.from(buf.subarray(0, 8)).toString('ascii') !== MAGIC) {
    throw new Error(`${what}: not a Scaling Lab checkpoint (missing ${MAGIC} magic)`);
  }
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const len = view.getUint32(8, true);
  if (12 + len > buf.length) throw new Error(`${what}: header length ${len} exceeds file size ${buf.length}`);
  const header = JSON.parse(Buffer.from(buf.subarray(12, 12 + len)).toString('utf8')) as StoredHeader;
  if (header.version !== CHECKPOINT_VERSION) {
    throw new Error(`${what}: format version ${header.version}: expected ${CHECKPOINT_VERSION}`);
  }
  const floats = (buf.length - 12 - len) / 4;
  // Copy into an aligned buffer: the file's bytes may sit at any offset of a pooled Buffer.
  const body = new Float32Array(floats);
  new Uint8Array(body.buffer).set(buf.subarray(12 + len));
  const tensors = header.tensors.map((t) => {
    const size = t.shape.reduce((a, b) => a * b, 1);
    if (size !== t.length || t.offset + t.length > floats) {
      throw new Error(`${what}: tensor ${t.name} [${t.shape.join(',')}] does not fit the data section`);
    }
    return { name: t.name, shape: t.shape, data: body.slice(t.offset, t.offset + t.length) };
  });
  return { version: header.version, step: header.step, fingerprint: header.fingerprint, loop: header.loop, tensors };
}

/** Atomically writes the checkpoint and removes older `step-*.ckpt` files beside it. */
export function writeCheckpoint(dir: string, ck: Checkpoint): string {
  mkdirSync(dir, { recursive: true });
  const path = checkpointPath(dir, ck.step);
  const tmp = `${path}.tmp-${process.pid}`;
  const fd = openSync(tmp, 'w');
  try {
    writeSync(fd, encodeCheckpoint(ck));
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, path);
  for (const f of readdirSync(dir)) {
    if (/^step-\d+\.ckpt$/.test(f) && f !== basename(path)) rmSync(join(dirname(path), f), { force: true });
  }
  return path;
}

export function readCheckpoint(path: string): Checkpoint {
  return decodeCheckpoint(readFileSync(path), path);
}

/**
 * The checkpoint a retried attempt resumes from: the one its last heartbeat names, if that file
 * exists, belongs to this run (same fingerprint) and lies within its `steps`. Anything else is
 * logged through `log` and answered with undefined (start from step 0) rather than thrown: a
 * missing or foreign checkpoint costs time, never the trial.
 */
export function resumeCheckpoint(
  uri: string | undefined,
  run: { fingerprint: string; steps: number },
  log: (message: string) => void,
): Checkpoint | undefined {
  if (!uri) return undefined;
  if (!existsSync(uri)) {
    log(`checkpoint ${uri} not found; starting from step 0`);
    return undefined;
  }
  try {
    const ck = readCheckpoint(uri);
    if (ck.fingerprint !== run.fingerprint) {
      log(`checkpoint ${uri} belongs to a different configuration; starting from step 0`);
      return undefined;
    }
    if (ck.step > run.steps) throw new Error(`step ${ck.step} beyond the plan's ${run.steps} steps`);
    return ck;
  } catch (e) {
    log(`checkpoint ${uri} unreadable (${(e as Error).message}); starting from step 0`);
    return undefined;
  }
}

/** What a checkpoint needs of a tensor: its shape and its values (a tf.Tensor fits). */
export interface TensorLike {
  shape: number[];
  data(): Promise<unknown>;
}

/**
 * A training checkpoint of parameters and their Adam(W) moments: tensors named `param/<name>`,
 * `adam_m/<name>`, `adam_v/<name>` in the order of `names`, as both trainers resume them.
 */
export async function withMoments(
  header: Omit<CheckpointHeader, 'version'>,
  names: readonly string[],
  params: readonly TensorLike[],
  m: readonly TensorLike[],
  v: readonly TensorLike[],
): Promise<Checkpoint> {
  const groups = [['param', params], ['adam_m', m], ['adam_v', v]] as const;
  const tensors: TensorRecord[] = [];
  for (const [group, list] of groups) {
    const datas = await Promise.all(list.map((x) => x.data() as Promise<Float32Array>));
    list.forEach((x, i) => tensors.push({ name: `${group}/${names[i]}`, shape: x.shape, data: datas[i] }));
  }
  return { version: CHECKPOINT_VERSION, ...header, tensors };
}

/** Let heartbeats, cancellation and metric acks run between training steps. */
export const yieldToEventLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));
