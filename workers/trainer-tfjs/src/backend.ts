/**
 * Backend choice: tfjs-node-gpu > tfjs-node > wasm > cpu. The two native packages are optional
 * (they need libtensorflow, which their install step downloads; scripts/tfjs-node.sh builds them
 * from source against PyPI's libtensorflow where that download is impossible), so a failed import
 * falls through quietly. The choice is process-wide in tfjs, hence memoised here.
 *
 * `SLAB_TFJS_BACKEND` (`tensorflow`, `wasm`, `cpu`) overrides an `auto` preference, e.g. to pin a
 * worker to wasm.
 */
import * as tf from '@tensorflow/tfjs';
import { existsSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

export type BackendPreference = 'auto' | 'tensorflow' | 'wasm' | 'cpu';

export const BACKEND_PREFERENCES: readonly BackendPreference[] = ['auto', 'tensorflow', 'wasm', 'cpu'];

/** The native packages, fastest first; each registers the `tensorflow` backend. */
const NATIVE_PACKAGES = ['@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-node'] as const;

export interface BackendChoice {
  /** tfjs backend name now active: `tensorflow`, `wasm` or `cpu`. */
  backend: string;
  /** Human-readable label recorded on results, e.g. `tensorflow (tfjs-node-gpu)`. */
  label: string;
  /** Why each earlier candidate was skipped. */
  skipped: string[];
}

let chosen: Promise<BackendChoice> | undefined;
let chosenFor: BackendPreference | undefined;
/** Which native package provided the `tensorflow` backend (a process can load only one). */
let nativeLoaded: string | undefined;

/** Imports a package by a computed name so that bundlers and tsc do not require it to exist. */
async function optionalImport(name: string): Promise<unknown> {
  return import(/* @vite-ignore */ name);
}

/**
 * Why a native package cannot load, checked without importing it: a package whose addon was never
 * built would register its kernels before failing, leaving half a backend behind.
 */
function nativeMissing(pkg: string): string | undefined {
  let root: string;
  try {
    root = dirname(createRequire(import.meta.url).resolve(`${pkg}/package.json`));
  } catch {
    return `${pkg}: not installed`;
  }
  const lib = join(root, 'lib');
  const built = existsSync(lib) && readdirSync(lib).some((d) => existsSync(join(lib, d, 'tfjs_binding.node')));
  if (built) return undefined;
  const gpu = pkg.endsWith('-gpu');
  // On a machine without an NVIDIA device the GPU build would not help: say nothing about building it.
  if (gpu && !existsSync('/proc/driver/nvidia') && !existsSync('/dev/nvidia0')) return `${pkg}: no NVIDIA GPU on this machine`;
  return `${pkg}: installed without its native addon (build it with \`bash scripts/tfjs-node.sh${gpu ? ' gpu' : ''}\`)`;
}

async function tryNative(pkg: string): Promise<string | undefined> {
  if (nativeLoaded && nativeLoaded !== pkg) return `${pkg}: ${nativeLoaded} already provides the tensorflow backend`;
  if (!nativeLoaded) {
    const missing = nativeMissing(pkg);
    if (missing) return missing;
    // TensorFlow prints INFO banners (oneDNN, CPU features) on load; keep warnings and errors.
    process.env.TF_CPP_MIN_LOG_LEVEL ??= '1';
    try {
      await optionalImport(pkg);
    } catch (e) {
      return `${pkg}: ${firstLine(e)}`;
    }
    nativeLoaded = pkg;
  }
  if (!(await tf.setBackend('tensorflow'))) return `${pkg}: loaded but the tensorflow backend failed to start`;
  return undefined;
}

async function tryWasm(): Promise<string | undefined> {
  try {
    const wasm = await import('@tensorflow/tfjs-backend-wasm');
    // In Node the .wasm binaries are read from disk; point the backend at the package's dist/.
    // (Only before the backend first initialises; tfjs refuses a second call.)
    if (!tf.findBackend('wasm')) {
      const entry = createRequire(import.meta.url).resolve('@tensorflow/tfjs-backend-wasm');
      wasm.setWasmPaths(`${dirname(entry)}/`);
    }
    if (!(await tf.setBackend('wasm'))) return 'wasm: backend failed to initialise';
    return undefined;
  } catch (e) {
    return `wasm: ${firstLine(e)}`;
  }
}

function firstLine(e: unknown): string {
  return (e instanceof Error ? e.message : String(e)).split('\n')[0].trim();
}

function fromEnv(pref: BackendPreference): BackendPreference {
  const env = process.env.SLAB_TFJS_BACKEND;
  if (pref !== 'auto' || !env) return pref;
  if (!(BACKEND_PREFERENCES as readonly string[]).includes(env)) {
    throw new Error(`SLAB_TFJS_BACKEND: expected one of ${BACKEND_PREFERENCES.join(', ')}, got ${JSON.stringify(env)}`);
  }
  return env as BackendPreference;
}

async function choose(pref: BackendPreference): Promise<BackendChoice> {
  const skipped: string[] = [];
  if (pref === 'auto' || pref === 'tensorflow') {
    for (const pkg of NATIVE_PACKAGES) {
      const why = await tryNative(pkg);
      if (!why) return { backend: 'tensorflow', label: `tensorflow (${pkg.slice('@tensorflow/'.length)})`, skipped };
      skipped.push(why);
    }
    if (pref === 'tensorflow') throw new Error(`backend 'tensorflow' requested but unavailable: ${skipped.join('; ')}`);
  }
  if (pref === 'auto' || pref === 'wasm') {
    const why = await tryWasm();
    if (!why) return { backend: 'wasm', label: 'wasm', skipped };
    if (pref === 'wasm') throw new Error(`backend 'wasm' requested but unavailable: ${why}`);
    skipped.push(why);
  }
  if (!(await tf.setBackend('cpu'))) throw new Error('the cpu backend failed to initialise');
  return { backend: 'cpu', label: 'cpu', skipped };
}

/**
 * Picks and activates a backend once per process. Asking again with another preference switches
 * (used by tests and the benchmark); `log` receives one line describing the choice.
 */
export function selectBackend(
  pref: BackendPreference = 'auto',
  log: (line: string) => void = (l) => console.log(l),
): Promise<BackendChoice> {
  const effective = fromEnv(pref);
  if (chosen && chosenFor === effective) return chosen;
  chosenFor = effective;
  const attempt = choose(effective).then((c) => {
    // Once a backend runs, the GPU package's absence on a GPU-less machine is not worth a line.
    const shown = c.skipped.filter((w) => !w.endsWith(': no NVIDIA GPU on this machine') || c.backend !== 'tensorflow');
    const why = shown.length > 0 ? ` (skipped ${shown.join('; ')})` : '';
    log(`tfjs backend: ${c.label}${why}`);
    return c;
  });
  chosen = attempt;
  // A failed choice is not memoised, so a later call can try again.
  attempt.catch(() => {
    if (chosen === attempt) {
      chosen = undefined;
      chosenFor = undefined;
    }
  });
  return attempt;
}

/**
 * Every explicit backend that loads on this machine, fastest first (e.g. `['tensorflow', 'wasm',
 * 'cpu']`), each with its label. Leaves the last one probed active; callers select what they need.
 */
export async function loadableBackends(): Promise<BackendChoice[]> {
  const out: BackendChoice[] = [];
  for (const pref of ['tensorflow', 'wasm', 'cpu'] as const) {
    try {
      out.push(await selectBackend(pref, () => undefined));
    } catch {
      // not available here
    }
  }
  return out;
}
