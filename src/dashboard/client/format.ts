/** How figures read on the page; tables keep the exact value in `data-value`. */

const int = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
const usd = new Intl.NumberFormat('en-US', {
  style: 'currency',
  currency: 'USD',
  minimumFractionDigits: 2,
  maximumFractionDigits: 2,
});

export const fmtInt = (n: number): string => int.format(n);
export const fmtUsd = (n: number): string => usd.format(n);
export const fmtPct = (r: number | null): string => (r === null ? '–' : `${(r * 100).toFixed(1)}%`);

/** 1.2M, 340k: for axes. */
export function fmtShort(n: number): string {
  const a = Math.abs(n);
  if (a >= 1e9) return `${(n / 1e9).toFixed(1)}B`;
  if (a >= 1e6) return `${(n / 1e6).toFixed(1)}M`;
  if (a >= 1e3) return `${(n / 1e3).toFixed(0)}k`;
  return String(Math.round(n * 100) / 100);
}
