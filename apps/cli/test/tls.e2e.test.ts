// TLS end to end, with a throw-away PKI made by openssl: `slab serve` serves https + wss with
// --tls-cert/--tls-key and reaches Temporal over mTLS; a `slab worker` on "another node" trusts the
// gateway through SLAB_CA and reaches Temporal over mTLS too; a replay sweep submitted over https runs
// to the end with its metrics streamed over wss. The pinned dev server cannot serve TLS itself, so a
// TLS terminator that requires a client certificate signed by the test CA stands in front of it (the
// way a cluster's mTLS frontend would); a Temporal client without a client certificate is refused.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request } from 'node:https';
import { connect as netConnect, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer as createTlsServer, type Server as TlsServer, type TLSSocket } from 'node:tls';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectTemporal } from '@slab/orchestration-node';
import { freePort, startDevServer, type DevServer } from '@slab/temporal-dev';
import { makeTestPki, type TestPki } from '@slab/gateway/testing';
import { waitFor } from './helpers';

const main = fileURLToPath(new URL('../src/main.ts', import.meta.url));
const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));

const SPEC = `name: tls-replay
task:
  dataset: chinchilla
  model: transformer
  plugin: replay
  options: { table: data/chinchilla/svg_extracted_data.csv, steps: 20 }
dimensions:
  params: { min: 5.7e7, max: 1.26e10, scale: log }
  data: { min: 8.2e8, max: 1.44e11, scale: log }
budget: { trials: 4 }
parallelism: 2
resourceClass: tls-cpu
planner: { kind: random, seed: 0 }
law: { name: chinchilla, metric: eval_loss, variables: { N: params, D: data }, bootstrap: 10 }
trial: { logEvery: 5, evalEvery: 10, checkpointEvery: 10, timeoutSeconds: 120, heartbeatSeconds: 10, maxAttempts: 2 }
`;

let pki: TestPki;
let dir: string;
let dev: DevServer;
let frontend: TlsServer;
let frontendAddress: string;
/** Subject CNs of the client certificates the mTLS frontend accepted. */
const clients: string[] = [];
const children: ChildProcess[] = [];
let log = '';

function start(args: string[], env: NodeJS.ProcessEnv): ChildProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', main, ...args], { cwd: repoRoot, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  child.stdout?.on('data', (b: Buffer) => (log = (log + b.toString()).slice(-20_000)));
  child.stderr?.on('data', (b: Buffer) => (log = (log + b.toString()).slice(-20_000)));
  children.push(child);
  return child;
}

/** An https request trusting the test CA only. */
function https(method: string, url: string, token: string, body?: unknown): Promise<{ status: number; json: unknown }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method, ca: readFileSync(pki.ca), headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' } }, (res) => {
      let text = '';
      res.on('data', (d: Buffer) => (text += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, json: text ? JSON.parse(text) : undefined }));
    });
    req.on('error', reject);
    req.end(body === undefined ? undefined : JSON.stringify(body));
  });
}

beforeAll(async () => {
  pki = makeTestPki();
  dir = mkdtempSync(join(tmpdir(), 'slab-tls-'));
  dev = await startDevServer({ stateDir: join(dir, 'temporal'), headless: true });
  const [, devPort] = dev.address.split(':');
  // mTLS frontend: TLS with HTTP/2 (gRPC) negotiated, a client certificate from the test CA required.
  frontend = createTlsServer(
    { cert: readFileSync(pki.serverCert), key: readFileSync(pki.serverKey), ca: readFileSync(pki.ca), requestCert: true, rejectUnauthorized: true, ALPNProtocols: ['h2'] },
    (socket: TLSSocket) => {
      clients.push(String(socket.getPeerCertificate().subject?.CN));
      const upstream = netConnect(Number(devPort), '127.0.0.1');
      socket.on('error', () => upstream.destroy());
      upstream.on('error', () => socket.destroy());
      socket.pipe(upstream).pipe(socket);
    },
  );
  frontend.on('tlsClientError', () => undefined);
  await new Promise<void>((resolve) => frontend.listen(0, '127.0.0.1', resolve));
  frontendAddress = `127.0.0.1:${(frontend.address() as AddressInfo).port}`;
}, 120_000);

afterAll(async () => {
  for (const child of children) {
    if (child.exitCode !== null || child.signalCode !== null) continue;
    const gone = new Promise<void>((r) => child.once('exit', () => r()));
    try {
      process.kill(-child.pid!, 'SIGKILL');
    } catch {
      // already gone
    }
    await gone;
  }
  await new Promise<void>((resolve) => (frontend ? frontend.close(() => resolve()) : resolve()));
  await dev?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
  pki?.cleanup();
}, 60_000);

describe('TLS to clients and mTLS to Temporal', { timeout: 300_000 }, () => {
  it('a Temporal client without a client certificate is refused by the mTLS frontend', async () => {
    await expect(connectTemporal(frontendAddress, { serverRootCACertificate: readFileSync(pki.ca) }).then((c) => c.close())).rejects.toThrow();
  });

  it('slab serve (https, mTLS to Temporal) and a slab worker on another node run a sweep to the end', async () => {
    const temporalTls = ['--temporal-tls-cert', pki.clientCert, '--temporal-tls-key', pki.clientKey, '--temporal-ca', pki.ca];
    const port = await freePort();
    const serveEnv: NodeJS.ProcessEnv = { ...process.env, SLAB_STATE_DIR: join(dir, 'serve') };
    delete serveEnv.SLAB_TOKEN;
    delete serveEnv.SLAB_INGEST_TOKEN;
    const serve = start(['serve', '--temporal', frontendAddress, ...temporalTls, '--port', String(port), '--tls-cert', pki.serverCert, '--tls-key', pki.serverKey, '--ca', pki.ca], serveEnv);
    await waitFor(`slab serve to start (log: ${log})`, () => {
      if (serve.exitCode !== null) throw new Error(`slab serve exited with ${serve.exitCode}:\n${log}`);
      return /^console: /m.test(log) ? true : undefined;
    }, 180_000, 300);
    const gateway = `https://127.0.0.1:${port}`;
    expect(log).toContain(`gateway and console on ${gateway}`);
    expect(/^console: (\S+)/m.exec(log)![1]).toMatch(new RegExp(`^${gateway}/login\\?code=`));
    const token = readFileSync(join(dir, 'serve', 'token'), 'utf8').trim();
    const ingest = readFileSync(join(dir, 'serve', 'ingest-token'), 'utf8').trim();

    // The worker on "another node": its own state directory, the CA from SLAB_CA, the ingest token.
    const workerEnv: NodeJS.ProcessEnv = { ...process.env, SLAB_STATE_DIR: join(dir, 'node'), SLAB_CA: pki.ca, SLAB_TOKEN: ingest };
    start(['worker', '--queue', 'tls-cpu', '--plugin', 'replay', '--temporal', frontendAddress, ...temporalTls, '--gateway', gateway, '--checkpoints', join(dir, 'node', 'checkpoints')], workerEnv);

    const created = await https('POST', `${gateway}/api/sweeps`, token, { spec: SPEC });
    expect(created.status, JSON.stringify(created.json)).toBe(201);
    const id = (created.json as { id: string }).id;
    const detail = await waitFor(`sweep ${id} to finish (log: ${log})`, async () => {
      const r = await https('GET', `${gateway}/api/sweeps/${id}`, token);
      const phase = (r.json as { status?: { phase?: string } }).status?.phase;
      return phase === 'completed' || phase === 'failed' || phase === 'cancelled' ? (r.json as { status: { phase: string; trials: { completed: number } } }) : undefined;
    }, 240_000, 1000);
    expect(detail.status.phase).toBe('completed');
    expect(detail.status.trials.completed).toBe(4);

    // Every trial's curve came over wss from the worker.
    const trials = (await https('GET', `${gateway}/api/sweeps/${id}/trials`, token)).json as { id: string }[];
    expect(trials).toHaveLength(4);
    for (const t of trials) {
      const points = (await https('GET', `${gateway}/api/trials/${t.id}/metrics?name=train_loss`, token)).json as unknown[];
      expect(points.length, t.id).toBeGreaterThan(0);
    }
    // The CLI reads the sweep over https, trusting the gateway through --ca (its node:https transport).
    const ls = await new Promise<{ code: number; out: string }>((resolve) => {
      const env: NodeJS.ProcessEnv = { ...process.env, SLAB_TOKEN: token };
      delete env.SLAB_CA;
      delete env.NODE_EXTRA_CA_CERTS;
      execFile(process.execPath, ['--import', 'tsx', main, 'ls', '--gateway', gateway, '--ca', pki.ca], { cwd: repoRoot, env }, (err, stdout, stderr) =>
        resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, out: stdout + stderr }),
      );
    });
    expect(ls.code, ls.out).toBe(0);
    expect(ls.out).toMatch(new RegExp(`${id}\\s+tls-replay\\s+completed`));
    // Serve (client and orchestrator worker) and the trainer worker all came through mTLS.
    expect(clients.length).toBeGreaterThanOrEqual(3);
    expect(new Set(clients)).toEqual(new Set(['client']));
  });
});
