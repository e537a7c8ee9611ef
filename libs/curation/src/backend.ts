import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';

/**
 * tfjs backend selection. Scoring is synchronous once a backend is active; `initCurationBackend` picks
 * 'wasm' (≈ 30× faster than 'cpu' for the small matmuls here, loaded from node_modules, no download).
 * If nobody initialised a backend, `ensureBackend` falls back to 'cpu' (synchronous to set up); an active
 * wasm, cpu or tensorflow (tfjs-node) backend is kept, so scoring inside a trainer uses the trainer's.
 */
export async function initCurationBackend(name: 'wasm' | 'cpu' = 'wasm'): Promise<string> {
  if (tf.getBackend() !== name) {
    const ok = await tf.setBackend(name);
    if (!ok) throw new Error(`initCurationBackend: tfjs backend '${name}' failed to initialise`);
  }
  await tf.ready();
  return tf.getBackend();
}

export function ensureBackend(): void {
  const current = tf.engine().backendName;
  // 'tensorflow' (tfjs-node[-gpu]): a trainer process chose it; scoring must not switch it away.
  if (current === 'wasm' || current === 'cpu' || current === 'tensorflow') return;
  // setBackend resolves synchronously for the cpu backend; the promise carries nothing we need.
  void tf.setBackend('cpu');
}

export { tf };
