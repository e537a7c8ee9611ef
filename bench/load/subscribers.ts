/**
 * K console subscribers of sweep `load`, in their own process so their decoding does not queue behind
 * the emitters' event loop. Prints `ready` once every snapshot arrived; on `done` on stdin, waits until
 * each has `expected` points (or was closed, or 5 s pass without progress) and prints one JSON line:
 * points received, latency percentiles (receive − emit time carried as the point's value, ms), close codes.
 */
import { createInterface } from 'node:readline';
import WebSocket from 'ws';
import { decodeServerFrame, encodeClientFrame } from '@slab/proto';

const [wsUrl, k, expectedArg] = process.argv.slice(2);
const expected = Number(expectedArg);
const latencies: number[] = [];
const subs = await Promise.all(
  Array.from({ length: Number(k) }, async () => {
    const s = { received: 0, closedCode: undefined as number | undefined };
    const ws = new WebSocket(wsUrl);
    let snapshot!: () => void;
    const ready = new Promise<void>((r) => (snapshot = r));
    ws.on('message', (data: Buffer) => {
      const now = Date.now();
      const f = decodeServerFrame(data);
      if (f.kind !== 'update') return;
      if (f.update.kind !== 'metrics') return snapshot();
      for (const p of f.update.metrics.points) latencies.push(now - p.value);
      s.received += f.update.metrics.points.length;
    });
    ws.on('close', (code) => (s.closedCode = code));
    await new Promise<void>((resolve, reject) => (ws.once('open', () => resolve()), ws.once('error', reject)));
    ws.send(encodeClientFrame({ kind: 'subscribe', subscribe: { sweepId: 'load' } }));
    await ready;
    return Object.assign(s, { ws });
  }),
);
console.log('ready');
createInterface({ input: process.stdin }).once('line', async () => {
  for (let last = -1, still = 0; still < 50; ) {
    const total = subs.reduce((n, s) => n + s.received, 0);
    if (subs.every((s) => s.received >= expected || s.closedCode !== undefined)) break;
    still = total === last ? still + 1 : 0;
    last = total;
    await new Promise((r) => setTimeout(r, 100));
  }
  latencies.sort((a, b) => a - b);
  const q = (x: number) => latencies[Math.min(latencies.length - 1, Math.floor(x * latencies.length))] ?? null;
  console.log(JSON.stringify({ received: subs.reduce((n, s) => n + s.received, 0), p50Ms: q(0.5), p99Ms: q(0.99), maxMs: latencies.at(-1) ?? null, closed: subs.map((s) => s.closedCode ?? null) }));
  subs.forEach((s) => s.ws.close());
  process.exit(0);
});
