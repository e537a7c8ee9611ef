/**
 * A trial's latest checkpoint as one byte string, so that it can leave the machine that wrote it
 * and a worker with another state directory can resume from it.
 *
 * Layout (little-endian):
 *   "SLABCKPA" (8 bytes) | u32 header length | header JSON (utf-8) | the files' bytes, in header order
 * Header: { version: 1, step, checkpoint, pending, files: [{ path, size }] }, where `checkpoint` and
 * every `path` are relative to the trial's checkpoint directory ('/'-separated, no `..`), and
 * `pending` is the local record's points not yet acked when the checkpoint was taken (local-record.ts).
 */
import { closeSync, fsyncSync, lstatSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import type { TrialProgress } from '@slab/spec';
import { type LocalRecord, type PendingPoint, writeLocalRecord } from './local-record';

const MAGIC = 'SLABCKPA';
const VERSION = 1;
/** The local record is rewritten on unpack, never shipped as a file (its paths are machine-local). */
const RECORD_FILE = 'progress.json';

interface ArchiveHeader {
  version: number;
  step: number;
  checkpoint: string;
  pending: PendingPoint[];
  files: { path: string; size: number }[];
}

/** Relative, '/'-separated, without empty, `.` or `..` segments: cannot leave the directory it is joined to. */
function safeRelative(path: unknown): path is string {
  if (typeof path !== 'string' || path === '' || path.length > 1024 || path.includes('\\') || path.includes('\0') || path.startsWith('/')) return false;
  return path.split('/').every((seg) => seg !== '' && seg !== '.' && seg !== '..');
}

/** Files under `root` (recursively), as paths relative to `base`. */
function filesUnder(base: string, root: string): string[] {
  const st = lstatSync(root);
  if (st.isFile()) return [relative(base, root).split(sep).join('/')];
  if (!st.isDirectory()) return [];
  return readdirSync(root)
    .sort()
    .flatMap((name) => filesUnder(base, join(root, name)));
}

/**
 * Packs the checkpoint `progress.checkpointUri` names (a file or a directory) with the pending points.
 * Returns undefined when the checkpoint lies outside `checkpointDir` (the plugin wrote it elsewhere,
 * e.g. to shared storage of its own) or is missing.
 */
export function packCheckpoint(checkpointDir: string, progress: TrialProgress, pending: PendingPoint[]): Uint8Array | undefined {
  if (!progress.checkpointUri) return undefined;
  const base = resolve(checkpointDir);
  const target = resolve(base, progress.checkpointUri);
  const rel = relative(base, target);
  if (rel === '' || rel.startsWith('..') || isAbsolute(rel)) return undefined;
  let paths: string[];
  try {
    paths = filesUnder(base, target).filter((p) => p !== RECORD_FILE && !/\.tmp(-\d+)?$/.test(p));
  } catch {
    return undefined;
  }
  const bodies = paths.map((p) => readFileSync(join(base, p)));
  const header: ArchiveHeader = {
    version: VERSION,
    step: progress.step,
    checkpoint: rel.split(sep).join('/'),
    pending,
    files: paths.map((path, i) => ({ path, size: bodies[i].length })),
  };
  const json = Buffer.from(JSON.stringify(header), 'utf8');
  const lead = Buffer.alloc(12);
  lead.write(MAGIC, 0, 'ascii');
  lead.writeUInt32LE(json.length, 8);
  return Buffer.concat([lead, json, ...bodies]);
}

/** Reads an archive's header; throws naming what is wrong with it. */
function readHeader(bytes: Uint8Array): { header: ArchiveHeader; bodyStart: number } {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (buf.length < 12 || buf.toString('ascii', 0, 8) !== MAGIC) throw new Error(`checkpoint archive: expected the ${MAGIC} magic`);
  const len = buf.readUInt32LE(8);
  if (12 + len > buf.length) throw new Error(`checkpoint archive: header length ${len} exceeds the archive's ${buf.length} bytes`);
  let header: ArchiveHeader;
  try {
    header = JSON.parse(buf.toString('utf8', 12, 12 + len)) as ArchiveHeader;
  } catch {
    throw new Error('checkpoint archive: header is not JSON');
  }
  if (header?.version !== VERSION) throw new Error(`checkpoint archive: version: expected ${VERSION}, got ${JSON.stringify(header?.version)}`);
  if (!Number.isSafeInteger(header.step) || header.step < 0) throw new Error(`checkpoint archive: step: expected an integer ≥ 0, got ${JSON.stringify(header.step)}`);
  if (!safeRelative(header.checkpoint)) throw new Error(`checkpoint archive: checkpoint: expected a relative path inside the checkpoint directory, got ${JSON.stringify(header.checkpoint)}`);
  if (!Array.isArray(header.files)) throw new Error('checkpoint archive: files: expected an array');
  let total = 0;
  for (const [i, f] of header.files.entries()) {
    if (!safeRelative(f?.path) || f.path === RECORD_FILE) throw new Error(`checkpoint archive: files[${i}].path: expected a relative path inside the checkpoint directory, got ${JSON.stringify(f?.path)}`);
    if (!Number.isSafeInteger(f.size) || f.size < 0) throw new Error(`checkpoint archive: files[${i}].size: expected an integer ≥ 0, got ${JSON.stringify(f.size)}`);
    total += f.size;
  }
  if (12 + len + total !== buf.length) throw new Error(`checkpoint archive: files: sizes add up to ${total} bytes, the archive holds ${buf.length - 12 - len}`);
  const pending = Array.isArray(header.pending) ? header.pending.filter((q) => typeof q?.step === 'number' && typeof q?.name === 'string') : [];
  return { header: { ...header, pending }, bodyStart: 12 + len };
}

function writeAtomically(path: string, data: Uint8Array): void {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.tmp`;
  const fd = openSync(tmp, 'w');
  try {
    writeSync(fd, data);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, path);
}

/**
 * Writes an archive's files into `checkpointDir` (each atomically), then the local record naming
 * the checkpoint at its new place, so the activity resumes from it as from one written here.
 * @throws Error naming the field when the archive is malformed (nothing is written then)
 */
export function unpackCheckpoint(bytes: Uint8Array, checkpointDir: string): LocalRecord {
  const { header, bodyStart } = readHeader(bytes);
  const base = resolve(checkpointDir);
  let at = bodyStart;
  for (const f of header.files) {
    writeAtomically(join(base, ...f.path.split('/')), bytes.subarray(at, at + f.size));
    at += f.size;
  }
  const record: LocalRecord = { progress: { step: header.step, checkpointUri: join(base, ...header.checkpoint.split('/')) }, pending: header.pending };
  writeLocalRecord(base, record);
  return record;
}

/** The step an archive holds (for logs and tests). */
export function archiveStep(bytes: Uint8Array): number {
  return readHeader(bytes).header.step;
}
