/**
 * The actuals section tokenledger keeps in a task's Markdown file (`task annotate`, and on its own
 * when a task ends with `taskFiles` configured). It lives between two markers and is replaced in
 * place, so writing it again with the same data leaves the same bytes.
 * @module
 */

import type { TaskSummary } from '../analysis/tasks.js';
import type { UsageRow } from '../analysis/usage-table.js';
import { formatInt, formatPercent, formatUsd } from '../util/format.js';
import { cacheHitRate, totalTokens } from '../util/token-counts.js';

export const BEGIN = '<!-- tokenledger:actuals -->';
export const END = '<!-- /tokenledger:actuals -->';

/** The variance cell: the percentage, `no usage yet` for an estimate with nothing to compare, else —. */
function pct(v: { percent: number } | null, estimate: number | null, noUsageYet: boolean): string {
  if (v !== null) return `${v.percent >= 0 ? '+' : ''}${v.percent}%`;
  return estimate !== null && noUsageYet ? 'no usage yet' : '—';
}

/** A Markdown table cell never breaks the table: no pipes, no newlines. */
function cell(text: string): string {
  return text.replace(/[|\r\n]+/g, ' ');
}

/** One breakdown line: tokens by kind, total and cost. */
function breakdownRow(what: string, r: UsageRow): string {
  const s = r.sums;
  return `| ${cell(what)} | ${formatInt(s.input)} | ${formatInt(s.output)} | ${formatInt(s.cacheWrite)} | ${formatInt(s.cacheRead)} | ${formatInt(totalTokens(s))} | ${formatInt(s.responses)} | ${formatUsd(r.cost)}${r.unpriced.length > 0 ? '+' : ''} |`;
}

/** The section's Markdown, markers included, derived only from the data (no clock). */
export function actualsSection(s: TaskSummary): string {
  const t = s.task;
  const total = s.total;
  const lines = [
    BEGIN,
    `### Actual token usage (tokenledger)`,
    '',
    '| | Tokens | Cost |',
    '| --- | ---: | ---: |',
    `| Estimate | ${t.estimateTokens === null ? '—' : formatInt(t.estimateTokens)} | ${t.estimateUsd === null ? '—' : formatUsd(t.estimateUsd)} |`,
    `| Actual | ${formatInt(totalTokens(total.sums))} | ${formatUsd(total.cost)}${total.unpriced.length > 0 ? '+' : ''} |`,
    `| Variance | ${pct(s.variance.tokens, t.estimateTokens, s.variance.noUsageYet)} | ${pct(s.variance.usd, t.estimateUsd, s.variance.noUsageYet)} |`,
    '',
    `API calls: ${formatInt(total.sums.responses)} · cache hit ${formatPercent(cacheHitRate(total.sums.cacheRead, total.sums.input))}${s.runs.runs > 0 ? ` · ${s.runs.numTurns} turns, API time ${(s.runs.durationApiMs / 1000).toFixed(1)} s` : ''}`,
  ];
  if (s.byStage.length > 0 || s.byModel.length > 0) {
    lines.push(
      '',
      '| By stage and model | Input | Output | Cache write | Cache read | Total | API calls | Cost |',
      '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    );
    for (const r of s.byStage) lines.push(breakdownRow(`stage ${r.label.stage || '(none)'}`, r));
    for (const r of s.byModel) lines.push(breakdownRow(`model ${r.label.model || '(unknown)'}`, r));
  }
  if (s.variance.overrun) lines.push('', `**Over ${s.variance.multiple}× the estimate.**`);
  lines.push(END);
  return lines.join('\n');
}

/** `text` with the section replaced, or appended when it has none. */
export function withActuals(text: string, section: string): string {
  // The section is the first end marker with a begin marker before it (and after any earlier end),
  // taking the nearest such begin: a stray marker, its partner deleted by hand, never makes the
  // section swallow the user's text.
  let from = 0;
  for (let b = text.indexOf(END); b >= 0; b = text.indexOf(END, b + END.length)) {
    const a = text.lastIndexOf(BEGIN, b);
    if (a >= from) return text.slice(0, a) + section + text.slice(b + END.length);
    from = b + END.length;
  }
  const sep = text.length === 0 ? '' : text.endsWith('\n\n') ? '' : text.endsWith('\n') ? '\n' : '\n\n';
  return `${text}${sep}${section}\n`;
}
