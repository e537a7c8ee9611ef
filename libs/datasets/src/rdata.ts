/**
 * A small reader for R's serialization format (the XDR form R writes into .rds files and lazy-load
 * databases), enough to pull character vectors out of an R package's data: NULL, symbols, pairlists,
 * logical/integer/double/character vectors, lists and attributes. Reference: "R Internals",
 * section 1.8 "Serialization formats", and R's src/main/serialize.c.
 *
 * A lazy-load database is two files: `<name>.rdx`, a gzipped serialized index
 * `list(variables = list(<name> = c(offset, length), ...), references, compressed)`, and
 * `<name>.rdb`, the concatenated blobs: 4 bytes big-endian uncompressed length, then (for
 * `compressed = 3`) one type byte, then the zlib stream (R's default `compress = TRUE`).
 */
import { gunzipSync, inflateSync } from 'node:zlib';

/** An R value as decoded here. Vectors keep their attributes (e.g. `names`). */
export type RValue =
  | { type: 'null' }
  | { type: 'symbol'; name: string }
  | { type: 'character'; values: (string | null)[]; attributes: RAttributes }
  | { type: 'integer' | 'logical'; values: (number | null)[]; attributes: RAttributes }
  | { type: 'double'; values: number[]; attributes: RAttributes }
  | { type: 'list'; values: RValue[]; attributes: RAttributes }
  | { type: 'pairlist'; entries: { tag?: string; value: RValue }[] };

export type RAttributes = Record<string, RValue>;

// SEXP type codes (serialize.c / Rinternals.h).
const NILSXP = 0;
const SYMSXP = 1;
const LISTSXP = 2;
const CHARSXP = 9;
const LGLSXP = 10;
const INTSXP = 13;
const REALSXP = 14;
const STRSXP = 16;
const VECSXP = 19;
const EXPRSXP = 20;
const REFSXP = 255;
const NILVALUE_SXP = 254;
const NA_INTEGER = -2147483648;

const IS_OBJECT = 1 << 8;
const HAS_ATTR = 1 << 9;
const HAS_TAG = 1 << 10;
const LATIN1_MASK = 1 << 2;

class XdrReader {
  private pos = 0;
  /** Symbols in reading order; REFSXP points back into this table (1-based). */
  private readonly refs: RValue[] = [];
  constructor(
    private readonly buf: Buffer,
    private readonly what: string,
  ) {}

  fail(msg: string): never {
    throw new Error(`${this.what}: ${msg} at byte ${this.pos}`);
  }

  int(): number {
    if (this.pos + 4 > this.buf.length) this.fail('unexpected end of data');
    const v = this.buf.readInt32BE(this.pos);
    this.pos += 4;
    return v;
  }

  double(): number {
    if (this.pos + 8 > this.buf.length) this.fail('unexpected end of data');
    const v = this.buf.readDoubleBE(this.pos);
    this.pos += 8;
    return v;
  }

  bytes(n: number): Buffer {
    if (this.pos + n > this.buf.length) this.fail('unexpected end of data');
    const b = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return b;
  }

  header(): void {
    const magic = this.bytes(2).toString('latin1');
    if (magic !== 'X\n') this.fail(`expected the XDR serialization header "X\\n", got ${JSON.stringify(magic)}`);
    const version = this.int();
    this.int(); // writer's R version
    this.int(); // oldest R version that can read it
    if (version === 3) this.bytes(this.int()); // native encoding name
    else if (version !== 2) this.fail(`serialization version ${version} is not supported (expected 2 or 3)`);
  }

  length(): number {
    const n = this.int();
    if (n !== -1) return n;
    const hi = this.int();
    const lo = this.int();
    return hi * 2 ** 32 + (lo >>> 0);
  }

  /** A CHARSXP's payload (flags already read); null for NA_character_. */
  charsxp(flags: number): string | null {
    const n = this.int();
    if (n === -1) return null;
    return this.bytes(n).toString(flags & (LATIN1_MASK << 12) ? 'latin1' : 'utf8');
  }

  attributes(flags: number): RAttributes {
    if (!(flags & HAS_ATTR)) return {};
    const pl = this.item();
    if (pl.type !== 'pairlist') this.fail('expected a pairlist of attributes');
    return Object.fromEntries(pl.entries.map((e) => [e.tag ?? '', e.value]));
  }

  item(): RValue {
    const flags = this.int();
    const type = flags & 0xff;
    switch (type) {
      case NILVALUE_SXP:
        return { type: 'null' };
      case REFSXP: {
        const index = flags >>> 8 || this.int();
        const hit = this.refs[index - 1];
        if (!hit) this.fail(`reference ${index} to an unknown object`);
        return hit;
      }
      case SYMSXP: {
        const charFlags = this.int();
        if ((charFlags & 0xff) !== CHARSXP) this.fail('expected the name of a symbol');
        const sym: RValue = { type: 'symbol', name: this.charsxp(charFlags) ?? 'NA' };
        this.refs.push(sym);
        return sym;
      }
      case LISTSXP: {
        // A pairlist is a linked list; read it iteratively so long lists do not recurse deeply.
        const entries: { tag?: string; value: RValue }[] = [];
        let f = flags;
        for (;;) {
          if (f & HAS_ATTR) this.attributes(f & ~HAS_TAG);
          let tag: string | undefined;
          if (f & HAS_TAG) {
            const t = this.item();
            tag = t.type === 'symbol' ? t.name : undefined;
          }
          entries.push({ tag, value: this.item() });
          f = this.int();
          if ((f & 0xff) === NILVALUE_SXP) break;
          if ((f & 0xff) !== LISTSXP) this.fail(`pairlist ends in type ${f & 0xff}`);
        }
        return { type: 'pairlist', entries };
      }
      case LGLSXP:
      case INTSXP: {
        const n = this.length();
        const values: (number | null)[] = new Array(n);
        for (let i = 0; i < n; i++) {
          const v = this.int();
          values[i] = v === NA_INTEGER ? null : v;
        }
        return { type: type === LGLSXP ? 'logical' : 'integer', values, attributes: this.attributes(flags) };
      }
      case REALSXP: {
        const n = this.length();
        const values = new Array<number>(n);
        for (let i = 0; i < n; i++) values[i] = this.double();
        return { type: 'double', values, attributes: this.attributes(flags) };
      }
      case STRSXP: {
        const n = this.length();
        const values: (string | null)[] = new Array(n);
        for (let i = 0; i < n; i++) {
          const f = this.int();
          if ((f & 0xff) !== CHARSXP) this.fail(`element ${i} of a character vector has type ${f & 0xff}`);
          values[i] = this.charsxp(f);
        }
        return { type: 'character', values, attributes: this.attributes(flags) };
      }
      case VECSXP:
      case EXPRSXP: {
        const n = this.length();
        const values: RValue[] = new Array(n);
        for (let i = 0; i < n; i++) values[i] = this.item();
        return { type: 'list', values, attributes: this.attributes(flags) };
      }
      case NILSXP:
        return { type: 'null' };
      default:
        this.fail(`R object type ${type} is not supported by this reader (flags ${flags}, object ${Boolean(flags & IS_OBJECT)})`);
    }
  }
}

/** Decodes one serialized R object (the bytes after any compression). */
export function unserializeR(buf: Buffer, what = 'R data'): RValue {
  const r = new XdrReader(buf, what);
  r.header();
  return r.item();
}

/** Reads an .rds file's contents (gzip-compressed or plain serialization). */
export function readRds(buf: Buffer, what = 'rds'): RValue {
  const raw = buf[0] === 0x1f && buf[1] === 0x8b ? gunzipSync(buf) : buf;
  return unserializeR(raw, what);
}

/** The `names` attribute of a vector, or an empty list. */
export function rNames(v: RValue): string[] {
  if (!('attributes' in v)) return [];
  const names = v.attributes.names;
  return names?.type === 'character' ? names.values.map((n) => n ?? '') : [];
}

/**
 * Every variable of an R lazy-load database (`<base>.rdx` + `<base>.rdb`, e.g. a package's
 * data/Rdata), decoded. Supports zlib-compressed and uncompressed blobs; bzip2/xz blobs (R's
 * `compress = 2/"xz"`) cannot be read with node's zlib and are reported by name.
 */
export function readLazyLoadDb(rdx: Buffer, rdb: Buffer, what = 'lazy-load database'): Map<string, RValue> {
  const index = readRds(rdx, `${what} index`);
  if (index.type !== 'list') throw new Error(`${what} index: expected a list, got ${index.type}`);
  const fields = rNames(index);
  const variables = index.values[fields.indexOf('variables')];
  const compressedField = index.values[fields.indexOf('compressed')];
  if (!variables || variables.type !== 'list') throw new Error(`${what} index: no "variables" list`);
  const mode =
    compressedField && 'values' in compressedField ? Number((compressedField.values as unknown[])[0] ?? 1) : 1;
  const out = new Map<string, RValue>();
  rNames(variables).forEach((name, i) => {
    const loc = variables.values[i];
    if (loc.type !== 'integer' && loc.type !== 'double') throw new Error(`${what}: variable ${name} has no [offset, length]`);
    const [offset, length] = loc.values as number[];
    out.set(name, unserializeR(blob(rdb.subarray(offset, offset + length), mode, `${what}: ${name}`), `${what}: ${name}`));
  });
  return out;
}

function blob(b: Buffer, mode: number, what: string): Buffer {
  if (b.length < 4) throw new Error(`${what}: blob shorter than its length header`);
  const size = b.readUInt32BE(0);
  let body = b.subarray(4);
  let kind = mode === 0 ? '0' : 'Z';
  if (mode === 2) kind = '2';
  if (mode === 3) {
    kind = String.fromCharCode(body[0]);
    body = body.subarray(1);
  }
  if (kind === '0') return body.subarray(0, size);
  if (kind !== 'Z') throw new Error(`${what}: ${kind === '2' ? 'bzip2' : 'xz'}-compressed R data is not supported (expected zlib)`);
  const out = inflateSync(body);
  if (out.length !== size) throw new Error(`${what}: inflated to ${out.length} bytes, header says ${size}`);
  return out;
}
