/** Small HTTP helpers: a path router, JSON answers (whole or streamed), bounded JSON bodies. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { SpecIssue } from '@slab/api';

/** An error that becomes `{ error, issues? }` with this status. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly issues?: SpecIssue[],
  ) {
    super(message);
  }
}

export interface RequestContext {
  req: IncomingMessage;
  res: ServerResponse;
  params: Record<string, string>;
  query: URLSearchParams;
}

export type Handler = (ctx: RequestContext) => Promise<void> | void;

interface Route {
  method: string;
  pattern: RegExp;
  keys: string[];
  handler: Handler;
}

/** Ids in paths are at most this long (the wire format's id limit). */
const MAX_PARAM_LENGTH = 200;

export class Router {
  private readonly routes: Route[] = [];

  /** `path` segments starting with ':' are captured, e.g. `/api/sweeps/:id/trials`. */
  on(method: string, path: string, handler: Handler): this {
    const keys: string[] = [];
    const source = path
      .split('/')
      .map((seg) => {
        if (!seg.startsWith(':')) return seg.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
        keys.push(seg.slice(1));
        return '([^/]+)';
      })
      .join('/');
    this.routes.push({ method, pattern: new RegExp(`^${source}$`), keys, handler });
    return this;
  }

  /** The handler for a request, or a 404/405 HttpError; undefined when no API path matches. */
  match(method: string, pathname: string): { handler: Handler; params: Record<string, string> } | HttpError | undefined {
    let pathMatched = false;
    for (const route of this.routes) {
      const m = route.pattern.exec(pathname);
      if (!m) continue;
      pathMatched = true;
      if (route.method !== method) continue;
      const params: Record<string, string> = {};
      for (const [i, k] of route.keys.entries()) {
        try {
          params[k] = decodeURIComponent(m[i + 1]);
        } catch {
          return new HttpError(400, `path: ${k}: bad %-escape in ${JSON.stringify(m[i + 1].slice(0, 80))}`);
        }
        if (params[k].length > MAX_PARAM_LENGTH) return new HttpError(400, `path: ${k}: expected at most ${MAX_PARAM_LENGTH} characters, got ${params[k].length}`);
      }
      return { handler: route.handler, params };
    }
    return pathMatched ? new HttpError(405, `${method} is not allowed on ${pathname}`) : undefined;
  }
}

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

export function sendText(res: ServerResponse, status: number, contentType: string, text: string): void {
  res.writeHead(status, { 'content-type': contentType, 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

/**
 * Writes a JSON array page by page: `nextPage()` returns the next rows ([] when done), and the
 * next page is read only once the socket has taken the previous one. Memory stays at one page
 * whatever the answer's size; a client that goes away stops the reading.
 */
export async function streamJsonArray(res: ServerResponse, nextPage: () => Promise<unknown[]>): Promise<void> {
  res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' });
  let first = true;
  res.write('[');
  for (;;) {
    const rows = await nextPage();
    if (rows.length === 0) break;
    let chunk = '';
    for (const row of rows) {
      chunk += (first ? '' : ',') + JSON.stringify(row);
      first = false;
    }
    if (!res.write(chunk)) {
      const open = await new Promise<boolean>((resolve) => {
        const onDrain = (): void => {
          res.off('close', onClose);
          resolve(true);
        };
        const onClose = (): void => {
          res.off('drain', onDrain);
          resolve(false);
        };
        res.once('drain', onDrain);
        res.once('close', onClose);
      });
      if (!open) return;
    }
    if (res.destroyed) return;
  }
  res.end(']');
}

const MAX_BODY = 8 * 1024 * 1024;

export async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY) throw new HttpError(413, `body: larger than ${MAX_BODY} bytes`);
    chunks.push(chunk as Buffer);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  if (text.trim() === '') throw new HttpError(400, 'body: expected a JSON object, got an empty body');
  try {
    return JSON.parse(text);
  } catch {
    throw new HttpError(400, 'body: expected JSON, could not parse it');
  }
}

