/** `slab up` (the whole stack on this machine), `slab run` (up + submit + watch) and `slab worker`. */
import { hostname } from 'node:os';
import { join } from 'node:path';
import type { Command } from 'commander';
import { GatewayClient } from '@slab/api';
import { clientTarget, stateDir, temporalAddress } from '../config';
import { loadPlugins, pluginNames } from '../plugins';
import { parseWorkerSpecs } from '../worker-specs';
// Temporal, the gateway and the trainers load when a command here runs, not for `slab --help`.
import { installTemporalLogging, runTrainerWorker, startStack, watchSweep } from '../on-demand';
import { printAnswer, printFinal, readSpecOrExit, succeeded } from './client';
import { defaultConcurrency } from '../gpus';
import { gatewayTlsFromFlags, temporalTlsFromFlags, type GatewayTlsFlags, type TemporalTlsFlags } from '../tls-options';
import { sci } from '../format';
import { httpTransport } from '../http-transport';

const DEFAULT_WORKERS = 'cpu:tfjs+replay+process';

function untilSignal(): Promise<string> {
  return new Promise((resolve) => {
    process.once('SIGINT', () => resolve('SIGINT'));
    process.once('SIGTERM', () => resolve('SIGTERM'));
  });
}

/** Temporal TLS and namespace flags shared by `slab serve` and `slab worker`. */
function temporalConnectionOptions(cmd: Command): Command {
  return cmd
    .option('--temporal-namespace <name>', 'Temporal namespace (default: default, or TEMPORAL_NAMESPACE)')
    .option('--temporal-tls-cert <pem>', 'client certificate for mTLS to Temporal (or TEMPORAL_TLS_CERT)')
    .option('--temporal-tls-key <pem>', 'its private key (or TEMPORAL_TLS_KEY)')
    .option('--temporal-ca <pem>', "CA of the Temporal frontend's certificate (or TEMPORAL_TLS_CA; default: system roots)")
    .option('--temporal-server-name <name>', "name to check the frontend's certificate against (or TEMPORAL_TLS_SERVER_NAME)");
}

const namespaceOf = (opts: { temporalNamespace?: string }): string | undefined => opts.temporalNamespace ?? process.env.TEMPORAL_NAMESPACE;

const STORE_HELP = 'store: postgres://user@host:port/db, sqlite:<path> or a SQLite file (or SLAB_STORE; default: slab.sqlite in the state directory)';

/** --store, else SLAB_STORE, checked before anything starts (undefined: the default SQLite file). */
async function storeOf(opts: { store?: string }): Promise<string | undefined> {
  const [url, field] = opts.store !== undefined ? [opts.store, '--store'] : [process.env.SLAB_STORE || undefined, 'SLAB_STORE'];
  // Imported here: the store library loads the SQLite and Postgres drivers, which `slab --help` does without.
  if (url !== undefined) (await import('@slab/store')).parseStoreUrl(url, field);
  return url;
}

/** Login links are single-use and expire: say so, and how to get another. */
const LOGIN_NOTE = '(one-time link, valid 10 min; `npx slab console` prints a fresh one)';

export function registerStackCommands(program: Command): void {
  program
    .command('up')
    .description('start the Temporal dev server, gateway, console and local workers; Ctrl-C stops them all. State (database, checkpoints, tokens, Temporal history) lives in ./.slab, or SLAB_STATE_DIR')
    .option('--port <port>', 'gateway/console port', '7300')
    .option('--temporal-port <port>', 'Temporal gRPC port (default: a free one)')
    .option('--workers <list>', `local trainer workers as QUEUE:PLUGIN[+PLUGIN][*CONCURRENCY],... (plugins: ${pluginNames.join(', ')})`, DEFAULT_WORKERS)
    .option('--ui', "also serve Temporal's Web UI (off by default: it needs no credential)")
    .option('--store <url>', STORE_HELP)
    .action(async (opts: { port: string; temporalPort?: string; workers: string; ui?: boolean; store?: string }) => {
      const stack = await startStack({ stateDir: stateDir(), store: await storeOf(opts), gatewayPort: Number(opts.port), temporalPort: opts.temporalPort ? Number(opts.temporalPort) : undefined, workers: parseWorkerSpecs(opts.workers), ui: opts.ui });
      console.log(`console:     ${stack.loginUrl()}  ${LOGIN_NOTE}`);
      console.log(`temporal:    ${stack.temporalAddress}${stack.temporalUiUrl ? ` (UI ${stack.temporalUiUrl}, no credential needed: keep it to yourself)` : ''}`);
      console.log('submit with: npx slab submit examples/quickstart.yaml --watch   (Ctrl-C stops everything)');
      await untilSignal();
      console.log('stopping…');
      await stack.stop();
    });

  program
    .command('console')
    .description('print a one-click console link for the running stack (a single-use login code, never the token)')
    .option('--sweep <id>', 'open this sweep')
    .option('--gateway <url>', 'gateway URL (default: from `slab up`, or SLAB_GATEWAY)')
    .action(async (opts: { sweep?: string; gateway?: string }) => {
      const { gatewayUrl, token } = clientTarget(opts);
      const base = gatewayUrl.replace(/\/+$/, '');
      const res = await fetch(`${base}/api/session/codes`, { method: 'POST', headers: { authorization: `Bearer ${token}` } });
      const body = (await res.json().catch(() => ({}))) as { path?: string; error?: string };
      if (!res.ok || !body.path) throw new Error(`console link: ${base} answered ${res.status}: ${body.error ?? 'no login code'}`);
      const to = opts.sweep ? `&to=${encodeURIComponent(`/#/sweeps/${opts.sweep}`)}` : '';
      console.log(`${base}${body.path}${to}  ${LOGIN_NOTE}`);
    });

  const serve = program
    .command('serve')
    .description('the control plane for many machines: gateway, console and orchestrator worker against an existing Temporal; trainers join with `slab worker`')
    .requiredOption('--temporal <address>', 'Temporal frontend, e.g. temporal.internal:7233')
    .option('--port <port>', 'gateway/console port', '7300')
    .option('--host <address>', 'gateway listen address (default 127.0.0.1; 0.0.0.0 for other machines, with --tls-cert)')
    .option('--tls-cert <pem>', 'serve https and wss with this certificate chain (or SLAB_TLS_CERT)')
    .option('--tls-key <pem>', 'its private key (or SLAB_TLS_KEY)')
    .option('--store <url>', STORE_HELP);
  temporalConnectionOptions(serve);
  serve
    .action(async (opts: { temporal: string; port: string; host?: string; store?: string } & GatewayTlsFlags & TemporalTlsFlags & { temporalNamespace?: string }) => {
      const gatewayTls = gatewayTlsFromFlags(opts);
      const temporalTls = temporalTlsFromFlags(opts);
      const stack = await startStack({ stateDir: stateDir(), store: await storeOf(opts), temporalAddress: opts.temporal, temporalTls, temporalNamespace: namespaceOf(opts), gatewayPort: Number(opts.port), gatewayHost: opts.host, gatewayTls, workers: [] });
      console.log(`gateway and console on ${stack.consoleUrl} (token in ${stateDir()}/token); Temporal at ${stack.temporalAddress}${temporalTls ? ' over TLS' : ''}`);
      console.log(`console: ${stack.loginUrl()}  ${LOGIN_NOTE}`);
      console.log(`on each GPU node: SLAB_TOKEN=<${stateDir()}/ingest-token> slab worker --queue gpu-a100 --plugin tfjs --temporal ${opts.temporal} --gateway ${stack.gatewayUrl}`);
      await untilSignal();
      await stack.stop();
    });

  program
    .command('run')
    .argument('<spec>', 'sweep spec YAML')
    .description('start the embedded stack, run one sweep to the end with live progress, print the fitted law. State lives in ./.slab, or SLAB_STATE_DIR (`slab up` on the same directory reopens it)')
    .option('--port <port>', 'gateway/console port', '7300')
    .option('--workers <list>', 'local trainer workers (see `slab up`)', DEFAULT_WORKERS)
    .option('--keep', 'keep the stack (and console) running after the sweep ends, until Ctrl-C')
    .option('--ui', "also serve Temporal's Web UI (see `slab up`)")
    .action(async (specPath: string, opts: { port: string; workers: string; keep?: boolean; ui?: boolean }) => {
      const specText = await readSpecOrExit(specPath);
      const stack = await startStack({ stateDir: stateDir(), gatewayPort: Number(opts.port), workers: parseWorkerSpecs(opts.workers), ui: opts.ui, log: (l) => process.env.SLAB_VERBOSE && console.error(l) });
      let interrupted = false;
      const onSignal = () => {
        interrupted = true;
      };
      process.once('SIGINT', onSignal);
      try {
        const client = new GatewayClient(stack.gatewayUrl, stack.token, httpTransport);
        const { id } = await client.createSweep(specText);
        console.log(`sweep ${id} — console: ${stack.loginUrl(`/#/sweeps/${id}`)}  ${LOGIN_NOTE}`);
        if (stack.temporalUiUrl) console.log(`temporal UI: ${stack.temporalUiUrl} (no credential needed: keep it to yourself)`);
        const abort = new AbortController();
        process.once('SIGINT', () => abort.abort());
        const status = await watchSweep(client, id, { signal: abort.signal });
        printFinal(status);
        printAnswer(status);
        console.log(`trials: ${status.trials.completed} completed, ${status.trials.diverged} diverged, ${status.trials.failed} failed; FLOPs ${sci(status.flopsSpent)}`);
        if (opts.keep && !interrupted) {
          console.log(`console: ${stack.loginUrl(`/#/sweeps/${id}`)}  ${LOGIN_NOTE}`);
          console.log('stack still running; Ctrl-C to stop');
          await untilSignal();
        } else {
          // The stack stops with this command: the sweep stays in the state directory for the next `slab up`.
          console.log(`console: run \`npx slab up\` (same state directory), then \`npx slab console --sweep ${id}\` prints a link; --keep keeps this stack up instead`);
        }
        if (!succeeded(status)) process.exitCode = 1;
      } finally {
        process.off('SIGINT', onSignal);
        await stack.stop();
      }
    });

  const worker = program
    .command('worker')
    .description('run a trainer worker: host plugins on a task queue (one per GPU node, or more on CPU)')
    .requiredOption('-q, --queue <queue>', 'Temporal task queue (the resource class in specs), e.g. cpu, gpu-a100')
    .option('-p, --plugin <names>', `comma-separated plugins to host (${pluginNames.join(', ')})`, 'tfjs')
    .option('-c, --concurrency <n>', 'trials at once (default: one per visible GPU with a GPU backend, else 1)')
    .option('--temporal <address>', 'Temporal frontend address (default: from `slab up` or TEMPORAL_ADDRESS)')
    .option('--gateway <url>', 'gateway URL for metric streaming')
    .option('--checkpoints <dir>', 'checkpoint directory', join(stateDir(), 'checkpoints'));
  temporalConnectionOptions(worker);
  worker
    .action(async (opts: { queue: string; plugin: string; concurrency?: string; temporal?: string; gateway?: string; checkpoints: string } & TemporalTlsFlags & { temporalNamespace?: string }) => {
      const tls = temporalTlsFromFlags(opts);
      await installTemporalLogging();
      const plugin = await loadPlugins(opts.plugin.split(',').map((s) => s.trim()).filter(Boolean));
      const info = await plugin.init?.();
      const { gatewayUrl, token } = clientTarget(opts);
      const concurrency = opts.concurrency ? Number(opts.concurrency) : defaultConcurrency(info?.backend);
      if (!Number.isInteger(concurrency) || concurrency < 1) throw new Error(`--concurrency: expected a positive integer, got "${opts.concurrency}"`);
      const abort = new AbortController();
      process.once('SIGINT', () => abort.abort());
      process.once('SIGTERM', () => abort.abort());
      console.log(`worker ${hostname()}/${process.pid}: queue ${opts.queue}, plugins ${plugin.name}, backend ${info?.backend ?? 'n/a'}, concurrency ${concurrency}`);
      await runTrainerWorker({
        address: temporalAddress(opts),
        tls,
        namespace: namespaceOf(opts),
        queue: opts.queue,
        plugin,
        gatewayUrl: gatewayUrl.replace(/^http/, 'ws') + '/ws',
        token,
        concurrency,
        checkpointRoot: opts.checkpoints,
        workerId: `${hostname()}/${process.pid}`,
        signal: abort.signal,
      });
    });
}
