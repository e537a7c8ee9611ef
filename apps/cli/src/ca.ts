/**
 * A private CA for https/wss gateways: `--ca FILE` anywhere on the command line, or SLAB_CA. Node
 * reads extra trusted CAs only at start-up (NODE_EXTRA_CA_CERTS), and fetch and ws both use that
 * store, so the CLI runs itself once more with it set; its children (trainer workers) inherit it.
 */
import { spawn } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { constants as osConstants } from 'node:os';
import { resolve } from 'node:path';

/** `--ca FILE` / `--ca=FILE` taken out of `argv` (in place), else SLAB_CA; undefined when neither. */
export function takeCaOption(argv: string[], env: NodeJS.ProcessEnv = process.env): string | undefined {
  let found: string | undefined;
  for (let i = 2; i < argv.length; i++) {
    if (argv[i] === '--') break;
    if (argv[i] === '--ca') {
      if (i + 1 >= argv.length || argv[i + 1].startsWith('-')) throw new Error('--ca: expected the PEM file of the CA that signed the gateway\'s certificate');
      found = argv[i + 1];
      argv.splice(i, 2);
      i -= 1;
    } else if (argv[i].startsWith('--ca=')) {
      found = argv[i].slice('--ca='.length);
      argv.splice(i, 1);
      i -= 1;
    }
  }
  const path = found ?? env.SLAB_CA;
  if (!path) return undefined;
  const full = resolve(path);
  try {
    accessSync(full, constants.R_OK);
  } catch {
    throw new Error(`${found ? '--ca' : 'SLAB_CA'}: cannot read ${full} (expected a PEM file of CA certificates)`);
  }
  return full;
}

/**
 * When a CA is asked for and this process was not started trusting it, runs the same command again
 * with NODE_EXTRA_CA_CERTS set, forwards signals to it and exits with its status; returns true then
 * (the caller must do nothing else). Returns false when this process can go on itself.
 */
export function relaunchTrustingCa(argv: string[] = process.argv, env: NodeJS.ProcessEnv = process.env): boolean {
  const ca = takeCaOption(argv, env);
  if (ca === undefined || env.NODE_EXTRA_CA_CERTS === ca) return false;
  const child = spawn(process.execPath, [...process.execArgv, ...argv.slice(1)], { stdio: 'inherit', env: { ...env, SLAB_CA: ca, NODE_EXTRA_CA_CERTS: ca } });
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, () => child.kill(signal));
  child.once('error', (err) => {
    console.error(`slab: cannot restart with --ca: ${err.message}`);
    process.exit(1);
  });
  child.once('exit', (code, signal) => process.exit(code ?? (signal ? 128 + (osConstants.signals[signal] ?? 15) : 1)));
  return true;
}
