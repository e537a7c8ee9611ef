import type { CurationData } from './types';
import { CurationInputError, requireInt } from './errors';

/** Check a dataset's shape once at the boundary so scorers can index without checks. */
export function validateData(data: CurationData, field = 'data'): CurationData {
  if (data === null || typeof data !== 'object') throw new CurationInputError(field, 'an object {x, y, n, dim, classes}', data);
  const n = requireInt(`${field}.n`, data.n, 1);
  const dim = requireInt(`${field}.dim`, data.dim, 1);
  const classes = requireInt(`${field}.classes`, data.classes, 2, 255);
  if (!(data.x instanceof Float32Array) || data.x.length !== n * dim) {
    throw new CurationInputError(`${field}.x`, `a Float32Array of length n·dim = ${n * dim}`, data.x);
  }
  if (!(data.y instanceof Uint8Array) || data.y.length !== n) {
    throw new CurationInputError(`${field}.y`, `a Uint8Array of length n = ${n}`, data.y);
  }
  for (let i = 0; i < n; i++) {
    if (data.y[i] >= classes) throw new CurationInputError(`${field}.y[${i}]`, `a label < classes (${classes})`, data.y[i]);
  }
  for (let i = 0; i < data.x.length; i++) {
    if (!Number.isFinite(data.x[i])) {
      throw new CurationInputError(`${field}.x[${i}]`, 'a finite number', data.x[i]);
    }
  }
  return data;
}

/** Rows `indices` of `data` as a new dataset (used to train on a kept subset). */
export function subset(data: CurationData, indices: ArrayLike<number>): CurationData {
  const m = indices.length;
  const x = new Float32Array(m * data.dim);
  const y = new Uint8Array(m);
  for (let r = 0; r < m; r++) {
    const i = indices[r];
    x.set(data.x.subarray(i * data.dim, (i + 1) * data.dim), r * data.dim);
    y[r] = data.y[i];
  }
  return { x, y, n: m, dim: data.dim, classes: data.classes };
}
