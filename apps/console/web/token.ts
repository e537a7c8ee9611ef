/**
 * The console never keeps the gateway's token. Opened with `?token=` (or given the token once when
 * a control action needs it), it trades the token for an HttpOnly, SameSite=Strict session cookie
 * (POST /api/session) and takes it out of the address bar; pause/resume/cancel then carry the
 * cookie, which page scripts cannot read.
 */
import { GatewayError } from '@slab/api';

/** Where earlier versions of the console kept the token; removed on sight. */
const LEGACY_KEY = 'slab.token';

export function tokenFromUrl(href: string): string | undefined {
  const url = new URL(href);
  const fromSearch = url.searchParams.get('token');
  if (fromSearch) return fromSearch;
  // Also accept it inside the hash route: #/sweeps/abc?token=...
  const q = url.hash.indexOf('?');
  return q >= 0 ? (new URLSearchParams(url.hash.slice(q + 1)).get('token') ?? undefined) : undefined;
}

/** `href` without any `token` parameter, in the query or in the hash route's query. */
export function urlWithoutToken(href: string): string {
  const url = new URL(href);
  url.searchParams.delete('token');
  const q = url.hash.indexOf('?');
  if (q >= 0) {
    const params = new URLSearchParams(url.hash.slice(q + 1));
    params.delete('token');
    const rest = params.toString();
    url.hash = url.hash.slice(0, q) + (rest ? `?${rest}` : '');
  }
  return url.toString();
}

/** Trades a token for the session cookie. @throws GatewayError (401/403 for a bad token) */
export async function startSession(token: string): Promise<void> {
  const res = await fetch(`${location.origin}/api/session`, { method: 'POST', headers: { authorization: `Bearer ${token}` } });
  if (!res.ok) {
    const body = (await res.json().catch(() => ({}))) as { error?: string };
    throw new GatewayError(res.status, body.error ?? `session: HTTP ${res.status}`);
  }
}

let adopted: Promise<void> | undefined;

/** Once per page: a token in the URL becomes a session and leaves the URL (and the history entry). */
export function adoptUrlToken(): Promise<void> {
  adopted ??= (async () => {
    localStorage.removeItem(LEGACY_KEY);
    const token = tokenFromUrl(location.href);
    if (!token) return;
    history.replaceState(history.state, '', urlWithoutToken(location.href));
    await startSession(token);
  })().catch((err: unknown) => console.warn(`console session: ${err instanceof Error ? err.message : String(err)}`));
  return adopted;
}

/** Asks the user for the token once and starts a session with it; false when none was given. */
export async function askForSession(): Promise<boolean> {
  const entered = window.prompt('Gateway token (SLAB_TOKEN or <stateDir>/token):')?.trim();
  if (!entered) return false;
  await startSession(entered);
  return true;
}
