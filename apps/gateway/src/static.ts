/** Serves the console's built files from a directory; unknown non-file paths get index.html (SPA). */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { ServerResponse } from 'node:http';
import { extname, join, resolve, sep } from 'node:path';
import { HttpError } from './http';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.wasm': 'application/wasm',
  '.txt': 'text/plain; charset=utf-8',
};

async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}

/** Returns false when nothing was served (the caller answers 404); a bad %-escape is a 400 (HttpError). */
export async function serveStatic(root: string, pathname: string, res: ServerResponse, headOnly: boolean): Promise<boolean> {
  const base = resolve(root);
  let rel: string;
  try {
    rel = decodeURIComponent(pathname);
  } catch {
    throw new HttpError(400, `path: bad %-escape in ${JSON.stringify(pathname.slice(0, 80))}`);
  }
  const target = resolve(join(base, rel));
  if (target !== base && !target.startsWith(base + sep)) return false; // path traversal
  let file = target;
  if (!(await isFile(file))) {
    const indexInDir = join(target, 'index.html');
    if (await isFile(indexInDir)) file = indexInDir;
    else if (extname(rel) === '' && (await isFile(join(base, 'index.html')))) file = join(base, 'index.html');
    else return false;
  }
  const type = TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream';
  const { size } = await stat(file);
  res.writeHead(200, { 'content-type': type, 'content-length': size, 'cache-control': 'no-cache' });
  if (headOnly) {
    res.end();
    return true;
  }
  await new Promise<void>((done, fail) => {
    createReadStream(file).on('error', fail).on('end', done).pipe(res);
  });
  return true;
}
