/** Console entry: hash routing between the sweep list (#/) and a sweep's detail (#/sweeps/:id). */
import { mountDetail } from './views/detail';
import { mountList } from './views/list';
import type { View } from './views/common';
import { adoptUrlToken } from './token';

const app = document.getElementById('app')!;
let current: View | undefined;

function route(): void {
  current?.dispose();
  const path = location.hash.replace(/^#/, '').split('?')[0];
  const m = /^\/sweeps\/([^/]+)$/.exec(path);
  current = m ? mountDetail(app, decodeURIComponent(m[1])) : mountList(app);
  window.scrollTo(0, 0);
}

// A `?token=` in the address becomes an HttpOnly session cookie and leaves the address bar.
void adoptUrlToken();
window.addEventListener('hashchange', route);
route();
