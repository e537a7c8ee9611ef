/**
 * Console entry: hash routing between the sweep list (#/), a sweep's detail (#/sweeps/:id), its
 * runs' explorer (#/sweeps/:id/explore), one trial's page (#/sweeps/:id/trials/:trial) and the
 * comparison of sweeps (#/compare?ids=a,b). Also the theme toggle and the panels' download buttons.
 */
import { compareIds } from './comparison';
import { mountCompare } from './views/compare';
import { mountDetail } from './views/detail';
import { mountExplore } from './views/explore';
import { mountList } from './views/list';
import { mountTrial } from './views/trial';
import { installDownloads } from './download';
import { mountThemeToggle } from './theme';
import type { View } from './views/common';
import { adoptUrlToken } from './token';

const app = document.getElementById('app')!;
let current: View | undefined;

function route(): void {
  current?.dispose();
  const path = location.hash.replace(/^#/, '').split('?')[0];
  const m = /^\/sweeps\/([^/]+)$/.exec(path);
  const explore = /^\/sweeps\/([^/]+)\/explore$/.exec(path);
  const trial = /^\/sweeps\/([^/]+)\/trials\/([^/]+)$/.exec(path);
  if (trial) current = mountTrial(app, decodeURIComponent(trial[1]), decodeURIComponent(trial[2]));
  else if (explore) current = mountExplore(app, decodeURIComponent(explore[1]));
  else if (path === '/compare') current = mountCompare(app, compareIds(location.hash));
  else current = m ? mountDetail(app, decodeURIComponent(m[1])) : mountList(app);
  window.scrollTo(0, 0);
}

// A `?token=` in the address becomes an HttpOnly session cookie and leaves the address bar.
void adoptUrlToken();
window.addEventListener('hashchange', route);
// Plots compute their colours for the theme: a theme change redraws the page where it was.
mountThemeToggle(document.querySelector<HTMLElement>('.topbar')!, () => {
  const y = window.scrollY;
  route();
  window.scrollTo(0, y);
});
installDownloads();
route();
