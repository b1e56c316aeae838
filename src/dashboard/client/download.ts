/** Downloads made in the page: a table as CSV, a chart as PNG. */

function save(blob: Blob, name: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

function csvCell(v: string): string {
  return /[",\n\r]/.test(v) ? `"${v.replaceAll('"', '""')}"` : v;
}

export function downloadCsv(name: string, header: string[], rows: string[][]): void {
  const text = [header, ...rows].map((r) => r.map(csvCell).join(',')).join('\r\n');
  save(new Blob([`${text}\r\n`], { type: 'text/csv;charset=utf-8' }), `${name}.csv`);
}

/** The chart's canvas on the page's background colour. */
export function downloadPng(name: string, canvas: HTMLCanvasElement, background: string): void {
  const out = document.createElement('canvas');
  out.width = canvas.width;
  out.height = canvas.height;
  const ctx = out.getContext('2d');
  if (ctx === null) return;
  ctx.fillStyle = background;
  ctx.fillRect(0, 0, out.width, out.height);
  ctx.drawImage(canvas, 0, 0);
  out.toBlob((blob) => {
    if (blob !== null) save(blob, `${name}.png`);
  }, 'image/png');
}

/** A file name from a title: lower case, dashes. */
export function fileName(title: string): string {
  return title
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
}

/** The presentation properties an SVG drawn with the page's style sheet needs to look the same alone. */
const SVG_PROPERTIES = [
  'fill',
  'stroke',
  'stroke-width',
  'stroke-dasharray',
  'stroke-linecap',
  'opacity',
  'font-family',
  'font-size',
  'font-weight',
] as const;

/**
 * An SVG chart as a PNG on the page's background colour: a copy with each element's computed
 * colours and fonts as attributes (the style sheet does not travel with it), drawn at the screen's
 * pixel ratio.
 */
export function downloadSvgPng(name: string, svg: SVGSVGElement, background: string): void {
  const copy = svg.cloneNode(true);
  if (!(copy instanceof SVGSVGElement)) return;
  copy.setAttribute('xmlns', 'http://www.w3.org/2000/svg');
  const from = [svg, ...svg.querySelectorAll('*')];
  const to = [copy, ...copy.querySelectorAll('*')];
  from.forEach((el, i) => {
    const cs = getComputedStyle(el);
    for (const p of SVG_PROPERTIES) to[i]?.setAttribute(p, cs.getPropertyValue(p));
  });
  const width = Number(svg.getAttribute('width'));
  const height = Number(svg.getAttribute('height'));
  const scale = Math.max(1, window.devicePixelRatio);
  const url = URL.createObjectURL(
    new Blob([new XMLSerializer().serializeToString(copy)], { type: 'image/svg+xml' }),
  );
  const img = new Image();
  img.onload = () => {
    URL.revokeObjectURL(url);
    const out = document.createElement('canvas');
    out.width = Math.round(width * scale);
    out.height = Math.round(height * scale);
    const ctx = out.getContext('2d');
    if (ctx === null) return;
    ctx.fillStyle = background;
    ctx.fillRect(0, 0, out.width, out.height);
    ctx.drawImage(img, 0, 0, out.width, out.height);
    out.toBlob((blob) => {
      if (blob !== null) save(blob, `${name}.png`);
    }, 'image/png');
  };
  img.src = url;
}
