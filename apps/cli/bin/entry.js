// Which code `slab` runs: the bundle in apps/cli/dist (`node apps/cli/build.mjs`) when it is current,
// else the TypeScript sources through tsx. Plain JavaScript: it runs before anything can compile.
import { readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const cliDir = fileURLToPath(new URL('..', import.meta.url));

/** Where things are; tests point these at a temporary copy. */
export const defaultPaths = {
  repoRoot: resolve(cliDir, '../..'),
  dist: join(cliDir, 'dist'),
  source: join(cliDir, 'src/main.ts'),
};

/**
 * Commands that always run from the sources: they host the orchestrator, whose fit thread, workflow
 * bundle, console build and Temporal installer find files beside their TypeScript sources. They run
 * for minutes, so compiling first costs little. Their trainer workers run the bundle when current.
 */
export const SOURCE_COMMANDS = new Set(['up', 'serve', 'run']);

/**
 * Whether `dist` holds a bundle newer than every file it was built from (dist/build.json lists them,
 * relative to the repository, with the build's start time in ms). One stat per source, about 200:
 * a millisecond or two.
 * @returns {{ current: boolean, why: string }}
 */
export function bundleState(paths = defaultPaths) {
  let manifest;
  try {
    manifest = JSON.parse(readFileSync(join(paths.dist, 'build.json'), 'utf8'));
  } catch {
    return { current: false, why: `no built CLI in ${relative(paths.repoRoot, paths.dist)} (node apps/cli/build.mjs builds it)` };
  }
  for (const input of manifest.inputs) {
    let mtime;
    try {
      mtime = statSync(join(paths.repoRoot, input)).mtimeMs;
    } catch {
      return { current: false, why: `${input} is gone since the build` };
    }
    if (mtime > manifest.builtAt) return { current: false, why: `${input} changed after the build` };
  }
  return { current: true, why: `built ${new Date(manifest.builtAt).toISOString()} from ${manifest.inputs.length} sources, all older` };
}

/**
 * The file to import for `slab <args>`, and why. A stale bundle is not rebuilt here: several `slab`
 * processes may start at once (a stack and its workers, tests), and one rebuilding while another loads
 * would race; the sources are always correct, only slower to start.
 * @param {string[]} args the command line after `slab`
 * @returns {{ kind: 'built' | 'source', file: string, why: string }}
 */
export function chooseEntry(args, paths = defaultPaths) {
  const help = args.includes('--help') || args.includes('-h');
  if (SOURCE_COMMANDS.has(args[0]) && !help) return { kind: 'source', file: paths.source, why: `${args[0]} runs from the sources` };
  const state = bundleState(paths);
  if (state.current) return { kind: 'built', file: join(paths.dist, 'main.js'), why: state.why };
  return { kind: 'source', file: paths.source, why: state.why };
}
