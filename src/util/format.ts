/**
 * The number formatters of every front end: token counts, dollars and percentages. Nothing here
 * reads the locale, the clock or the disk: output is en-US (`1,234.5`) whatever the machine locale,
 * so tables, files, snapshots and scripts see the same text everywhere.
 *
 * Two styles, each kept on purpose:
 * - Reports (terminal tables, status line, summaries, MCP answers): {@link formatInt} rounds,
 *   {@link formatUsd} groups thousands and keeps 2 significant digits below a cent, and non-finite
 *   input (NaN, Infinity) never throws; it shows as {@link MISSING}.
 * - Files and library lines (the `.token-usage/` tree, review evidence, the orchestrator's
 *   running totals): {@link groupDigits} keeps every digit it is given and {@link formatUsdPlain}
 *   writes 2 decimals (4 below one cent) without grouping, as those formats were first written;
 *   the summary answered to recorded telemetry rounds to the cent ({@link formatUsdCents}).
 *
 * What a missing value reads depends on where it is shown: {@link MISSING} in reports,
 * {@link UNAVAILABLE} in the `.token-usage/` files, {@link NOT_AVAILABLE} in the orchestrator's lines.
 * @module
 */

/** Shown for a value that is missing or cannot be computed (e.g. a cache-hit ratio of 0/0). */
export const MISSING = '—';

/** Shown instead of a dollar amount when a model has no price. Never `$0.00`, which would be a lie. */
export const UNPRICED = 'unpriced';

/** A missing cost or rate in the `.token-usage/` files and review evidence. */
export const UNAVAILABLE = 'unavailable';

/** A missing rate in the orchestrator helpers' lines (running totals, log headers). */
export const NOT_AVAILABLE = 'n/a';

/** `1234567` → `1,234,567` (digits only, no sign). */
function groupThousands(digits: string): string {
  let out = '';
  for (let i = digits.length; i > 0; i -= 3)
    out = digits.slice(Math.max(0, i - 3), i) + (out === '' ? '' : `,${out}`);
  return out;
}

/** Decimal rounding of `abs` (≥ 0) to `places` digits, without binary halfway errors (1.005 → 1.01). */
function fixed(abs: number, places: number): string {
  const rounded = Math.round(Number(`${abs}e${places}`));
  return Number.isFinite(rounded) ? Number(`${rounded}e-${places}`).toFixed(places) : abs.toFixed(places);
}

const COMPACT_UNITS: readonly (readonly [number, string])[] = [
  [1e3, 'K'],
  [1e6, 'M'],
  [1e9, 'B'],
  [1e12, 'T'],
];

/**
 * An integer with thousands separators, rounded.
 * @example formatInt(1234567) // '1,234,567'
 */
export function formatInt(n: number): string {
  if (!Number.isFinite(n)) return MISSING;
  const rounded = Math.round(n);
  if (Math.abs(rounded) >= 1e21) return String(rounded);
  return `${rounded < 0 ? '-' : ''}${groupThousands(String(Math.abs(rounded)))}`;
}

/**
 * The digits of `n` grouped by 3 with `,`, every digit kept: `12345678` → `12,345,678`, `1234.5` →
 * `1,234.5` (no rounding; for the file formats, which print counts as they are).
 */
export function groupDigits(n: number): string {
  const [whole = '', fraction] = String(n).split('.');
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return fraction === undefined ? grouped : `${grouped}.${fraction}`;
}

/**
 * A short form for narrow tables: one decimal and a K/M/B/T suffix from 1,000 up, the plain integer below.
 * @example formatCompact(1_234_567) // '1.2M'
 * @example formatCompact(845_300) // '845.3K'
 * @example formatCompact(12) // '12'
 */
export function formatCompact(n: number): string {
  if (!Number.isFinite(n)) return MISSING;
  const sign = n < 0 ? '-' : '';
  const abs = Math.abs(n);
  const whole = Math.round(abs);
  if (whole === 0) return '0';
  if (whole < 1000) return `${sign}${whole}`;
  for (const [i, [size, suffix]] of COMPACT_UNITS.entries()) {
    const scaled = (abs / size).toFixed(1);
    if (Number(scaled) < 1000 || i === COMPACT_UNITS.length - 1) return `${sign}${scaled}${suffix}`;
  }
  return `${sign}${whole}`;
}

/**
 * US dollars with cents; amounts above 0 but below one cent keep 2 significant digits so they do not
 * read as free.
 * @example formatUsd(1234.561) // '$1,234.56'
 * @example formatUsd(0.00423) // '$0.0042'
 */
export function formatUsd(n: number): string {
  if (!Number.isFinite(n)) return MISSING;
  const abs = Math.abs(n);
  const sign = n < 0 ? '-' : '';
  if (abs > 0 && abs < 0.01) {
    // Two significant digits: $0.0042, $0.00000051.
    let places = 1 - Math.floor(Math.log10(abs));
    // Below a nano-dollar nothing real is left; let Intl spell it out.
    if (places > 20)
      return new Intl.NumberFormat('en-US', {
        style: 'currency',
        currency: 'USD',
        minimumSignificantDigits: 2,
        maximumSignificantDigits: 2,
      }).format(n);
    // Rounding may carry into the next digit (0.0099999 → 0.010): count significant digits again.
    places = 1 - Math.floor(Math.log10(Number(fixed(abs, places))));
    return `${sign}$${fixed(abs, places)}`;
  }
  if (abs >= 1e21) return `${sign}$${abs}`;
  const [whole = '0', cents = '00'] = fixed(abs, 2).split('.');
  return `${abs === 0 ? '' : sign}$${groupThousands(whole)}.${cents}`;
}

/**
 * Dollars for the file formats: 2 decimals (`$1.35`), 4 below one cent (`$0.0042`) so they do not
 * read as 0, `-$0.50` when negative, no thousands separators (`$1234.50`); {@link UNAVAILABLE} for
 * null. Rounds as `toFixed` does.
 * @example formatUsdPlain(1234.5) // '$1234.50'
 */
export function formatUsdPlain(usd: number | null): string {
  if (usd === null) return UNAVAILABLE;
  if (usd < 0) return `-${formatUsdPlain(-usd)}`;
  return usd > 0 && usd < 0.01 ? `$${usd.toFixed(4)}` : `$${usd.toFixed(2)}`;
}

/**
 * Dollars to the cent, for the one-line summary of recorded telemetry: `$0.54`, `$1234.50` (no
 * grouping), and `<$0.01` for an amount above 0 that would read `$0.00`. Cents round half up after
 * removing binary noise (37.035, stored as 37.03499…, gives `$37.04`).
 */
export function formatUsdCents(usd: number): string {
  if (usd > 0 && usd < 0.005) return '<$0.01';
  const cents = Math.round(Number((usd * 100).toPrecision(12)));
  return `$${(cents / 100).toFixed(2)}`;
}

/**
 * A ratio as a percentage with one decimal; `missing` ({@link MISSING} unless given) when there is
 * no ratio (null, undefined, NaN, Infinity).
 * @example formatPercent(0.8734) // '87.3%'
 * @example formatPercent(null, NOT_AVAILABLE) // 'n/a'
 */
export function formatPercent(ratio: number | null | undefined, missing: string = MISSING): string {
  if (ratio === null || ratio === undefined || !Number.isFinite(ratio)) return missing;
  return `${(ratio * 100).toFixed(1)}%`;
}

/**
 * A share in [0, 1] as a whole percent: `0.6` → `60%`; `<1%` for a share above 0 that would round
 * to `0%`.
 */
export function formatShare(fraction: number): string {
  if (fraction > 0 && fraction < 0.005) return '<1%';
  return `${Math.round(fraction * 100)}%`;
}

/** The marker for a cost that cannot be computed because a model is unpriced. */
export function formatUnpriced(): string {
  return UNPRICED;
}

/** A cost cell: {@link formatUsd} for a number, {@link formatUnpriced} for `null`/`undefined`. */
export function formatCost(usd: number | null | undefined): string {
  return usd === null || usd === undefined ? formatUnpriced() : formatUsd(usd);
}
