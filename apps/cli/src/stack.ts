/**
 * The embedded stack behind `slab up` / `slab run`: the pinned Temporal dev server (its own SQLite
 * file), the gateway (SQLite store, websocket ingest, console), the orchestrator worker in this
 * process, and trainer workers as child processes (training is CPU-bound and must not stall the
 * gateway's event loop; a separate process is also what a GPU node runs).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startDevServer } from '@slab/temporal-dev';
import { startGateway } from '@slab/gateway';
import { parseStoreUrl } from '@slab/store';
import { connectTemporal, createTemporalSweepControl, runOrchestratorWorker, type TemporalTls } from '@slab/orchestration-node';
import { buildConsole } from '@slab/console';
import { DEFAULT_GATEWAY_PORT, resolveIngestToken, resolveToken, writeStackInfo, type StackInfo } from './config';
import { installTemporalLogging } from './logging';
import { checkSpec } from './spec-check';
import { lockStateDir } from './state-lock';
import type { WorkerSpec } from './worker-specs';

export { parseWorkerSpecs, type WorkerSpec } from './worker-specs';

export interface StackOptions {
  stateDir: string;
  /**
   * The gateway's store: a `postgres://…` URL, `sqlite:<path>` or a SQLite file path (default:
   * `slab.sqlite` in the state directory). With Postgres, checkpoint blobs stay in `<stateDir>/blobs`.
   */
  store?: string;
  /** An existing Temporal frontend (cluster or Cloud); without it the pinned dev server is started. */
  temporalAddress?: string;
  /** TLS (mTLS) to that frontend. */
  temporalTls?: TemporalTls;
  /** Temporal namespace of the sweeps (default `default`). */
  temporalNamespace?: string;
  /** Start the dev server's Web UI (default off: it lets any local process drive workflows). */
  ui?: boolean;
  gatewayPort?: number;
  /** Gateway listen address (default 127.0.0.1). */
  gatewayHost?: string;
  /** Serve the gateway over https/wss with this PEM certificate chain and key. */
  gatewayTls?: { cert: Buffer; key: Buffer };
  temporalPort?: number;
  workers: WorkerSpec[];
  log?: (line: string) => void;
  /** Where a dead or restarted worker is reported (default: stderr, whatever `log` does). */
  alert?: (line: string) => void;
}

export interface Stack extends StackInfo {
  consoleUrl: string;
  /** A one-click console link with a single-use login code (never the token), landing on `to`. */
  loginUrl(to?: string): string;
  /** The supervised local trainer workers. */
  workers: SupervisedWorker[];
  stop(): Promise<void>;
}

// Workers start through `slab` itself, which runs the built CLI when it is current (no TypeScript to
// compile on each start or restart) and the sources through tsx otherwise.
const slabBin = fileURLToPath(new URL('../bin/slab.js', import.meta.url));

/**
 * Spawn `slab worker` as a child process that inherits nothing but our addresses and the
 * ingest-only token (`info.ingestToken`): a trainer never holds the control token when one is given.
 */
export function spawnTrainerWorker(spec: WorkerSpec, info: StackInfo, stateDir: string, log: (l: string) => void): ChildProcess {
  const args = [slabBin, 'worker', '--queue', spec.queue, '--plugin', spec.plugins.join(','), '--temporal', info.temporalAddress, '--gateway', info.gatewayUrl, '--checkpoints', join(stateDir, 'checkpoints')];
  if (spec.concurrency) args.push('--concurrency', String(spec.concurrency));
  const env: NodeJS.ProcessEnv = { ...process.env, SLAB_TOKEN: info.ingestToken ?? info.token };
  delete env.SLAB_INGEST_TOKEN;
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'], env });
  const prefix = `[worker ${spec.queue}] `;
  child.stdout?.on('data', (b: Buffer) => b.toString().split('\n').filter(Boolean).forEach((l) => log(prefix + l)));
  child.stderr?.on('data', (b: Buffer) => b.toString().split('\n').filter(Boolean).forEach((l) => log(prefix + l)));
  return child;
}

/** A trainer worker kept alive by the stack: restarted with back-off whenever it exits on its own. */
export interface SupervisedWorker {
  readonly spec: WorkerSpec;
  /** Pid of the current process (changes on restart). */
  readonly pid: number | undefined;
  /** Restarts so far. */
  readonly restarts: number;
  stop(): Promise<void>;
}

/** Back-off before restart n (0-based): 1 s, 2 s, 4 s, ... up to 30 s. */
export function restartDelayMs(n: number): number {
  return Math.min(30_000, 1000 * 2 ** n);
}

/** A worker that ran this long before dying is considered healthy again: its back-off starts over. */
const HEALTHY_MS = 60_000;

/**
 * Runs `slab worker` under supervision. A worker that dies (crash, OOM kill, SIGKILL) is reported
 * on stderr with its exit code or signal and restarted after a back-off; its trial's activity misses
 * its heartbeat, Temporal retries it on the restarted worker, and the retry resumes from the trial's
 * last checkpoint (recorded on local disk, so nothing is lost between heartbeats).
 */
export function superviseTrainerWorker(spec: WorkerSpec, info: StackInfo, stateDir: string, log: (l: string) => void, alert: (l: string) => void = (l) => console.error(l)): SupervisedWorker {
  let child: ChildProcess;
  let restarts = 0;
  let failures = 0;
  let stopping = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const start = () => {
    const startedAt = Date.now();
    child = spawnTrainerWorker(spec, info, stateDir, log);
    child.once('exit', (code, signal) => {
      if (stopping) return;
      if (Date.now() - startedAt >= HEALTHY_MS) failures = 0;
      const delay = restartDelayMs(failures);
      failures += 1;
      alert(`[worker ${spec.queue}] pid ${child.pid} died (${signal ? `signal ${signal}` : `exit code ${code}`}); restarting in ${delay / 1000} s — its trials are retried from their last checkpoint`);
      timer = setTimeout(() => {
        timer = undefined;
        if (stopping) return;
        restarts += 1;
        start();
        alert(`[worker ${spec.queue}] restarted as pid ${child.pid} (restart ${restarts})`);
      }, delay);
    });
  };
  start();
  return {
    spec,
    get pid() {
      return child.pid;
    },
    get restarts() {
      return restarts;
    },
    async stop() {
      stopping = true;
      if (timer) clearTimeout(timer);
      await stopChild(child);
    },
  };
}

export async function startStack(opts: StackOptions): Promise<Stack> {
  const log = opts.log ?? ((l: string) => console.error(l));
  installTemporalLogging();
  mkdirSync(opts.stateDir, { recursive: true });
  // Before anything else touches the directory: a second stack on it is refused, naming the holder.
  const lock = lockStateDir(opts.stateDir);
  const token = resolveToken(opts.stateDir);
  const ingestToken = resolveIngestToken(opts.stateDir);
  const stops: (() => Promise<void>)[] = [async () => lock.release()];
  const stop = async () => {
    for (const s of stops.reverse()) await s().catch((e: unknown) => log(`stop: ${String(e)}`));
    stops.length = 0;
  };
  try {
    let temporal: { address: string; uiUrl?: string };
    if (opts.temporalAddress) temporal = { address: opts.temporalAddress };
    else {
      log('starting Temporal dev server…');
      const dev = await startDevServer({ stateDir: join(opts.stateDir, 'temporal'), port: opts.temporalPort, headless: !opts.ui, logFile: join(opts.stateDir, 'temporal.log') });
      stops.push(() => dev.stop());
      temporal = dev;
    }

    const connection = await connectTemporal(temporal.address, opts.temporalTls);
    stops.push(() => connection.close());
    const consoleDir = await buildConsole();
    const gateway = await startGateway({
      port: opts.gatewayPort ?? DEFAULT_GATEWAY_PORT,
      host: opts.gatewayHost,
      tls: opts.gatewayTls,
      dbPath: opts.store ?? join(opts.stateDir, 'slab.sqlite'),
      ...(opts.store && parseStoreUrl(opts.store).kind === 'postgres' ? { blobDir: join(opts.stateDir, 'blobs') } : {}),
      token,
      // Trainer workers stream metrics and checkpoints with this; it cannot submit or cancel.
      credentials: [{ token: ingestToken, scopes: ['ingest'] }],
      control: createTemporalSweepControl(connection, { namespace: opts.temporalNamespace }),
      consoleDir,
      // Submits get the CLI's whole check (plugin schemas, replay tables), not only the spec's shape.
      parseSpec: (text) => checkSpec(text),
    });
    stops.push(() => gateway.close());
    const gatewayUrl = selfUrl(gateway.url);
    if (opts.gatewayTls) await checkTrustsItself(gatewayUrl);
    const info: StackInfo = { gatewayUrl, temporalAddress: temporal.address, temporalUiUrl: temporal.uiUrl, token, ingestToken, pid: process.pid };
    log(`gateway and console on ${gatewayUrl}`);

    const abort = new AbortController();
    const orchestrator = runOrchestratorWorker({ address: temporal.address, tls: opts.temporalTls, namespace: opts.temporalNamespace, gatewayUrl, token, signal: abort.signal });
    stops.push(async () => {
      abort.abort();
      await orchestrator.catch(() => undefined);
    });
    orchestrator.catch((e: unknown) => log(`orchestrator worker stopped: ${String(e)}`));

    const workers = opts.workers.map((spec) => superviseTrainerWorker(spec, info, opts.stateDir, log, opts.alert));
    for (const w of workers) stops.push(() => w.stop());
    writeStackInfo(info, opts.stateDir);
    return { ...info, consoleUrl: gatewayUrl, loginUrl: (to) => selfUrl(gateway.loginUrl(to)), workers, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

/** The gateway's URL as this machine dials it: a wildcard listen address becomes loopback. */
function selfUrl(url: string): string {
  return url.replace(/^(https?:\/\/)(0\.0\.0\.0|\[::\])(?=:)/, '$1127.0.0.1');
}

/**
 * The orchestrator in this process and local workers dial the gateway over https: refuse to start
 * when that fails (untrusted CA, a certificate not naming the address) instead of failing every report.
 */
async function checkTrustsItself(url: string): Promise<void> {
  try {
    await fetch(`${url}/healthz`);
  } catch (err) {
    const cause = (err as { cause?: { code?: string; message?: string } }).cause;
    throw new Error(
      `gateway: ${url} does not pass this process's own TLS check (${cause?.code ?? cause?.message ?? (err as Error).message}); ` +
        'pass --ca FILE (or SLAB_CA) with the CA that signed --tls-cert, and give the certificate this address as a subject name (e.g. IP:127.0.0.1)',
    );
  }
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
  await exited;
  clearTimeout(timer);
}
