/**
 * The local calendar date of an instant, `YYYY-MM-DD`: what people mean by "today" in file names and
 * metrics lines.
 * @module
 */

function pad(n: number): string {
  return String(n).padStart(2, '0');
}

export function localDate(ms: number): string {
  const d = new Date(ms);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}
