#!/usr/bin/env node
// Builds the `slab` command into apps/cli/dist so it starts without compiling TypeScript on each call.
//
// The workspace's own packages (@slab/*) are bundled from their TypeScript sources; every other package
// stays an import of node_modules (native modules, Temporal's worker, tfjs and protobufjs/light load
// their own files at run time). Dynamic import()s become separate chunks, so a command loads only what
// it runs. dist/build.json lists every bundled source file: bin/slab.js compares their modification
// times with the build's to decide whether the bundle is current.
//
// The new bundle is written beside the old one and swapped in by two renames, so a `slab` starting
// meanwhile sees either a whole bundle or none (and then runs the sources).
//
// Usage: node apps/cli/build.mjs [--out DIR]   (prints one line: where, how many sources, how long)
import { build } from 'esbuild';
import { existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const cliDir = dirname(fileURLToPath(import.meta.url));
const repoRoot = resolve(cliDir, '../..');
const defaultDist = join(cliDir, 'dist');

/**
 * A bare import as Node's ESM resolver accepts it from dist/. TypeScript and esbuild accept
 * `protobufjs/light` (a package without an exports map); Node's ESM resolver needs `protobufjs/light.js`.
 */
function nodeSpecifier(spec) {
  const resolves = (s) => {
    try {
      // import.meta.resolve answers a URL without looking for the file: check that it is there.
      const url = import.meta.resolve(s);
      return !url.startsWith('file:') || existsSync(fileURLToPath(url));
    } catch {
      return false;
    }
  };
  if (spec.startsWith('node:') || resolves(spec)) return spec;
  if (resolves(`${spec}.js`)) return `${spec}.js`;
  throw new Error(`${spec}: Node cannot resolve this import from ${relative(repoRoot, cliDir)} (nor ${spec}.js)`);
}

/** Bundle @slab/* (TypeScript sources in this repository); leave every other bare import to Node. */
const externalPackages = {
  name: 'external-packages',
  setup(b) {
    b.onResolve({ filter: /^[^./]/ }, (args) => (args.path.startsWith('@slab/') ? undefined : { path: nodeSpecifier(args.path), external: true }));
  },
};

function bundle(out) {
  return build({
    // parallel-worker is the body of the bootstrap's worker threads (libs/laws/src/parallel.ts starts it by file).
    entryPoints: { main: join(cliDir, 'src/main.ts'), 'parallel-worker': join(repoRoot, 'libs/laws/src/parallel-worker.ts') },
    outdir: out,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    sourcemap: 'linked',
    chunkNames: '[name]-[hash]',
    metafile: true,
    logLevel: 'warning',
    plugins: [externalPackages],
  });
}

/**
 * Bundles src/main.ts into `dist` (default apps/cli/dist).
 * @returns {Promise<{ dist: string, inputs: number, ms: number }>} where, how many sources, how long
 */
export async function buildCli(dist = defaultDist) {
  const started = Date.now();
  const out = `${dist}.tmp-${process.pid}`;
  rmSync(out, { recursive: true, force: true });
  mkdirSync(out, { recursive: true });
  let result;
  try {
    result = await bundle(out);
  } catch (err) {
    rmSync(out, { recursive: true, force: true });
    throw err;
  }
  // This script is an input too: a bundle from an older build script is not current.
  const bundled = Object.keys(result.metafile.inputs).map((p) => relative(repoRoot, resolve(process.cwd(), p)));
  const inputs = [...bundled, relative(repoRoot, fileURLToPath(import.meta.url))].sort();
  // `started` was taken before esbuild read any source, so a source saved during the build counts as newer.
  writeFileSync(join(out, 'build.json'), `${JSON.stringify({ builtAt: started, inputs }, null, 1)}\n`);
  swapIn(out, dist);
  return { dist, inputs: inputs.length, ms: Date.now() - started };
}

/** Replaces `dist` by `out`; a build finishing at the same moment may put its own `dist` in between. */
function swapIn(out, dist) {
  const old = `${dist}.old-${process.pid}`;
  for (let attempt = 1; ; attempt++) {
    try {
      if (existsSync(dist)) renameSync(dist, old);
      renameSync(out, dist);
      break;
    } catch (err) {
      if (attempt >= 5 || !['ENOENT', 'ENOTEMPTY', 'EEXIST'].includes(err.code)) throw err;
    } finally {
      rmSync(old, { recursive: true, force: true });
    }
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const outAt = process.argv.indexOf('--out');
  const r = await buildCli(outAt > 0 ? resolve(process.argv[outAt + 1]) : defaultDist);
  console.log(`built ${relative(repoRoot, r.dist)} from ${r.inputs} sources in ${r.ms} ms`);
}
