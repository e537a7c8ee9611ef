/**
 * IDX file parsing (the LeCun MNIST format): magic 0x0000 <type> <ndims>, then ndims big-endian
 * uint32 sizes, then the data. We accept only unsigned bytes (type 0x08), which is all MNIST-style
 * datasets use, and check every size so a truncated or swapped file fails loudly.
 */
import { gunzipSync } from 'node:zlib';

export interface IdxArray {
  dims: number[];
  data: Uint8Array;
}

const UBYTE = 0x08;

/** Gunzips when the buffer starts with the gzip magic, else returns it unchanged. */
export function maybeGunzip(buf: Uint8Array): Uint8Array {
  return buf.length >= 2 && buf[0] === 0x1f && buf[1] === 0x8b ? gunzipSync(buf) : buf;
}

/**
 * Parses an IDX buffer (optionally gzipped). `expectDims` is the number of dimensions the caller
 * needs (3 for images, 1 for labels); `what` names the file in errors.
 */
export function parseIdx(input: Uint8Array, expectDims: number, what: string): IdxArray {
  const buf = maybeGunzip(input);
  if (buf.length < 4) throw new Error(`${what}: IDX file too short (${buf.length} bytes)`);
  if (buf[0] !== 0 || buf[1] !== 0) {
    throw new Error(
      `${what}: bad IDX magic 0x${hex(buf, 0, 4)}: expected 0x0000 followed by type and dimension count`,
    );
  }
  if (buf[2] !== UBYTE) {
    throw new Error(`${what}: IDX data type 0x${buf[2].toString(16)}: expected 0x08 (unsigned byte)`);
  }
  const ndims = buf[3];
  if (ndims !== expectDims) {
    throw new Error(`${what}: IDX has ${ndims} dimensions: expected ${expectDims}`);
  }
  const headerLen = 4 + 4 * ndims;
  if (buf.length < headerLen) throw new Error(`${what}: IDX header truncated`);
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const dims: number[] = [];
  for (let i = 0; i < ndims; i++) dims.push(view.getUint32(4 + 4 * i, false));
  const count = dims.reduce((a, b) => a * b, 1);
  const body = buf.length - headerLen;
  if (body !== count) {
    throw new Error(
      `${what}: IDX dimensions [${dims.join(', ')}] need ${count} data bytes, file has ${body}`,
    );
  }
  return { dims, data: buf.subarray(headerLen) };
}

function hex(buf: Uint8Array, from: number, to: number): string {
  return Array.from(buf.subarray(from, to), (b) => b.toString(16).padStart(2, '0')).join('');
}

/** Builds an IDX (ubyte) buffer; used by tests and by tools that write small fixtures. */
export function encodeIdx(dims: number[], data: Uint8Array): Uint8Array {
  const out = new Uint8Array(4 + 4 * dims.length + data.length);
  out[2] = UBYTE;
  out[3] = dims.length;
  const view = new DataView(out.buffer);
  dims.forEach((d, i) => view.setUint32(4 + 4 * i, d, false));
  out.set(data, 4 + 4 * dims.length);
  return out;
}
