// Probe inputs that used to kill the gateway process (and, under `slab up`, the whole stack): each
// one runs against the gateway as its own process, and after each the process must still be alive
// and serving. Close codes are RFC 6455's: 1002 protocol error, 1007 bad payload, 1009 too big.
import { connect } from 'node:net';
import { encodeClientFrame } from '@slab/proto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { TOKEN, tempDir } from './helpers';
import { type GatewayProcess, healthy, RawWebSocket, runGateway, spawnGateway } from './process';

let tmp: ReturnType<typeof tempDir>;
let gw: GatewayProcess;

beforeAll(async () => {
  tmp = tempDir();
  gw = await spawnGateway(['--db', tmp.dbPath, '--token', TOKEN, '--port', '0']);
}, 60_000);

afterAll(async () => {
  await gw?.stop();
  tmp?.cleanup();
});

afterEach(async () => {
  expect(gw.child.exitCode, `gateway died; stderr:\n${gw.stderr()}`).toBeNull();
  expect(await healthy(gw.url)).toBe(true);
});

/** Opens a `ws` client, optionally sends Hello, sends `payload` and resolves with the close code. */
async function sendAndClose(payload: Buffer, opts: { hello: boolean }): Promise<number> {
  const ws = new WebSocket(gw.url.replace('http', 'ws') + '/ws');
  ws.on('error', () => undefined); // the server may reset the socket while we still write
  await new Promise((resolve) => ws.once('open', resolve));
  if (opts.hello) ws.send(encodeClientFrame({ kind: 'hello', hello: { token: TOKEN, workerId: 'probe' } }));
  ws.send(payload);
  return new Promise((resolve) => ws.once('close', (code) => resolve(code)));
}

describe('protocol faults never kill the gateway', () => {
  it('a 2-byte unmasked client frame is a protocol error (1002)', async () => {
    const raw = await RawWebSocket.connect(gw.port);
    raw.write(Buffer.from([0x82, 0x00])); // FIN + binary, length 0, mask bit missing
    expect(await raw.closeCode).toBe(1002);
    raw.destroy();
  });

  it('reserved bits and unknown opcodes are protocol errors (1002)', async () => {
    const rsv = await RawWebSocket.connect(gw.port);
    rsv.write(Buffer.from([0xc2, 0x80, 0, 0, 0, 0])); // RSV1 set without a negotiated extension
    expect(await rsv.closeCode).toBe(1002);
    rsv.destroy();
    const opcode = await RawWebSocket.connect(gw.port);
    opcode.write(RawWebSocket.frame(0x3, Buffer.from([1, 2]))); // reserved data opcode
    expect(await opcode.closeCode).toBe(1002);
    opcode.destroy();
  });

  it('a text message that is not UTF-8 is bad payload data (1007)', async () => {
    const raw = await RawWebSocket.connect(gw.port);
    raw.write(RawWebSocket.frame(0x1, Buffer.from([0xff, 0xfe])));
    expect(await raw.closeCode).toBe(1007);
    raw.destroy();
  });

  it('a message over the size limit is closed with 1009, authenticated or not', async () => {
    expect(await sendAndClose(Buffer.alloc(5 * 1024 * 1024, 1), { hello: true })).toBe(1009);
    // Before Hello only small frames (Hello, Subscribe) are read at all.
    expect(await sendAndClose(Buffer.alloc(64 * 1024, 1), { hello: false })).toBe(1009);
  });

  it('an undecodable frame before Hello closes the socket with 1007 after an Error frame', async () => {
    expect(await sendAndClose(Buffer.from([0x12, 0x40]), { hello: false })).toBe(1007);
  });

  it('a request line whose target is not a URL gets 400, and a bad %-escape names the path', async () => {
    const answer = await new Promise<string>((resolve) => {
      const socket = connect(gw.port, '127.0.0.1', () => socket.write('GET http://[ HTTP/1.1\r\nHost: x\r\n\r\n'));
      let text = '';
      socket.on('data', (d: Buffer) => (text += d.toString()));
      socket.on('close', () => resolve(text));
      socket.on('error', () => resolve(text));
      setTimeout(() => socket.destroy(), 2_000);
    });
    expect(answer).toMatch(/^HTTP\/1\.1 400/);
    const res = await fetch(`${gw.url}/api/sweeps/%E0%A4%A`);
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: string }).error).toMatch(/^path: /);
  });

  it('a second gateway on a port in use exits with one line naming the port', async () => {
    const second = await runGateway(['--db', `${tmp.dir}/other.db`, '--token', TOKEN, '--port', String(gw.port)]);
    expect(second.code).toBe(1);
    const lines = second.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(new RegExp(`127\\.0\\.0\\.1:${gw.port} is already in use`));
  }, 30_000); // starts a second process: slow on a loaded machine
});
