/**
 * Downloads from the page: any plot as SVG or PNG, any table as CSV. A panel offers them with
 * buttons carrying `data-download="svg|png|csv"` inside an element marked `data-download-scope`
 * (its `data-download-name` names the file); one click handler on the document serves them all,
 * so a view only writes the buttons (see `downloadButtons`).
 *
 * SVG and PNG are drawn as the reader sees the plot, in the current theme: the stylesheet's rules
 * are copied onto each element, so the file renders the same outside the console. CSV holds the
 * table's visible rows and columns; a cell's `data-value` (an exact number) wins over its text.
 */
export type DownloadKind = 'svg' | 'png' | 'csv';

/** Buttons for a panel's download kinds, to be placed inside its `data-download-scope` element. */
export function downloadButtons(kinds: DownloadKind[]): string {
  return `<span class="downloads">${kinds.map((k) => `<button type="button" class="download" data-download="${k}" title="download as ${k.toUpperCase()}">${k.toUpperCase()}</button>`).join('')}</span>`;
}

/**
 * Makes a drawn plot downloadable: `root` (holding one `<svg viewBox>`) becomes a download scope
 * named `<sweep>-<name>` (the sweep from the address) with SVG and PNG buttons in its corner.
 * Call it after the plot's markup is in place; plots drawn by plot/chart.ts get it already.
 */
export function offerDownloads(root: HTMLElement, name: string): HTMLElement {
  const sweep = /^#\/sweeps\/([^/?]+)/.exec(location.hash)?.[1];
  root.setAttribute('data-download-scope', '');
  root.dataset.downloadName = fileStem(sweep ? `${decodeURIComponent(sweep)}-${name}` : name);
  root.insertAdjacentHTML('afterbegin', downloadButtons(['svg', 'png']));
  return root;
}

/** A safe file stem: letters, digits, `.`, `_` and `-`; runs of anything else become one `-`. */
export function fileStem(name: string): string {
  return name.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^-+|-+$/g, '') || 'download';
}

/** Presentation properties copied from the stylesheet onto every exported SVG element. */
const SVG_PROPS = [
  'fill',
  'fill-opacity',
  'stroke',
  'stroke-width',
  'stroke-opacity',
  'stroke-dasharray',
  'stroke-linecap',
  'stroke-linejoin',
  'opacity',
  'font-family',
  'font-size',
  'font-weight',
  'paint-order',
  'visibility',
];

/**
 * A standalone SVG document of a drawn plot: computed styles inlined, the hover layer left out,
 * the panel's background painted behind it, pixel size from its viewBox.
 */
export function svgDocument(svg: SVGSVGElement): string {
  const clone = svg.cloneNode(true) as SVGSVGElement;
  const from = [svg, ...Array.from(svg.querySelectorAll('*'))];
  const to = [clone, ...Array.from(clone.querySelectorAll('*'))];
  from.forEach((el, i) => {
    const style = getComputedStyle(el);
    const target = to[i] as SVGElement;
    for (const p of SVG_PROPS) {
      const v = style.getPropertyValue(p);
      if (v) target.style.setProperty(p, v);
    }
  });
  clone.querySelectorAll('g.hover').forEach((g) => g.remove());
  const [, , w, h] = (svg.getAttribute('viewBox') ?? '0 0 640 340').split(/\s+/).map(Number);
  clone.setAttribute('xmlns', 'http://www.w3.org/2000/svg');
  clone.setAttribute('width', String(w));
  clone.setAttribute('height', String(h));
  clone.removeAttribute('style');
  const bg = document.createElementNS('http://www.w3.org/2000/svg', 'rect');
  bg.setAttribute('width', '100%');
  bg.setAttribute('height', '100%');
  bg.setAttribute('fill', backgroundOf(svg));
  clone.insertBefore(bg, clone.firstChild);
  return `<?xml version="1.0" encoding="UTF-8"?>\n${new XMLSerializer().serializeToString(clone)}`;
}

/** The first opaque background behind an element (the card's), so text stays readable in the file. */
function backgroundOf(el: Element): string {
  for (let e: Element | null = el; e; e = e.parentElement) {
    const bg = getComputedStyle(e).backgroundColor;
    if (bg && bg !== 'transparent' && !/rgba\(.*,\s*0\)$/.test(bg)) return bg;
  }
  return '#ffffff';
}

/** The plot rasterised at `scale`× its viewBox size, as PNG. */
export async function pngBlob(svg: SVGSVGElement, scale = 2): Promise<Blob> {
  const text = svgDocument(svg);
  const [, , w, h] = (svg.getAttribute('viewBox') ?? '0 0 640 340').split(/\s+/).map(Number);
  const img = new Image();
  img.src = `data:image/svg+xml;charset=utf-8,${encodeURIComponent(text)}`;
  await img.decode();
  const canvas = document.createElement('canvas');
  canvas.width = Math.round(w * scale);
  canvas.height = Math.round(h * scale);
  const ctx = canvas.getContext('2d');
  if (!ctx) throw new Error('png: this browser gives no 2-D canvas');
  ctx.drawImage(img, 0, 0, canvas.width, canvas.height);
  return new Promise((resolve, reject) => canvas.toBlob((b) => (b ? resolve(b) : reject(new Error('png: the canvas could not be encoded'))), 'image/png'));
}

/** Rendered: not hidden by a filter, a collapsed section or `display: none`. */
const visible = (el: Element) => el.getClientRects().length > 0;

/** RFC 4180 CSV of a table's visible rows and columns (header row first). */
export function tableCsv(table: HTMLTableElement): string {
  const rows = Array.from(table.rows).filter((r) => !r.hidden && visible(r));
  const header = table.tHead?.rows[0];
  const shownColumns = header ? Array.from(header.cells).map((c, i) => (!c.hidden && getComputedStyle(c).display !== 'none' ? i : -1)).filter((i) => i >= 0) : undefined;
  const cell = (c: HTMLTableCellElement) => (c.dataset.value ?? (c.textContent ?? '')).replace(/\s+/g, ' ').trim();
  const quote = (v: string) => (/[",\n\r]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);
  return (
    rows
      .map((r) => {
        const cells = Array.from(r.cells);
        return (shownColumns ?? cells.map((_, i) => i)).map((i) => quote(cells[i] ? cell(cells[i]) : '')).join(',');
      })
      .join('\r\n') + '\r\n'
  );
}

function save(name: string, blob: Blob): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/**
 * Gives every `table.table` under `root` that has no CSV button of its own one: the table (or its
 * `.table-wrap`) moves into a new download scope named `<sweep>-<table's data-testid>`. Idempotent,
 * so it can run after every render; views that place their own button keep it.
 */
export function offerTableCsv(root: ParentNode): void {
  for (const table of Array.from(root.querySelectorAll<HTMLTableElement>('table.table'))) {
    const scope = table.closest<HTMLElement>('[data-download-scope]');
    const own = scope && Array.from(scope.querySelectorAll('button[data-download="csv"]')).some((b) => b.closest('[data-download-scope]') === scope);
    if (own) continue;
    const target = table.parentElement?.classList.contains('table-wrap') ? table.parentElement : table;
    const box = document.createElement('div');
    box.className = 'table-download';
    box.setAttribute('data-download-scope', '');
    const sweep = /^#\/sweeps\/([^/?]+)/.exec(location.hash)?.[1];
    const name = table.dataset.testid ?? 'table';
    box.dataset.downloadName = fileStem(sweep ? `${decodeURIComponent(sweep)}-${name}` : name);
    target.replaceWith(box);
    box.insertAdjacentHTML('afterbegin', downloadButtons(['csv']));
    box.append(target);
  }
}

/**
 * Serves every `[data-download]` button on the page, and gives each table drawn from now on a CSV
 * button (offerTableCsv); installed once by main.ts.
 */
export function installDownloads(onError: (err: unknown) => void = (err) => console.warn(err)): void {
  // Views redraw by replacing markup; one observer covers every view, present and future.
  let pending = false;
  new MutationObserver(() => {
    if (pending) return;
    pending = true;
    queueMicrotask(() => {
      pending = false;
      offerTableCsv(document.body);
    });
  }).observe(document.body, { childList: true, subtree: true });
  offerTableCsv(document.body);
  document.addEventListener('click', (ev) => {
    const btn = (ev.target as Element).closest<HTMLButtonElement>('button[data-download]');
    const scope = btn?.closest<HTMLElement>('[data-download-scope]');
    if (!btn || !scope) return;
    const kind = btn.dataset.download as DownloadKind;
    const name = `${scope.dataset.downloadName || 'download'}.${kind}`;
    void (async () => {
      if (kind === 'csv') {
        const table = scope.querySelector('table');
        if (!table) throw new Error('csv: this panel holds no table');
        save(name, new Blob([tableCsv(table)], { type: 'text/csv;charset=utf-8' }));
        return;
      }
      const svg = scope.querySelector<SVGSVGElement>('svg[viewBox]');
      if (!svg) throw new Error(`${kind}: this panel holds no plot yet`);
      save(name, kind === 'svg' ? new Blob([svgDocument(svg)], { type: 'image/svg+xml' }) : await pngBlob(svg));
    })().catch(onError);
  });
}
