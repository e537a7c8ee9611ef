/**
 * Starts `temporal server start-dev` (the pinned CLI) with its own SQLite file, on free ports,
 * waits until the frontend answers a health check and returns a handle that stops it cleanly.
 * The server never outlives its parent: a detached watchdog holds a pipe from us and kills the
 * server when that pipe closes (which happens even when the parent is SIGKILLed).
 */
import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { mkdirSync, openSync, closeSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { temporalCliPath } from './cli-path';
import { freePort } from './free-port';

export interface DevServerOptions {
  /** Directory for the server's SQLite file (`<stateDir>/temporal.sqlite`); created when missing. */
  stateDir: string;
  /** gRPC frontend port; a free one when omitted. */
  port?: number;
  /** Web UI port; a free one when omitted (ignored when headless). */
  uiPort?: number;
  /** Run without the Web UI. */
  headless?: boolean;
  /** Append the server's stdout/stderr to this file (default: kept in memory for error messages). */
  logFile?: string;
  /** Extra namespaces to create at launch (`default` always exists). */
  namespaces?: string[];
  /** How long to wait for health before giving up (default 60 s). */
  startTimeoutMs?: number;
  /** How long `stop()` waits after SIGTERM before SIGKILL (default 5 s). */
  stopGraceMs?: number;
  /** CLI path; default `temporalCliPath()`. */
  cliPath?: string;
}

export interface DevServer {
  /** `127.0.0.1:<port>` for @temporalio/client `Connection.connect({ address })`. */
  address: string;
  uiUrl?: string;
  dbFile: string;
  pid: number;
  stop(): Promise<void>;
}

const LOG_TAIL_CHARS = 4000;

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((done) => child.once('exit', () => done()));
}

/** One `temporal operator cluster health` call; resolves true when the server reports SERVING. */
function healthy(cli: string, address: string): Promise<boolean> {
  return new Promise((done) => {
    execFile(
      cli,
      ['operator', 'cluster', 'health', '--address', address, '--command-timeout', '2s', '--disable-config-file'],
      { timeout: 5000 },
      (err, stdout) => done(!err && /SERVING/.test(stdout)),
    );
  });
}

/** Kills `pid` with SIGTERM, then SIGKILL after `graceSeconds`, once our pipe to it closes. */
function spawnWatchdog(pid: number, graceSeconds: number): ChildProcess {
  const script = `cat >/dev/null; kill -TERM ${pid} 2>/dev/null || exit 0; sleep ${graceSeconds}; kill -KILL ${pid} 2>/dev/null; exit 0`;
  const dog = spawn('sh', ['-c', script], { stdio: ['pipe', 'ignore', 'ignore'], detached: true });
  dog.unref();
  // Keep the pipe open but let Node exit: the OS closes it when we die, which wakes the watchdog.
  (dog.stdin as unknown as { unref?: () => void } | null)?.unref?.();
  return dog;
}

export async function startDevServer(opts: DevServerOptions): Promise<DevServer> {
  if (!opts.stateDir) throw new Error('startDevServer: stateDir is required (a directory for temporal.sqlite)');
  const cli = opts.cliPath ?? temporalCliPath();
  const stateDir = resolve(opts.stateDir);
  mkdirSync(stateDir, { recursive: true });
  const dbFile = join(stateDir, 'temporal.sqlite');
  const port = opts.port ?? (await freePort());
  const uiPort = opts.headless ? undefined : (opts.uiPort ?? (await freePort()));
  const address = `127.0.0.1:${port}`;

  const args = [
    'server', 'start-dev',
    '--ip', '127.0.0.1',
    '--port', String(port),
    '--db-filename', dbFile,
    '--sqlite-pragma', 'journal_mode=WAL',
    '--log-level', 'warn',
    '--disable-config-file',
  ];
  if (uiPort === undefined) args.push('--headless');
  else args.push('--ui-port', String(uiPort));
  for (const ns of opts.namespaces ?? []) args.push('--namespace', ns);

  const logFd = opts.logFile ? openSync(opts.logFile, 'a') : undefined;
  const child = spawn(cli, args, {
    stdio: ['ignore', logFd ?? 'pipe', logFd ?? 'pipe'],
  });
  if (logFd !== undefined) closeSync(logFd);
  let tail = '';
  const keepTail = (chunk: Buffer) => {
    tail = (tail + chunk.toString('utf8')).slice(-LOG_TAIL_CHARS);
  };
  child.stdout?.on('data', keepTail);
  child.stderr?.on('data', keepTail);

  const graceMs = opts.stopGraceMs ?? 5000;
  const watchdog = child.pid !== undefined ? spawnWatchdog(child.pid, Math.ceil(graceMs / 1000)) : undefined;
  const killOnExit = () => {
    child.kill('SIGKILL');
  };
  process.once('exit', killOnExit);

  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      process.removeListener('exit', killOnExit);
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
        await exited(child);
        clearTimeout(timer);
      }
      // The watchdog is detached into its own process group: end it and its `cat` together.
      if (watchdog?.pid !== undefined) {
        try {
          process.kill(-watchdog.pid, 'SIGKILL');
        } catch {
          // already gone
        }
      }
    })();
    return stopping;
  };

  const spawnError = new Promise<never>((_, reject) => {
    child.once('error', (err) => reject(new Error(`temporal server start-dev could not start (${cli}): ${err.message}`)));
    child.once('exit', (code, signal) => {
      if (!stopping) {
        reject(new Error(`temporal server start-dev exited early (code ${code}, signal ${signal}):\n${tail}`));
      }
    });
  });
  spawnError.catch(() => undefined); // observed below; avoid an unhandled rejection after success

  const deadline = Date.now() + (opts.startTimeoutMs ?? 60_000);
  const waitHealthy = (async () => {
    while (Date.now() < deadline) {
      if (await healthy(cli, address)) return;
      await delay(200);
    }
    throw new Error(`temporal dev server at ${address} not healthy after ${opts.startTimeoutMs ?? 60_000} ms:\n${tail}`);
  })();

  try {
    await Promise.race([waitHealthy, spawnError]);
  } catch (err) {
    await stop();
    throw err;
  }
  if (child.pid === undefined) throw new Error('temporal server start-dev: no pid after start');
  const pid = child.pid;
  return {
    address,
    uiUrl: uiPort === undefined ? undefined : `http://127.0.0.1:${uiPort}`,
    dbFile,
    pid,
    stop,
  };
}
