/**
 * One-click console login without a token in any URL: the CLI prints `/login?code=…` (a
 * single-use, short-lived code, see LoginCodes), and the gateway trades the code for the same
 * HttpOnly, SameSite=Strict session cookie POST /api/session sets, then redirects into the console.
 *
 * - `POST /api/session/codes` (bearer token of any scope) → `{ code, path, expiresAt }`: a code for
 *   that token; `slab console` uses it to print a fresh link for a running stack.
 * - `GET /login?code=C[&to=/#/sweeps/ID]` → 303 to `to` (a path on this gateway) with the cookie;
 *   400 for a code that is unknown, already used or expired.
 */
import type { ServerResponse } from 'node:http';
import { type Auth, type LoginCodes, SESSION_COOKIE } from './auth';
import { HttpError, type Router, sendJson } from './http';

export interface LoginRouteDeps {
  auth: Auth;
  codes: LoginCodes;
  /** The gateway serves https: the cookie gets `Secure`. */
  secure: boolean;
}

/** The session cookie for a token (the attributes match POST /api/session's). */
export function sessionCookie(auth: Auth, token: string, secure: boolean): string {
  return `${SESSION_COOKIE}=${auth.sessionFor(token)}; HttpOnly; SameSite=Strict; Path=/${secure ? '; Secure' : ''}`;
}

/**
 * A redirect target on this gateway: a path starting with one `/` (never `//host` or `/\host`,
 * which browsers read as another site), without control characters.
 * @throws HttpError 400 naming `to`
 */
export function checkRedirect(to: string | null): string {
  if (to === null || to === '') return '/';
  if (to.length > 2000 || !/^\/(?![/\\])/.test(to) || [...to].some((ch) => ch.charCodeAt(0) < 0x20 || ch.charCodeAt(0) === 0x7f)) {
    throw new HttpError(400, `to: expected a path on this gateway such as /#/sweeps/ID, got ${JSON.stringify(to.slice(0, 80))}`);
  }
  return to;
}

/** The login path for a code, e.g. `/login?code=…&to=%2F%23%2Fsweeps%2Fabc`. */
export function loginPath(code: string, to = '/'): string {
  const q = new URLSearchParams({ code });
  if (to !== '/') q.set('to', checkRedirect(to));
  return `/login?${q.toString()}`;
}

function noStore(res: ServerResponse): void {
  // The address holds a (spent) code: keep it out of caches and of the next page's Referer.
  res.setHeader('cache-control', 'no-store');
  res.setHeader('referrer-policy', 'no-referrer');
}

export function addLoginRoutes(router: Router, deps: LoginRouteDeps): void {
  const { auth, codes, secure } = deps;

  router.on('POST', '/api/session/codes', ({ req, res }) => {
    const header = req.headers.authorization;
    const token = header?.startsWith('Bearer ') ? header.slice(7).trim() : '';
    if (!token) throw new HttpError(401, 'authorization: expected "Bearer <token>" (a login code stands for the token that asked for it)');
    if (!auth.scopesOfToken(token)) throw new HttpError(403, 'authorization: token is not valid');
    const { code, expiresAt } = codes.issue(token);
    noStore(res);
    sendJson(res, 200, { code, path: loginPath(code), expiresAt: new Date(expiresAt).toISOString() });
  });

  router.on('GET', '/login', ({ res, query }) => {
    noStore(res);
    const code = query.get('code');
    if (!code) throw new HttpError(400, 'code: expected the login code of a console link (`slab console` prints one)');
    const to = checkRedirect(query.get('to'));
    const token = codes.redeem(code);
    // A code names its token; the token may since have been dropped from the credentials.
    if (token === undefined || !auth.scopesOfToken(token)) {
      throw new HttpError(400, `code: unknown, already used or expired (codes are single-use and valid ${Math.round(codes.ttlMs / 60_000)} min); \`slab console\` prints a fresh link`);
    }
    res.setHeader('set-cookie', sessionCookie(auth, token, secure));
    res.writeHead(303, { location: to, 'content-length': 0 });
    res.end();
  });
}
