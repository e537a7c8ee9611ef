/**
 * Backend choice: tfjs-node-gpu > tfjs-node > wasm > cpu. The two native packages are optional
 * (they need libtensorflow, which cannot be fetched on every machine), so a failed import falls
 * through quietly. The choice is process-wide in tfjs, hence memoised here.
 */
import * as tf from '@tensorflow/tfjs';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';

export type BackendPreference = 'auto' | 'tensorflow' | 'wasm' | 'cpu';

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

/** Imports a package by a computed name so that bundlers and tsc do not require it to exist. */
async function optionalImport(name: string): Promise<unknown> {
  return import(/* @vite-ignore */ name);
}

async function tryNative(pkg: string): Promise<string | undefined> {
  try {
    await optionalImport(pkg);
  } catch (e) {
    return `${pkg}: ${firstLine(e)}`;
  }
  if (!(await tf.setBackend('tensorflow'))) return `${pkg}: loaded but the tensorflow backend failed to start`;
  return undefined;
}

async function tryWasm(): Promise<string | undefined> {
  try {
    const wasm = await import('@tensorflow/tfjs-backend-wasm');
    // In Node the .wasm binaries are read from disk; point the backend at the package's dist/.
    const entry = createRequire(import.meta.url).resolve('@tensorflow/tfjs-backend-wasm');
    wasm.setWasmPaths(`${dirname(entry)}/`);
    if (!(await tf.setBackend('wasm'))) return 'wasm: backend failed to initialise';
    return undefined;
  } catch (e) {
    return `wasm: ${firstLine(e)}`;
  }
}

function firstLine(e: unknown): string {
  return (e instanceof Error ? e.message : String(e)).split('\n')[0];
}

async function choose(pref: BackendPreference): Promise<BackendChoice> {
  const skipped: string[] = [];
  if (pref === 'auto' || pref === 'tensorflow') {
    for (const pkg of ['@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-node']) {
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
 * (used by the benchmark); `log` receives one line describing the choice.
 */
export function selectBackend(
  pref: BackendPreference = 'auto',
  log: (line: string) => void = (l) => console.log(l),
): Promise<BackendChoice> {
  if (chosen && chosenFor === pref) return chosen;
  chosenFor = pref;
  const attempt = choose(pref).then((c) => {
    const why = c.skipped.length > 0 ? ` (skipped ${c.skipped.join('; ')})` : '';
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
