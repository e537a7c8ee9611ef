/**
 * Live fan-out: console sockets subscribe to one sweep (or all, with an empty id) and get every
 * stored frame, event, fit and status change of it as ServerFrame{update}. Snapshots and live
 * updates go through the same backpressure check, so no subscriber makes the gateway buffer
 * without bound.
 */
import { encodeServerFrame, type LiveUpdate } from '@slab/proto';
import WebSocket from 'ws';
import { CloseCode } from './limits';

export class LiveHub {
  private readonly subs = new Map<WebSocket, Set<string>>();

  /** @param maxBufferedBytes a subscriber with more than this queued is dropped (1013). */
  constructor(private readonly maxBufferedBytes: number) {}

  /** Adds a subscription; false when the socket already holds `maxPerSocket` others. */
  subscribe(ws: WebSocket, sweepId: string, maxPerSocket: number): boolean {
    let set = this.subs.get(ws);
    if (!set) {
      set = new Set();
      this.subs.set(ws, set);
      ws.once('close', () => this.subs.delete(ws));
    }
    if (!set.has(sweepId) && set.size >= maxPerSocket) return false;
    set.add(sweepId);
    return true;
  }

  publish(update: LiveUpdate): void {
    if (this.subs.size === 0) return;
    const bytes = encodeServerFrame({ kind: 'update', update });
    for (const [ws, sweeps] of this.subs) {
      if (sweeps.has(update.sweepId) || sweeps.has('')) this.deliver(ws, bytes);
    }
  }

  /** Sends one encoded frame unless the socket is closed or too far behind (then it is dropped). */
  deliver(ws: WebSocket, bytes: Uint8Array): boolean {
    if (ws.readyState !== WebSocket.OPEN) return false;
    if (ws.bufferedAmount > this.maxBufferedBytes) {
      ws.close(CloseCode.tryAgainLater, 'subscriber too slow');
      return false;
    }
    ws.send(bytes);
    return true;
  }

  get size(): number {
    return this.subs.size;
  }
}
