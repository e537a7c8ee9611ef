/**
 * Who may do what. A credential is a bearer token with scopes:
 * - `ingest`: trainers' metric frames over /ws and the orchestrator's sweep reports;
 * - `control`: submit, pause, resume and cancel sweeps;
 * - `read`: REST reads and console subscriptions (only enforced when reads are not open).
 * A browser never holds the token: POST /api/session with it sets an HttpOnly, SameSite=Strict
 * cookie carrying an HMAC of the token, which the gateway recognises without storing sessions (so
 * it survives restarts) and accepts only from same-origin requests.
 *
 * The Host check refuses requests whose Host header names something other than the gateway when it
 * listens on loopback: a web page that rebinds its DNS name to 127.0.0.1 cannot read or drive it.
 */
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { HttpError } from './http';

export type Scope = 'ingest' | 'control' | 'read';
export const SCOPES: readonly Scope[] = ['ingest', 'control', 'read'];

export interface Credential {
  token: string;
  scopes: Scope[];
}

export const SESSION_COOKIE = 'slab_session';

const digest = (s: string): Buffer => createHash('sha256').update(s).digest();
const equal = (a: string, b: string): boolean => timingSafeEqual(digest(a), digest(b));
const sessionValue = (token: string): string => createHmac('sha256', token).update('slab console session v1').digest('base64url');

/** Checks a credential list; throws naming the first bad field. */
export function checkCredentials(list: unknown, path = 'startGateway: credentials'): Credential[] {
  if (!Array.isArray(list)) throw new Error(`${path}: expected an array of { token, scopes }`);
  return list.map((c: Partial<Credential>, i) => {
    if (typeof c?.token !== 'string' || c.token.length < 16) throw new Error(`${path}[${i}].token: expected a string of at least 16 characters`);
    if (!Array.isArray(c.scopes) || c.scopes.length === 0 || c.scopes.some((s) => !SCOPES.includes(s))) {
      throw new Error(`${path}[${i}].scopes: expected a non-empty list of ${SCOPES.join(', ')}, got ${JSON.stringify(c.scopes)}`);
    }
    return { token: c.token, scopes: [...c.scopes] };
  });
}

function cookie(req: IncomingMessage, name: string): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

function bearer(req: IncomingMessage): string | undefined {
  const header = req.headers.authorization;
  const given = header?.startsWith('Bearer ') ? header.slice(7).trim() : undefined;
  return given || undefined;
}

const LOOPBACK_NAMES = /^(localhost|127(?:\.\d{1,3}){3}|\[::1\]|[a-z0-9-]+\.localhost)$/i;

export interface AuthOptions {
  credentials: Credential[];
  /** Reads (GET /api/*, Subscribe) need no credential (default true: loopback use). */
  openReads: boolean;
  /** Extra Host names accepted besides loopback names and the listen address. */
  allowedHosts: string[];
  /** The gateway listens on loopback only: enforce the Host check. */
  loopback: boolean;
}

export class Auth {
  private readonly sessions: { value: string; scopes: Set<Scope> }[];

  constructor(private readonly opts: AuthOptions) {
    this.sessions = opts.credentials.map((c) => ({ value: sessionValue(c.token), scopes: new Set(c.scopes) }));
  }

  get openReads(): boolean {
    return this.opts.openReads;
  }

  /** Scopes of a token (undefined: not a known token). Compares against every credential in constant time. */
  scopesOfToken(token: string | undefined): Set<Scope> | undefined {
    if (token === undefined) return undefined;
    let found: Set<Scope> | undefined;
    for (const c of this.opts.credentials) if (equal(token, c.token)) found = new Set(c.scopes);
    return found;
  }

  /** The session cookie value for a token (set by POST /api/session). */
  sessionFor(token: string): string {
    return sessionValue(token);
  }

  /**
   * Scopes a request carries: its bearer token, else its session cookie when the request is
   * same-origin (a cookie is ambient: another site's page must not be able to use it).
   * @throws HttpError 403 for a bearer token that is not valid
   */
  scopesOf(req: IncomingMessage): Set<Scope> {
    const token = bearer(req);
    if (token !== undefined) {
      const scopes = this.scopesOfToken(token);
      if (!scopes) throw new HttpError(403, 'authorization: token is not valid');
      return scopes;
    }
    const session = cookie(req, SESSION_COOKIE);
    if (session !== undefined && this.sameOrigin(req, true)) {
      for (const s of this.sessions) if (equal(session, s.value)) return s.scopes;
    }
    return new Set();
  }

  /** @throws HttpError 401 without a credential, 403 when the credential lacks `scope` */
  require(req: IncomingMessage, scope: Scope): void {
    if (scope === 'read' && this.opts.openReads) return;
    const scopes = this.scopesOf(req);
    if (scopes.has(scope)) return;
    if (scopes.size === 0) throw new HttpError(401, `authorization: expected "Bearer <token>" with the ${scope} scope (or a console session)`);
    throw new HttpError(403, `authorization: this credential lacks the ${scope} scope`);
  }

  /**
   * The Host header names this gateway: always true unless it listens on loopback only, where a
   * foreign name means a DNS-rebinding page.
   */
  hostAllowed(req: IncomingMessage): boolean {
    if (!this.opts.loopback) return true;
    const host = req.headers.host;
    if (!host) return false;
    const name = host.replace(/:\d+$/, '');
    return LOOPBACK_NAMES.test(name) || this.opts.allowedHosts.includes(name);
  }

  /**
   * The request comes from a page of this gateway: its Origin (sent by browsers on websocket
   * upgrades and cross-origin requests) names the same host. No Origin at all is a non-browser
   * client, same-origin unless `strict`.
   */
  sameOrigin(req: IncomingMessage, strict = false): boolean {
    const origin = req.headers.origin;
    if (origin === undefined) return !strict || req.method === 'GET' || req.method === 'HEAD';
    try {
      return new URL(origin).host === req.headers.host;
    } catch {
      return false;
    }
  }
}

/**
 * Single-use, short-lived login codes: what a console link printed by the CLI carries instead of a
 * token. GET /login?code= redeems one for the session cookie; a code that leaks afterwards (shell
 * history, browser history, a proxy log) is already spent, and an unused one expires.
 */
export class LoginCodes {
  /** Code digest → the token it stands for and when it expires (ms since the epoch). */
  private readonly codes = new Map<string, { token: string; expires: number }>();

  /**
   * @param ttlMs how long an unused code stays valid (default 10 min: time to click a link printed at start-up)
   * @param maxOutstanding codes kept at once; the oldest is dropped beyond it (bounds memory)
   */
  constructor(
    readonly ttlMs = 10 * 60_000,
    private readonly maxOutstanding = 256,
  ) {}

  /** A fresh code standing for `token` (which must be a known credential). */
  issue(token: string, now = Date.now()): { code: string; expiresAt: number } {
    for (const [key, entry] of this.codes) if (entry.expires <= now) this.codes.delete(key);
    while (this.codes.size >= this.maxOutstanding) this.codes.delete(this.codes.keys().next().value as string);
    const code = randomBytes(24).toString('base64url');
    const expiresAt = now + this.ttlMs;
    this.codes.set(digest(code).toString('hex'), { token, expires: expiresAt });
    return { code, expiresAt };
  }

  /** The token a code stands for, once: the code is spent by this call. Undefined when unknown, spent or expired. */
  redeem(code: string, now = Date.now()): string | undefined {
    const key = digest(code).toString('hex');
    const entry = this.codes.get(key);
    this.codes.delete(key);
    return entry && entry.expires > now ? entry.token : undefined;
  }
}
