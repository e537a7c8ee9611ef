/**
 * A deployment laid out on one machine as it is on many, for end-to-end tests: a Temporal server of
 * its own, the control plane as a `slab serve` process (gateway, console, orchestrator: what the
 * Helm chart's gateway pod runs) and trainer nodes as `slab worker` processes, each with a state
 * directory of its own, holding only the ingest token. Every process started here is stopped by
 * `stop()`; the store the gateway writes is chosen in one place (`storeUnderTest`: Postgres, as the
 * chart deploys it) and read back through one interface.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { GatewayClient } from '@slab/api';
import { startDevServer, type DevServer } from '@slab/temporal-dev';
import { createTestDatabase } from '@slab/store/testing';
import pg from 'pg';
import { readStore, waitFor } from './helpers';

const cliMain = fileURLToPath(new URL('../src/main.ts', import.meta.url));

/** What a completeness check reads from the store the gateway wrote. */
export interface StoreProbe {
  frameSeqs(trialId: string): Promise<number[]>;
  steps(trialId: string, metric: string): Promise<number[]>;
  events(trialId: string): Promise<{ status: string; info: Record<string, unknown> }[]>;
  close(): Promise<void>;
}

/** The store of a test deployment: environment for `slab serve`, and a reader for the checks. */
export interface StoreUnderTest {
  readonly kind: 'sqlite' | 'postgres';
  /** The environment of `slab serve` (SLAB_STORE is always set or removed here, never inherited). */
  env: Record<string, string | undefined>;
  open(): Promise<StoreProbe>;
}

/** The one place a deployment test's store is chosen. */
const DEPLOYMENT_STORE: StoreUnderTest['kind'] = 'postgres';

export async function storeUnderTest(gatewayStateDir: string): Promise<StoreUnderTest> {
  if (DEPLOYMENT_STORE === 'postgres') {
    const url = await createTestDatabase('slab_deploy');
    return { kind: 'postgres', env: { SLAB_STORE: url }, open: () => postgresProbe(url) };
  }
  const file = join(gatewayStateDir, 'slab.sqlite');
  return {
    kind: 'sqlite',
    env: { SLAB_STORE: undefined },
    async open(): Promise<StoreProbe> {
      const s = readStore(file);
      return {
        frameSeqs: async (t) => s.frameSeqs(t),
        steps: async (t, m) => s.steps(t, m),
        events: async (t) => s.events(t),
        close: async () => void s.close(),
      };
    },
  };
}

/** The same reads on the Postgres store's tables. */
async function postgresProbe(url: string): Promise<StoreProbe> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const column = async <T>(sql: string, params: unknown[], pick: (row: Record<string, unknown>) => T): Promise<T[]> => (await client.query(sql, params)).rows.map(pick);
  return {
    frameSeqs: (t) => column('SELECT seq FROM frames WHERE trial_id = $1 ORDER BY seq', [t], (r) => Number(r.seq)),
    steps: (t, m) => column('SELECT step FROM points WHERE trial_id = $1 AND name = $2 ORDER BY step', [t, m], (r) => Number(r.step)),
    events: (t) => column('SELECT status, info_json FROM events WHERE trial_id = $1 ORDER BY seq', [t], (r) => ({ status: String(r.status), info: JSON.parse(String(r.info_json)) as Record<string, unknown> })),
    close: () => client.end(),
  };
}

/** A `slab` process of the deployment, with its output kept for failure messages. */
export interface Node {
  readonly name: string;
  readonly child: ChildProcess;
  readonly stateDir: string;
  /** Resolves when the process has exited. */
  readonly exited: Promise<void>;
}

export interface Cluster {
  readonly dir: string;
  readonly temporal: DevServer;
  readonly gatewayUrl: string;
  /** The control token (every scope); trainer nodes hold only an ingest token. */
  readonly token: string;
  readonly client: GatewayClient;
  readonly store: StoreUnderTest;
  /** Starts `slab worker` on `queue` with its own state directory `<dir>/<name>`; resolves once its plugins loaded. */
  startWorker(name: string, queue: string, plugins?: string[]): Promise<Node>;
  /** The last lines every process printed, for an assertion's message. */
  logs(): string;
  stop(): Promise<void>;
}

function spawnSlab(name: string, args: string[], env: Record<string, string | undefined>, lines: string[]): Node & { lines: string[] } {
  // SLAB_STORE=postgres selects the test suite's store; to `slab serve` it would be a store URL.
  const child = spawn(process.execPath, ['--import', 'tsx', cliMain, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, SLAB_STORE: undefined, ...env } });
  const own: string[] = [];
  const onData = (b: Buffer) =>
    b
      .toString()
      .split('\n')
      .filter(Boolean)
      .forEach((l) => (own.push(l), lines.push(`[${name}] ${l}`)));
  child.stdout!.on('data', onData);
  child.stderr!.on('data', onData);
  const exited = new Promise<void>((resolve) => (child.exitCode !== null || child.signalCode !== null ? resolve() : child.once('exit', () => resolve())));
  return { name, child, stateDir: env.SLAB_STATE_DIR ?? '', exited, lines: own };
}

async function stopNode(node: Node): Promise<void> {
  if (node.child.exitCode !== null || node.child.signalCode !== null) return;
  node.child.kill('SIGTERM');
  const timer = setTimeout(() => node.child.kill('SIGKILL'), 15_000);
  await node.exited;
  clearTimeout(timer);
}

/**
 * Starts Temporal and `slab serve` in a fresh temp directory. The caller must `stop()` it (in
 * afterAll), which stops every worker started through it, the control plane and Temporal, and
 * removes the directory.
 */
export async function startCluster(opts: { prefix?: string } = {}): Promise<Cluster> {
  const dir = mkdtempSync(join(tmpdir(), opts.prefix ?? 'slab-cluster-'));
  const lines: string[] = [];
  const nodes: Node[] = [];
  let temporal: DevServer | undefined;
  const stop = async () => {
    for (const n of nodes.reverse()) await stopNode(n);
    await temporal?.stop();
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    temporal = await startDevServer({ stateDir: join(dir, 'temporal') });
    // The control token for the test's client, the ingest-only one for trainer nodes, as the chart hands them out.
    const token = randomBytes(18).toString('base64url');
    const ingestToken = randomBytes(18).toString('base64url');
    const gatewayDir = join(dir, 'gateway');
    mkdirSync(gatewayDir, { recursive: true });
    const store = await storeUnderTest(gatewayDir);
    const serve = spawnSlab('serve', ['serve', '--temporal', temporal.address, '--port', '0'], { SLAB_STATE_DIR: gatewayDir, SLAB_TOKEN: token, SLAB_INGEST_TOKEN: ingestToken, ...store.env }, lines);
    nodes.push(serve);
    const gatewayUrl = await waitFor(
      'slab serve to print its address',
      () => {
        if (serve.child.exitCode !== null) throw new Error(`slab serve exited with ${serve.child.exitCode}:\n${serve.lines.join('\n')}`);
        return /gateway and console on (http:\/\/\S+?)(?:\s|$)/.exec(serve.lines.join('\n'))?.[1];
      },
      180_000,
      200,
    );
    const client = new GatewayClient(gatewayUrl, token);
    const cluster: Cluster = {
      dir,
      temporal,
      gatewayUrl,
      token,
      client,
      store,
      async startWorker(name, queue, plugins = ['tfjs']) {
        const stateDir = join(dir, name);
        const args = ['worker', '--queue', queue, '--plugin', plugins.join(','), '--temporal', temporal!.address, '--gateway', gatewayUrl, '--checkpoints', join(stateDir, 'checkpoints')];
        const node = spawnSlab(name, args, { SLAB_STATE_DIR: stateDir, SLAB_TOKEN: ingestToken, SLAB_INGEST_TOKEN: undefined }, lines);
        nodes.push(node);
        await waitFor(
          `worker ${name} to load its plugins`,
          () => {
            if (node.child.exitCode !== null) throw new Error(`worker ${name} exited with ${node.child.exitCode}:\n${node.lines.join('\n')}`);
            return node.lines.some((l) => /^worker .*: queue /.test(l)) || undefined;
          },
          120_000,
          200,
        );
        return node;
      },
      logs: () => lines.slice(-40).join('\n'),
      stop,
    };
    return cluster;
  } catch (err) {
    await stop();
    throw err;
  }
}

/** Kills a node as a lost machine dies: SIGKILL, no chance to clean up; resolves once it is gone. */
export async function killNode(node: Node): Promise<void> {
  node.child.kill('SIGKILL');
  await node.exited;
}

/**
 * What a finished trial must have stored: every frame seq from 1 on exactly once, and every logged
 * step (multiples of `logEvery` up to `totalSteps`) of `metric` exactly once.
 * @returns a list of problems; empty when complete
 */
export async function completenessProblems(probe: StoreProbe, trialId: string, opts: { metric: string; logEvery: number; totalSteps: number }): Promise<string[]> {
  const problems: string[] = [];
  const seqs = await probe.frameSeqs(trialId);
  if (seqs.length === 0 || seqs.some((s, i) => s !== i + 1)) problems.push(`${trialId}: frame seqs not contiguous from 1 (${seqs.length} frames, last ${seqs.at(-1) ?? 'none'})`);
  const steps = await probe.steps(trialId, opts.metric);
  if (steps.length !== new Set(steps).size) problems.push(`${trialId}: a ${opts.metric} step stored twice`);
  const missing: number[] = [];
  for (let s = opts.logEvery; s <= opts.totalSteps; s += opts.logEvery) if (!steps.includes(s)) missing.push(s);
  if (missing.length > 0) problems.push(`${trialId}: ${opts.metric} missing at steps ${missing.slice(0, 10).join(', ')}${missing.length > 10 ? ', …' : ''}`);
  return problems;
}
