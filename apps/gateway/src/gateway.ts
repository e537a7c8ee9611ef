/**
 * The gateway process: REST (routes.ts), websocket ingest and live fan-out on /ws (ingest.ts,
 * hub.ts), the console's static files, all over one node:http server and one Store.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Duplex } from 'node:stream';
import type { SweepControl } from '@slab/api';
import { openStore, parseStoreUrl, type Store } from '@slab/store';
import { WebSocketServer } from 'ws';
import { Auth, checkCredentials, type Credential, LoginCodes, SCOPES } from './auth';
import { HttpError, sendJson } from './http';
import { LiveHub } from './hub';
import { addCheckpointRoutes, CheckpointBlobs } from './checkpoints';
import { handleConnection } from './ingest';
import { type GatewayLimits, resolveLimits } from './limits';
import { addLoginRoutes, loginPath } from './login';
import { buildRouter, sweepSnapshot } from './routes';
import { defaultParseSpec, type ParseSpec } from './spec';
import { TrialQueue } from './trial-queue';
import { serveStatic } from './static';

export interface GatewayOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /**
   * The store: a SQLite file (created if missing; also `sqlite:<path>`), `:memory:`, or a
   * `postgres://user@host:port/database` URL (tables created or migrated on start).
   */
  dbPath: string;
  /**
   * Where uploaded trial checkpoints are kept (default `<file>.blobs` beside a SQLite file; with
   * `:memory:` or Postgres a temporary directory removed on close, so give one for Postgres).
   */
  blobDir?: string;
  /** Bearer token with every scope (ingest, control, read). */
  token: string;
  /** Further tokens with limited scopes, e.g. an ingest-only token for trainer nodes (each ≥ 16 characters). */
  credentials?: Credential[];
  /** Reads (GET /api/*, websocket Subscribe) need no credential (default true; set false beyond loopback). */
  openReads?: boolean;
  /** Host names accepted besides loopback names when listening on loopback (DNS-rebinding guard). */
  allowedHosts?: string[];
  /** Orchestrator (Temporal) behind POST /api/sweeps and pause/resume/cancel; without it those answer 503/only store. */
  control?: SweepControl;
  /** Directory of the console's built files, served at `/`. */
  consoleDir?: string;
  /** Spec parser; defaults to `parseSpec` from @slab/spec. */
  parseSpec?: ParseSpec;
  /** Where log lines go (default: stderr). */
  log?: (message: string) => void;
  /** Bounds on connections, frame sizes, subscriptions and rates (defaults in limits.ts). */
  limits?: Partial<GatewayLimits>;
  /**
   * Serve https and wss with this PEM certificate chain and private key (contents, not paths);
   * without it the gateway speaks plain http, fit for loopback only.
   */
  tls?: { cert: string | Buffer; key: string | Buffer };
  /** How long a console login code stays valid unused, ms (default 10 min). */
  loginCodeTtlMs?: number;
}

export interface Gateway {
  url: string;
  wsUrl: string;
  store: Store;
  /**
   * A one-click console link carrying a single-use login code for `token` (default: the gateway's
   * own token), never the token itself; `to` is the console path to land on (default `/`).
   */
  loginUrl(to?: string, token?: string): string;
  close(): Promise<void>;
}

/** Refuses an upgrade with a plain HTTP answer (the socket is not a websocket yet). */
function refuseUpgrade(socket: Duplex, status: number, reason: string, message: string): void {
  const body = `${JSON.stringify({ error: message })}\n`;
  socket.end(
    `HTTP/1.1 ${status} ${reason}\r\nconnection: close\r\ncontent-type: application/json; charset=utf-8\r\n` +
      `content-length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  );
}

/** A listen failure as one line a person can act on. */
function listenError(err: NodeJS.ErrnoException, host: string, port: number): Error {
  const where = `${host.includes(':') ? `[${host}]` : host}:${port}`;
  if (err.code === 'EADDRINUSE') return new Error(`gateway: ${where} is already in use; stop the process holding it or choose another port`);
  if (err.code === 'EACCES') return new Error(`gateway: no permission to listen on ${where}; choose a port above 1023`);
  if (err.code === 'EADDRNOTAVAIL') return new Error(`gateway: ${host} is not an address of this machine`);
  return new Error(`gateway: cannot listen on ${where}: ${err.message}`);
}

/** The blob directory: given, beside a SQLite file, or a temporary one for an in-memory or Postgres store. */
function blobDirFor(opts: GatewayOptions): { dir: string; dispose(): void } {
  if (opts.blobDir !== undefined) {
    if (typeof opts.blobDir !== 'string' || opts.blobDir === '') throw new Error('startGateway: blobDir: expected a directory path');
    return { dir: opts.blobDir, dispose: () => undefined };
  }
  const at = parseStoreUrl(opts.dbPath, 'startGateway: dbPath');
  if (at.kind === 'sqlite' && at.path !== ':memory:') return { dir: `${at.path}.blobs`, dispose: () => undefined };
  const dir = mkdtempSync(join(tmpdir(), 'slab-blobs-'));
  return { dir, dispose: () => rmSync(dir, { recursive: true, force: true }) };
}

export async function startGateway(opts: GatewayOptions): Promise<Gateway> {
  if (typeof opts.token !== 'string' || opts.token === '') throw new Error('startGateway: token: expected a non-empty string');
  parseStoreUrl(opts.dbPath, 'startGateway: dbPath');
  const port = opts.port ?? 0;
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`startGateway: port: expected 0..65535, got ${port}`);
  const host = opts.host ?? '127.0.0.1';
  const log = opts.log ?? ((m: string) => process.stderr.write(`[gateway] ${m}\n`));
  const limits = resolveLimits(opts.limits);
  const auth = new Auth({
    credentials: [{ token: opts.token, scopes: [...SCOPES] }, ...checkCredentials(opts.credentials ?? [])],
    openReads: opts.openReads ?? true,
    allowedHosts: opts.allowedHosts ?? [],
    loopback: /^(127\.|::1$|localhost$)/.test(host),
  });

  if (opts.tls !== undefined && (!opts.tls?.cert || !opts.tls?.key)) throw new Error('startGateway: tls: expected { cert, key } as PEM text');
  const codes = new LoginCodes(opts.loginCodeTtlMs);
  const blobs = blobDirFor(opts);
  let store: Store;
  try {
    store = await openStore(opts.dbPath, { field: 'startGateway: dbPath' });
  } catch (err) {
    blobs.dispose();
    throw err;
  }
  const hub = new LiveHub(limits.maxBufferedBytes);
  const queue = new TrialQueue();
  const checkpoints = new CheckpointBlobs(blobs.dir);
  const router = buildRouter({
    store,
    hub,
    auth,
    control: opts.control,
    parseSpec: opts.parseSpec ?? defaultParseSpec,
    log,
    limits,
    // A finished trial is never resumed: its checkpoint would only take disk.
    onTrialsFinished: (sweepId, trialIds) => trialIds.forEach((t) => checkpoints.remove(sweepId, t)),
  });
  addCheckpointRoutes(router, { store, auth, blobs: checkpoints, maxBytes: limits.maxCheckpointBytes });
  addLoginRoutes(router, { auth, codes, secure: opts.tls !== undefined });

  async function onRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const method = req.method ?? 'GET';
    let url = new URL('http://gateway/');
    try {
      try {
        url = new URL(req.url ?? '/', 'http://gateway');
      } catch {
        throw new HttpError(400, `path: expected a URL path, got ${JSON.stringify((req.url ?? '').slice(0, 80))}`);
      }
      if (!auth.hostAllowed(req)) throw new HttpError(403, `host: expected this gateway's address, got ${JSON.stringify(req.headers.host ?? '')}`);
      const match = router.match(method, url.pathname);
      if (match instanceof HttpError) throw match;
      if (match) return await match.handler({ req, res, params: match.params, query: url.searchParams });
      if (url.pathname.startsWith('/api/')) throw new HttpError(404, `no route for ${method} ${url.pathname}`);
      if ((method === 'GET' || method === 'HEAD') && opts.consoleDir) {
        if (await serveStatic(opts.consoleDir, url.pathname, res, method === 'HEAD')) return;
      }
      throw new HttpError(404, opts.consoleDir ? `not found: ${url.pathname}` : 'no console directory is configured');
    } catch (err) {
      if (res.headersSent) {
        res.destroy();
        return;
      }
      if (err instanceof HttpError) {
        sendJson(res, err.status, err.issues ? { error: err.message, issues: err.issues } : { error: err.message });
      } else {
        log(`${method} ${url.pathname} failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
        sendJson(res, 500, { error: `internal error: ${err instanceof Error ? err.message : String(err)}` });
      }
    }
  }

  const handle = (req: IncomingMessage, res: ServerResponse): void => void onRequest(req, res);
  const server = opts.tls ? createHttpsServer({ cert: opts.tls.cert, key: opts.tls.key }, handle) : createServer(handle);
  // A malformed request (bad request line, oversized headers) gets 400 and a closed socket; the
  // default handler does the same, this one also logs it.
  server.on('clientError', (err: NodeJS.ErrnoException, socket: Duplex) => {
    if (err.code !== 'ECONNRESET') log(`http: bad request from ${(socket as Socket).remoteAddress ?? 'a client'}: ${err.message}`);
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nconnection: close\r\ncontent-length: 0\r\n\r\n');
    else socket.destroy();
  });

  // Upgrades are handled here rather than by ws, so the path, the connection cap and the bearer
  // token are checked before a websocket exists; maxPayload makes ws close oversize messages (1009).
  const wss = new WebSocketServer({ noServer: true, maxPayload: limits.maxFrameBytes });
  wss.on('error', (err) => log(`ws server: ${err.message}`));
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    // A client that goes away mid-upgrade (a closed tab) resets the socket: nothing to report.
    socket.on('error', (err: NodeJS.ErrnoException) => err.code !== 'ECONNRESET' && err.code !== 'EPIPE' && log(`ws upgrade: ${err.message}`));
    let path: string;
    try {
      path = new URL(req.url ?? '/', 'http://gateway').pathname;
    } catch {
      return refuseUpgrade(socket, 400, 'Bad Request', 'path: expected /ws');
    }
    if (path !== '/ws') return refuseUpgrade(socket, 404, 'Not Found', `path: websockets are served at /ws, not ${path.slice(0, 80)}`);
    if (wss.clients.size >= limits.maxConnections) {
      return refuseUpgrade(socket, 503, 'Service Unavailable', `too many websocket connections (limit ${limits.maxConnections})`);
    }
    if (!auth.hostAllowed(req)) return refuseUpgrade(socket, 403, 'Forbidden', `host: expected this gateway's address, got ${JSON.stringify(req.headers.host ?? '')}`);
    // Browsers always send Origin on websockets: a page of another site must not ride a local session.
    if (!auth.sameOrigin(req)) return refuseUpgrade(socket, 403, 'Forbidden', `origin: expected a page of this gateway, got ${JSON.stringify(req.headers.origin)}`);
    let scopes;
    try {
      scopes = auth.scopesOf(req);
    } catch (err) {
      return refuseUpgrade(socket, 403, 'Forbidden', (err as Error).message);
    }
    const conn = { scopes, peer: `${req.socket.remoteAddress ?? '?'}:${req.socket.remotePort ?? '?'}` };
    wss.handleUpgrade(req, socket, head, (ws) => {
      handleConnection(ws, { store, hub, auth, limits, log, queue, snapshot: (id) => sweepSnapshot(store, id) }, conn);
    });
  });

  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
  } catch (err) {
    await store.close();
    blobs.dispose();
    throw listenError(err as NodeJS.ErrnoException, host, port);
  }
  // After start-up a server error (e.g. EMFILE on accept) is logged, never thrown out of the loop.
  server.on('error', (err) => log(`http server: ${err.message}`));

  const address = server.address() as AddressInfo;
  const hostPart = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  let closing: Promise<void> | undefined;
  const scheme = opts.tls ? 'https' : 'http';
  const url = `${scheme}://${hostPart}:${address.port}`;

  return {
    url,
    wsUrl: `${opts.tls ? 'wss' : 'ws'}://${hostPart}:${address.port}/ws`,
    store,
    loginUrl(to = '/', token = opts.token) {
      if (!auth.scopesOfToken(token)) throw new Error('loginUrl: token: expected one of the gateway\'s credentials');
      return url + loginPath(codes.issue(token).code, to);
    },
    close() {
      closing ??= (async () => {
        for (const ws of wss.clients) ws.terminate();
        await new Promise<void>((resolve) => wss.close(() => resolve()));
        server.closeAllConnections();
        await new Promise<void>((resolve) => server.close(() => resolve()));
        await store.close();
        blobs.dispose();
      })();
      return closing;
    },
  };
}
