/**
 * Test helpers that run the gateway as its own process (`src/main.ts` through tsx) and speak to it
 * over raw TCP, so a fault that would kill the process shows up as a dead child, not as a crash of
 * the test runner.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { connect, type Socket } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
// The gateway runs in this child itself, tsx as a loader: tsx's own CLI would run it in a grandchild
// that a SIGKILL of the child leaves behind.

export interface GatewayProcess {
  child: ChildProcess;
  url: string;
  port: number;
  /** Everything the process wrote to stderr so far. */
  stderr(): string;
  /** Resolves with the exit code (or signal name) once the process has exited. */
  exited: Promise<number | string>;
  stop(): Promise<void>;
}

/** Starts `src/main.ts` with the given flags; resolves once it prints its listening line. */
export async function spawnGateway(args: string[]): Promise<GatewayProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(here, '../src/main.ts'), ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<number | string>((resolve) => child.once('exit', (code, signal) => resolve(code ?? signal ?? -1)));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`gateway did not start: ${err}`)), 30_000);
    const check = (): void => {
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    };
    child.stdout?.on('data', check);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`gateway exited with ${code} before listening: ${err}`));
    });
  });
  return {
    child,
    url,
    port: Number(new URL(url).port),
    stderr: () => err,
    exited,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
  };
}

/** Runs `src/main.ts` to completion (for start-up failures); resolves with its exit code and output. */
export function runGateway(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(here, '../src/main.ts'), ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
  return new Promise((resolve) =>
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    }),
  );
}

/**
 * A websocket client below the `ws` library: it completes the handshake, then writes whatever bytes
 * a test gives it (unmasked frames, reserved bits, bad UTF-8) and reports the close code the server
 * sends back.
 */
export class RawWebSocket {
  private buffer = Buffer.alloc(0);
  private upgraded = false;
  readonly closeCode: Promise<number | undefined>;
  private constructor(readonly socket: Socket) {
    this.closeCode = new Promise((resolve) => {
      socket.on('data', (d: Buffer) => {
        this.buffer = Buffer.concat([this.buffer, d]);
        const code = this.readCloseCode();
        if (code !== undefined) resolve(code);
      });
      socket.on('close', () => resolve(this.readCloseCode()));
      socket.on('error', () => undefined);
    });
  }

  static async connect(port: number, path = '/ws', headers: Record<string, string> = {}): Promise<RawWebSocket> {
    const socket = connect(port, '127.0.0.1');
    const raw = new RawWebSocket(socket);
    const extra = Object.entries(headers).map(([k, v]) => `${k}: ${v}\r\n`).join('');
    socket.write(
      `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
        `Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n${extra}\r\n`,
    );
    await new Promise<void>((resolve, reject) => {
      const onData = (): void => {
        const text = raw.buffer.toString('latin1');
        const end = text.indexOf('\r\n\r\n');
        if (end < 0) return;
        socket.off('data', onData);
        if (!text.startsWith('HTTP/1.1 101')) return reject(new Error(`handshake refused: ${text.slice(0, end)}`));
        raw.buffer = raw.buffer.subarray(end + 4);
        raw.upgraded = true;
        resolve();
      };
      socket.on('data', onData);
      socket.once('close', () => reject(new Error('closed during the handshake')));
    });
    return raw;
  }

  /** Writes raw bytes on the upgraded connection. */
  write(bytes: Uint8Array): void {
    this.socket.write(bytes);
  }

  /** A client frame with the mask bit set (zero mask key), as RFC 6455 requires of clients. */
  static frame(opcode: number, payload: Uint8Array): Buffer {
    const len = payload.length;
    const head = len < 126 ? Buffer.from([0x80 | opcode, 0x80 | len]) : Buffer.from([0x80 | opcode, 0x80 | 126, len >> 8, len & 0xff]);
    return Buffer.concat([head, Buffer.alloc(4), Buffer.from(payload)]);
  }

  private readCloseCode(): number | undefined {
    if (!this.upgraded) return undefined;
    // Server frames are unmasked: [0x88, len, code hi, code lo, reason...]; skip any data frames first.
    let i = 0;
    while (i + 2 <= this.buffer.length) {
      const opcode = this.buffer[i] & 0x0f;
      let len = this.buffer[i + 1] & 0x7f;
      let start = i + 2;
      if (len === 126) {
        if (i + 4 > this.buffer.length) return undefined;
        len = this.buffer.readUInt16BE(i + 2);
        start = i + 4;
      }
      if (start + len > this.buffer.length) return undefined;
      if (opcode === 0x8) return len >= 2 ? this.buffer.readUInt16BE(start) : 1005;
      i = start + len;
    }
    return undefined;
  }

  destroy(): void {
    this.socket.destroy();
  }
}

/** GET /healthz; true when the gateway answered `{ ok: true }`. */
export async function healthy(url: string): Promise<boolean> {
  try {
    const res = await fetch(`${url}/healthz`);
    return res.ok && ((await res.json()) as { ok?: boolean }).ok === true;
  } catch {
    return false;
  }
}
