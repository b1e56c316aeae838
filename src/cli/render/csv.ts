/**
 * CSV output per RFC 4180. Records end with LF (`\n`), including the last one; RFC 4180 asks for
 * CRLF, but every CSV reader we target accepts LF and it suits Unix pipelines. Fields containing a
 * comma, a double quote, CR or LF are quoted, with inner quotes doubled. Numbers are written
 * unformatted (`1234567`, `12.5`), `null` and non-finite numbers as an empty field.
 * @module
 */

/** A CSV field value. */
export type CsvValue = string | number | null;

const NEEDS_QUOTES = /[",\r\n]/;

function field(value: CsvValue): string {
  if (value === null) return '';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
  return NEEDS_QUOTES.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

/**
 * Serialises a header and rows as CSV text ending with `\n`.
 * @example toCsv(['date', 'cost'], [['2026-01-02', 1.5]]) // 'date,cost\n2026-01-02,1.5\n'
 */
export function toCsv(header: readonly string[], rows: readonly (readonly CsvValue[])[]): string {
  return [header, ...rows].map((record) => `${record.map(field).join(',')}\n`).join('');
}
