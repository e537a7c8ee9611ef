/**
 * Node-side build of the browser console: esbuild bundles web/main.ts into dist/app.js and copies
 * the static shell (index.html, styles.css). The gateway serves `consoleDistDir` at `/`.
 */
import { build } from 'esbuild';
import { copyFile, mkdir } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const packageDir = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const webDir = join(packageDir, 'web');

/** Where `buildConsole()` writes by default (apps/console/dist). */
export const consoleDistDir = join(packageDir, 'dist');

/** Static files copied verbatim next to the bundle. */
const STATIC_FILES = ['index.html', 'styles.css'] as const;

/**
 * Bundle the console into `outDir` (default `consoleDistDir`) and return its absolute path.
 * Minified ES2020 for current browsers; a source map is written beside the bundle for debugging.
 */
export async function buildConsole(outDir: string = consoleDistDir): Promise<string> {
  const out = resolve(outDir);
  await mkdir(out, { recursive: true });
  await build({
    entryPoints: [join(webDir, 'main.ts')],
    outfile: join(out, 'app.js'),
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: ['es2020'],
    minify: true,
    sourcemap: true,
    legalComments: 'none',
    logLevel: 'silent',
    // @slab/* workspace packages export TypeScript source; esbuild compiles them in the bundle.
    conditions: ['browser', 'import'],
  });
  await Promise.all(STATIC_FILES.map((f) => copyFile(join(webDir, f), join(out, f))));
  return out;
}
