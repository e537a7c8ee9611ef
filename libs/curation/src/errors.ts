/** Error raised for invalid curation input; the message names the field and what was expected. */
export class CurationInputError extends Error {
  constructor(
    readonly field: string,
    expected: string,
    found: unknown,
  ) {
    super(`${field}: expected ${expected}, got ${describe(found)}`);
    this.name = 'CurationInputError';
  }
}

function describe(v: unknown): string {
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (typeof v === 'string') return JSON.stringify(v);
  if (v === undefined || v === null) return String(v);
  if (ArrayBuffer.isView(v)) return `${v.constructor.name}(length ${(v as unknown as ArrayLike<number>).length})`;
  return typeof v;
}

export function requireInt(field: string, v: unknown, min: number, max = Number.MAX_SAFE_INTEGER): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
    throw new CurationInputError(field, `an integer in [${min}, ${max}]`, v);
  }
  return v;
}

export function requireNumber(field: string, v: unknown, min: number, max: number): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || v < min || v > max) {
    throw new CurationInputError(field, `a number in [${min}, ${max}]`, v);
  }
  return v;
}

/** Read an optional integer option with a default. */
export function optInt(opts: Record<string, unknown>, key: string, def: number, min: number, max?: number): number {
  const v = opts[key];
  return v === undefined ? def : requireInt(`opts.${key}`, v, min, max);
}

export function optNumber(opts: Record<string, unknown>, key: string, def: number, min: number, max: number): number {
  const v = opts[key];
  return v === undefined ? def : requireNumber(`opts.${key}`, v, min, max);
}

export function optEnum<T extends string>(opts: Record<string, unknown>, key: string, def: T, allowed: readonly T[]): T {
  const v = opts[key];
  if (v === undefined) return def;
  if (typeof v !== 'string' || !(allowed as readonly string[]).includes(v)) {
    throw new CurationInputError(`opts.${key}`, `one of ${allowed.join(', ')}`, v);
  }
  return v as T;
}
