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
