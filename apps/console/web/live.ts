/**
 * Live updates from the gateway: one websocket to `/ws`, a protobuf `subscribe` for a sweep (or all
 * sweeps), decoded `ServerFrame{update}` messages handed to the page. On close it reconnects with
 * backoff and tells the page, which re-reads REST state to cover whatever it missed meanwhile.
 */
import { decodeServerFrame, encodeClientFrame, type LiveUpdate } from '@slab/proto';

export type LiveState = 'connecting' | 'live' | 'offline';

export interface LiveHandlers {
  onUpdate(update: LiveUpdate): void;
  onState?(state: LiveState): void;
  /** Called after every (re)subscription except the first, so the page can refill gaps from REST. */
  onResubscribed?(): void;
}

export function wsUrl(loc: Location = location): string {
  return `${loc.protocol === 'https:' ? 'wss' : 'ws'}://${loc.host}/ws`;
}

export class LiveConnection {
  private ws?: WebSocket;
  private closed = false;
  private attempts = 0;
  private timer?: ReturnType<typeof setTimeout>;
  private subscribedOnce = false;

  constructor(
    private readonly sweepId: string,
    private readonly handlers: LiveHandlers,
    private readonly url: string = wsUrl(),
  ) {
    this.connect();
  }

  private connect(): void {
    this.handlers.onState?.('connecting');
    const ws = new WebSocket(this.url);
    ws.binaryType = 'arraybuffer';
    this.ws = ws;
    ws.onopen = () => {
      this.attempts = 0;
      ws.send(encodeClientFrame({ kind: 'subscribe', subscribe: { sweepId: this.sweepId } }));
      this.handlers.onState?.('live');
      if (this.subscribedOnce) this.handlers.onResubscribed?.();
      this.subscribedOnce = true;
    };
    ws.onmessage = (ev: MessageEvent) => {
      if (!(ev.data instanceof ArrayBuffer)) return;
      try {
        const frame = decodeServerFrame(new Uint8Array(ev.data));
        if (frame.kind === 'update') this.handlers.onUpdate(frame.update);
        else if (frame.kind === 'error') console.warn(`gateway: ${frame.error.message}`);
      } catch (err) {
        // One bad frame must not kill the page; the next REST refill corrects the view.
        console.warn('dropped undecodable frame:', err);
      }
    };
    ws.onclose = () => {
      if (this.closed) return;
      this.handlers.onState?.('offline');
      const delay = Math.min(5000, 250 * 2 ** this.attempts++);
      this.timer = setTimeout(() => this.connect(), delay);
    };
  }

  close(): void {
    this.closed = true;
    clearTimeout(this.timer);
    this.ws?.close();
  }
}
