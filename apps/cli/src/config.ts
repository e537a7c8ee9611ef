/**
 * Where the CLI finds the running stack. `slab up` writes `<stateDir>/stack.json`; every other
 * command reads it, with environment variables taking precedence so the same commands work against
 * a remote gateway (SLAB_GATEWAY, SLAB_TOKEN, TEMPORAL_ADDRESS).
 */
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join, resolve } from 'node:path';

export interface StackInfo {
  gatewayUrl: string;
  temporalAddress: string;
  temporalUiUrl?: string;
  token: string;
  /** The ingest-only token local trainer workers get (see resolveIngestToken). */
  ingestToken?: string;
  pid?: number;
}

export const DEFAULT_GATEWAY_PORT = 7300;

export function stateDir(): string {
  return resolve(process.env.SLAB_STATE_DIR ?? '.slab');
}

/** The shared write token: SLAB_TOKEN, else `<stateDir>/token`, created on first use. */
export function resolveToken(dir = stateDir()): string {
  if (process.env.SLAB_TOKEN) return process.env.SLAB_TOKEN;
  const file = join(dir, 'token');
  if (existsSync(file)) {
    chmodSync(file, 0o600); // an older file may have been created world-readable
    return readFileSync(file, 'utf8').trim();
  }
  mkdirSync(dir, { recursive: true });
  const token = randomBytes(18).toString('base64url');
  writeFileSync(file, `${token}\n`, { mode: 0o600 });
  return token;
}

/**
 * The ingest-only token local and remote trainer workers get: SLAB_INGEST_TOKEN, else
 * `<stateDir>/ingest-token` (0600), created on first use. It may stream metrics and checkpoints but
 * not submit, pause or cancel, so a compromised trainer node cannot drive the stack.
 */
export function resolveIngestToken(dir = stateDir()): string {
  if (process.env.SLAB_INGEST_TOKEN) return process.env.SLAB_INGEST_TOKEN;
  const file = join(dir, 'ingest-token');
  if (existsSync(file)) {
    chmodSync(file, 0o600);
    return readFileSync(file, 'utf8').trim();
  }
  mkdirSync(dir, { recursive: true });
  const token = randomBytes(24).toString('base64url');
  writeFileSync(file, `${token}\n`, { mode: 0o600 });
  return token;
}

export function writeStackInfo(info: StackInfo, dir = stateDir()): void {
  mkdirSync(dir, { recursive: true });
  // It holds the token: readable by its owner only (mode applies at creation, chmod to an older file).
  const file = join(dir, 'stack.json');
  writeFileSync(file, `${JSON.stringify(info, null, 2)}\n`, { mode: 0o600 });
  chmodSync(file, 0o600);
}

export function readStackInfo(dir = stateDir()): Partial<StackInfo> {
  const file = join(dir, 'stack.json');
  if (!existsSync(file)) return {};
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as Partial<StackInfo>;
  } catch {
    return {};
  }
}

/** Gateway URL and token for client commands. */
export function clientTarget(opts: { gateway?: string } = {}): { gatewayUrl: string; token: string } {
  const stack = readStackInfo();
  const gatewayUrl = opts.gateway ?? process.env.SLAB_GATEWAY ?? stack.gatewayUrl ?? `http://127.0.0.1:${DEFAULT_GATEWAY_PORT}`;
  const token = process.env.SLAB_TOKEN || stack.token || resolveToken();
  return { gatewayUrl, token };
}

export function temporalAddress(opts: { temporal?: string } = {}): string {
  return opts.temporal ?? process.env.TEMPORAL_ADDRESS ?? readStackInfo().temporalAddress ?? '127.0.0.1:7233';
}

/** Where clientTarget's token comes from, for error messages: the env var, or the file holding it. */
export function tokenSource(): string {
  if (process.env.SLAB_TOKEN) return 'the SLAB_TOKEN environment variable';
  const dir = stateDir();
  if (readStackInfo(dir).token) return `${join(dir, 'stack.json')} (written by \`slab up\`)`;
  return join(dir, 'token');
}
