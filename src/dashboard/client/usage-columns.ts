/** The usage columns every table shares, named as the CLI's JSON names them. */
import type { UsageFields } from './api.js';
import type { Column } from './data-table.js';

export function usageColumns<R extends UsageFields>(): Column<R>[] {
  return [
    { key: 'inputTokens', header: 'Input', kind: 'int', value: (r) => r.inputTokens },
    { key: 'outputTokens', header: 'Output', kind: 'int', value: (r) => r.outputTokens },
    { key: 'cacheCreationTokens', header: 'Cache write', kind: 'int', value: (r) => r.cacheCreationTokens },
    { key: 'cacheReadTokens', header: 'Cache read', kind: 'int', value: (r) => r.cacheReadTokens },
    { key: 'totalTokens', header: 'Total tokens', kind: 'int', value: (r) => r.totalTokens },
    { key: 'cacheHitRate', header: 'Cache hit rate', kind: 'pct', value: (r) => r.cacheHitRate },
    { key: 'totalCost', header: 'Cost (USD)', kind: 'usd', value: (r) => r.totalCost },
  ];
}

export const text = <R>(key: string, header: string, value: (r: R) => string): Column<R> => ({
  key,
  header,
  kind: 'text',
  value,
});

/** Rows of `report --by day,KEY` (or any rows with a `day`) as a chart's days and one series per value of KEY (the largest first; the rest as "other"). */
export function seriesByDay<R extends Record<string, unknown>>(
  rows: readonly R[],
  key: string,
  metric: (r: R) => number,
  max = 8,
): { days: string[]; series: { label: string; values: number[] }[] } {
  const days = [...new Set(rows.map((r) => String(r.day)))].sort();
  const index = new Map(days.map((d, i) => [d, i]));
  const totals = new Map<string, number>();
  for (const r of rows)
    totals.set(String(r[key] || '(none)'), (totals.get(String(r[key] || '(none)')) ?? 0) + metric(r));
  const ranked = [...totals.entries()].sort((a, b) => b[1] - a[1]).map(([k]) => k);
  const shown = ranked.slice(0, max);
  const labels = ranked.length > max ? [...shown, 'other'] : shown;
  const values = labels.map(() => days.map(() => 0));
  for (const r of rows) {
    const k = String(r[key] || '(none)');
    const li = shown.includes(k) ? shown.indexOf(k) : labels.length - 1;
    const di = index.get(String(r.day)) ?? 0;
    const line = values[li];
    if (line !== undefined) line[di] = (line[di] ?? 0) + metric(r);
  }
  return { days, series: labels.map((label, i) => ({ label, values: values[i] ?? [] })) };
}
