/**
 * The gateway process: REST (routes.ts), websocket ingest and live fan-out on /ws (ingest.ts,
 * hub.ts), the console's static files, all over one node:http server and one Store.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { SweepControl } from '@slab/api';
import { openStore, type Store } from '@slab/store';
import { WebSocketServer } from 'ws';
import { HttpError, sendJson } from './http';
import { LiveHub } from './hub';
import { handleConnection } from './ingest';
import { buildRouter, sweepSnapshot } from './routes';
import { defaultParseSpec, type ParseSpec } from './spec';
import { serveStatic } from './static';

export interface GatewayOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** SQLite file (created if missing) or `:memory:`. */
  dbPath: string;
  /** Bearer token for writes and trainer Hello frames. */
  token: string;
  /** Orchestrator (Temporal) behind POST /api/sweeps and pause/resume/cancel; without it those answer 503/only store. */
  control?: SweepControl;
  /** Directory of the console's built files, served at `/`. */
  consoleDir?: string;
  /** Spec parser; defaults to `parseSpec` from @slab/spec. */
  parseSpec?: ParseSpec;
  /** Where log lines go (default: stderr). */
  log?: (message: string) => void;
}

export interface Gateway {
  url: string;
  wsUrl: string;
  store: Store;
  close(): Promise<void>;
}

/** Largest accepted websocket message; a metric frame is a few KB. */
const MAX_WS_PAYLOAD = 4 * 1024 * 1024;

export async function startGateway(opts: GatewayOptions): Promise<Gateway> {
  if (typeof opts.token !== 'string' || opts.token === '') throw new Error('startGateway: token: expected a non-empty string');
  if (typeof opts.dbPath !== 'string' || opts.dbPath === '') throw new Error('startGateway: dbPath: expected a file path or ":memory:"');
  const port = opts.port ?? 0;
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`startGateway: port: expected 0..65535, got ${port}`);
  const host = opts.host ?? '127.0.0.1';
  const log = opts.log ?? ((m: string) => process.stderr.write(`[gateway] ${m}\n`));

  const store = openStore(opts.dbPath);
  const hub = new LiveHub();
  const router = buildRouter({
    store,
    hub,
    token: opts.token,
    control: opts.control,
    parseSpec: opts.parseSpec ?? defaultParseSpec,
    log,
  });

  async function onRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://gateway');
    const method = req.method ?? 'GET';
    try {
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

  const server = createServer((req, res) => void onRequest(req, res));
  const wss = new WebSocketServer({ server, path: '/ws', maxPayload: MAX_WS_PAYLOAD });
  wss.on('connection', (ws) => handleConnection(ws, { store, hub, token: opts.token, log, snapshot: (id) => sweepSnapshot(store, id) }));

  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
  } catch (err) {
    store.close();
    throw err;
  }

  const address = server.address() as AddressInfo;
  const hostPart = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  let closing: Promise<void> | undefined;

  return {
    url: `http://${hostPart}:${address.port}`,
    wsUrl: `ws://${hostPart}:${address.port}/ws`,
    store,
    close() {
      closing ??= (async () => {
        for (const ws of wss.clients) ws.terminate();
        await new Promise<void>((resolve) => wss.close(() => resolve()));
        server.closeAllConnections();
        await new Promise<void>((resolve) => server.close(() => resolve()));
        store.close();
      })();
      return closing;
    },
  };
}
