/**
 * Light and dark themes. The page follows the system (`prefers-color-scheme`) until the reader
 * picks one with the toggle in the top bar; the pick is kept in localStorage. The theme is the
 * `data-theme` attribute of <html>, which styles.css reads; plots, whose colours are computed in
 * code, ask `forTheme` for a colour that reads on the current background.
 */
export type Theme = 'light' | 'dark';
export type ThemeChoice = Theme | 'system';

const KEY = 'slab.theme';
const media = () => window.matchMedia('(prefers-color-scheme: dark)');

export function themeChoice(): ThemeChoice {
  try {
    const v = localStorage.getItem(KEY);
    if (v === 'light' || v === 'dark') return v;
  } catch {
    // Storage off (private mode): follow the system.
  }
  return 'system';
}

export function currentTheme(): Theme {
  const choice = themeChoice();
  return choice === 'system' ? (media().matches ? 'dark' : 'light') : choice;
}

/** Sets <html data-theme> from the reader's choice (or the system) and returns the theme shown. */
export function applyTheme(): Theme {
  const theme = currentTheme();
  document.documentElement.dataset.theme = theme;
  document.documentElement.style.colorScheme = theme;
  return theme;
}

function setChoice(choice: ThemeChoice): void {
  try {
    if (choice === 'system') localStorage.removeItem(KEY);
    else localStorage.setItem(KEY, choice);
  } catch {
    // Not persisted: this page still switches.
  }
}

const NEXT: Record<ThemeChoice, ThemeChoice> = { system: 'dark', dark: 'light', light: 'system' };
const LABEL: Record<ThemeChoice, string> = { system: 'theme: system', dark: 'theme: dark', light: 'theme: light' };

/**
 * Applies the theme, puts a toggle (system → dark → light → system) into `host`, and calls
 * `onChange` whenever the theme shown changes (a click, or the system switching), so views can
 * redraw their plots.
 */
export function mountThemeToggle(host: HTMLElement, onChange: () => void): void {
  let shown = applyTheme();
  const btn = document.createElement('button');
  btn.type = 'button';
  btn.className = 'theme-toggle';
  btn.dataset.testid = 'theme-toggle';
  const label = () => {
    const choice = themeChoice();
    btn.textContent = LABEL[choice];
    btn.title = choice === 'system' ? `following the system (${currentTheme()}); click for dark` : `click for ${NEXT[choice] === 'system' ? 'the system theme' : NEXT[choice]}`;
  };
  const update = () => {
    label();
    const next = applyTheme();
    if (next !== shown) {
      shown = next;
      onChange();
    }
  };
  btn.addEventListener('click', () => {
    setChoice(NEXT[themeChoice()]);
    update();
  });
  media().addEventListener('change', update);
  label();
  host.append(btn);
}

/**
 * A colour that reads on the current background. Plot colours are chosen to be dark enough for
 * thin lines on white; on the dark theme their lightness is lifted (L → 40 + 0.6·L in HSL, so the
 * order of a lightness ramp is kept) with hue and saturation unchanged. Colours it cannot parse
 * (named colours, CSS variables) are returned as given.
 */
export function forTheme(color: string, theme: Theme = document.documentElement.dataset.theme === 'dark' ? 'dark' : 'light'): string {
  if (theme === 'light') return color;
  const hsl = toHsl(color);
  if (!hsl) return color;
  const [h, s, l] = hsl;
  return `hsl(${+h.toFixed(1)} ${+s.toFixed(1)}% ${+(40 + 0.6 * l).toFixed(1)}%)`;
}

/** [hue°, saturation %, lightness %] of `#rgb`, `#rrggbb`, `rgb(…)` or `hsl(…)`; undefined otherwise. */
export function toHsl(color: string): [number, number, number] | undefined {
  const c = color.trim().toLowerCase();
  const hsl = /^hsla?\(\s*([\d.]+)(?:deg)?[\s,]+([\d.]+)%[\s,]+([\d.]+)%/.exec(c);
  if (hsl) return [Number(hsl[1]), Number(hsl[2]), Number(hsl[3])];
  let rgb: number[] | undefined;
  const fn = /^rgba?\(\s*([\d.]+)[\s,]+([\d.]+)[\s,]+([\d.]+)/.exec(c);
  if (fn) rgb = fn.slice(1, 4).map(Number);
  const hex = /^#([0-9a-f]{3}|[0-9a-f]{6})$/.exec(c);
  if (hex) {
    const x = hex[1].length === 3 ? [...hex[1]].map((d) => d + d).join('') : hex[1];
    rgb = [0, 2, 4].map((i) => parseInt(x.slice(i, i + 2), 16));
  }
  if (!rgb) return undefined;
  const [r, g, b] = rgb.map((v) => v / 255);
  const max = Math.max(r, g, b);
  const min = Math.min(r, g, b);
  const l = (max + min) / 2;
  const d = max - min;
  if (d === 0) return [0, 0, l * 100];
  const s = d / (1 - Math.abs(2 * l - 1));
  const h = max === r ? ((g - b) / d) % 6 : max === g ? (b - r) / d + 2 : (r - g) / d + 4;
  return [(h * 60 + 360) % 360, s * 100, l * 100];
}
