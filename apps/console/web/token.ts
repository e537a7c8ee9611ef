/**
 * The write token for pause/resume/cancel: `?token=` in the page URL wins (and is remembered),
 * otherwise the one remembered in localStorage, otherwise the user is asked once.
 */
const KEY = 'slab.token';

export function tokenFromUrl(href: string): string | undefined {
  const url = new URL(href);
  const fromSearch = url.searchParams.get('token');
  if (fromSearch) return fromSearch;
  // Also accept it inside the hash route: #/sweeps/abc?token=...
  const q = url.hash.indexOf('?');
  return q >= 0 ? (new URLSearchParams(url.hash.slice(q + 1)).get('token') ?? undefined) : undefined;
}

export function getToken(ask: boolean): string | undefined {
  const fromUrl = tokenFromUrl(location.href);
  if (fromUrl) {
    localStorage.setItem(KEY, fromUrl);
    return fromUrl;
  }
  const stored = localStorage.getItem(KEY);
  if (stored) return stored;
  if (!ask) return undefined;
  const entered = window.prompt('Gateway token (SLAB_TOKEN or <stateDir>/token):')?.trim();
  if (entered) localStorage.setItem(KEY, entered);
  return entered || undefined;
}

export function forgetToken(): void {
  localStorage.removeItem(KEY);
}
