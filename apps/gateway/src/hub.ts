/**
 * Live fan-out: console sockets subscribe to one sweep (or all, with an empty id) and get every
 * stored frame, event, fit and status change of it as ServerFrame{update}.
 */
import { encodeServerFrame, type LiveUpdate } from '@slab/proto';
import WebSocket from 'ws';

/** A subscriber this far behind is dropped rather than buffered without bound. */
const MAX_BUFFERED_BYTES = 16 * 1024 * 1024;

export class LiveHub {
  private readonly subs = new Map<WebSocket, Set<string>>();

  subscribe(ws: WebSocket, sweepId: string): void {
    let set = this.subs.get(ws);
    if (!set) {
      set = new Set();
      this.subs.set(ws, set);
      ws.once('close', () => this.subs.delete(ws));
    }
    set.add(sweepId);
  }

  publish(update: LiveUpdate): void {
    if (this.subs.size === 0) return;
    const bytes = encodeServerFrame({ kind: 'update', update });
    for (const [ws, sweeps] of this.subs) {
      if (!sweeps.has(update.sweepId) && !sweeps.has('')) continue;
      if (ws.readyState !== WebSocket.OPEN) continue;
      if (ws.bufferedAmount > MAX_BUFFERED_BYTES) {
        ws.close(1013, 'subscriber too slow');
        continue;
      }
      ws.send(bytes);
    }
  }

  get size(): number {
    return this.subs.size;
  }
}
