import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type ClientFrame, decodeServerFrame, encodeClientFrame, type ServerFrame } from '@slab/proto';
import { testStoreUrlSync } from '@slab/store/testing';
import WebSocket from 'ws';

export const TOKEN = 'test-token';

/** Log sink for tests that expect noise (rejected frames, ...). */
export const quiet = (_message: string): void => undefined;

/**
 * A temp directory and the store the test's gateway uses: `slab.db` in it, or, with
 * SLAB_TEST_STORE=postgres, a fresh database on this process's test Postgres (@slab/store/testing).
 */
export function tempDir(): { dir: string; dbPath: string; cleanup(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'slab-gw-'));
  return { dir, dbPath: testStoreUrlSync(join(dir, 'slab.db')), cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** A raw websocket peer speaking the protobuf protocol, for exercising the gateway frame by frame. */
export class Peer {
  readonly ws: WebSocket;
  private readonly inbox: ServerFrame[] = [];
  private readonly waiting: ((f: ServerFrame) => void)[] = [];
  readonly closed: Promise<{ code: number }>;

  private constructor(url: string) {
    this.ws = new WebSocket(url);
    this.ws.on('message', (data: Buffer) => {
      const frame = decodeServerFrame(data);
      const w = this.waiting.shift();
      if (w) w(frame);
      else this.inbox.push(frame);
    });
    this.closed = new Promise((resolve) => this.ws.on('close', (code) => resolve({ code })));
  }

  static async connect(url: string): Promise<Peer> {
    const peer = new Peer(url);
    await new Promise<void>((resolve, reject) => {
      peer.ws.once('open', () => resolve());
      peer.ws.once('error', reject);
    });
    return peer;
  }

  send(frame: ClientFrame): void {
    this.ws.send(encodeClientFrame(frame));
  }

  sendRaw(bytes: Uint8Array | string): void {
    this.ws.send(bytes);
  }

  next(): Promise<ServerFrame> {
    const f = this.inbox.shift();
    if (f) return Promise.resolve(f);
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  async nextAck(): Promise<{ trialId: string; seq: number }> {
    const f = await this.next();
    if (f.kind !== 'ack') throw new Error(`expected an ack, got ${JSON.stringify(f)}`);
    return f.ack;
  }

  close(): void {
    this.ws.close();
  }
}

export const points = (steps: number[], name = 'train_loss') =>
  steps.map((step) => ({ step, name, value: 1 / (step + 1), wallTime: 1_700_000_000 + step }));
