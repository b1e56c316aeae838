/**
 * The one-line summaries of anomalies: the value, its baseline (median, MAD, n and what it was
 * grouped by), how far off (ratio and robust score) and the estimated overrun.
 * @module
 */
import { formatInt } from '../../util/format.js';
import type { BaselineEvidence } from './anomaly.js';

/** A metric's value as people read it. */
export function metricText(metric: string, value: number): string {
  switch (metric) {
    case 'tokens':
      return `${formatInt(value)} tokens`;
    case 'responses':
      return `${formatInt(value)} API calls`;
    case 'readsPerTask':
      return `${Number.isInteger(value) ? formatInt(value) : value.toFixed(1)} ${value === 1 ? 'read' : 'reads'} per task`;
    case 'tokensPerEstimatedToken':
      return `${value.toFixed(2)} tokens per estimated token`;
    default:
      return `${(value * 100).toFixed(1)}%`;
  }
}

/** `stage=review, label:category=feature`, or `all` for no grouping. */
export function groupText(groupedBy: Record<string, string>): string {
  const entries = Object.entries(groupedBy);
  return entries.length === 0 ? 'all' : entries.map(([k, v]) => `${k}=${v}`).join(', ');
}

/** `median 148,000 tokens, MAD 20,000 tokens, n=24 tasks grouped by label:category=feature`. */
export function baselineText(b: BaselineEvidence, noun: string): string {
  const grouped = Object.keys(b.groupedBy).length === 0 ? '' : ` grouped by ${groupText(b.groupedBy)}`;
  const scaled = b.scaledBy === 'estimate' ? ', each scaled by its task estimate' : '';
  return `median ${metricText(b.metric, b.median)}, MAD ${metricText(b.metric, b.mad)}, n=${b.n} ${noun}${grouped}${scaled}`;
}

/** `8.1× the median, robust score 41.2`. */
export function offText(ratio: number | null, score: number): string {
  return `${ratio === null ? '' : `${ratio.toFixed(1)}× the median, `}robust score ${score.toFixed(1)}`;
}
