/**
 * The periodic review `reports/usage-review-YYYY-MM-DD.md` (seed 000, sections 6.3 and 7.2). The
 * layout is the seed 7.2 template: `# Usage Review: YYYY-MM-DD`, `Period: Last 7 days`, then
 * `## Overview` (`- Total tokens: 500,000`, `- Total cost: $15.00`, `- Most active agents:
 * build-lead (60%), ui-impl (25%), api-impl (15%)`), `## Findings` (`1. **Title**: detail.`),
 * `## Recommendations` (`1. <recommendation>`) and `## Proposed Changes` (`### For build-lead.md`
 * and the change as a `>` quote).
 *
 * Where the template is silent:
 * - Period: `Period: Last N days (start to end)`, N counted inclusively.
 * - Overview: 6.3 asks for a "cost breakdown", so `- Cost by model:` and `- Cost by agent:` lines
 *   (`opus $12.00 (300,000 tokens), ...`) come after `- Total cost:`.
 * - Costs that leave unpriced usage out (no price in the table, no reported cost) are marked, as in
 *   the daily summary: `- Total cost: $12.34 (partial: 40,000 tokens unpriced for model opus-x)`,
 *   and in a list `main $0.30 (252,000 tokens; partial: 32,000 tokens unpriced for model opus-x)`.
 *   A cost none of which is known reads `unavailable`, never `$0`.
 * - Findings: always four, in this order: top expensive tasks, model mix by agent, cache hit rate
 *   (`unavailable` when unknown), estimate overruns (`used X against Y estimated (4.0×)`); `none`
 *   when a list is empty.
 * - Recommendations: the description, then indented `Type:`, `Evidence:` and `Estimated saving:`
 *   lines; sorted by saving (largest first, unknown last), then type and description. The same
 *   numbers are used under Proposed Changes.
 * - Proposed Changes: one `### For <target>` per target (default `build-lead.md`), in order of
 *   first use; under it, per recommendation, `Recommendation N (type): description` (`(type, id ID)`
 *   when the change is a proposal the ledger remembers, for `review check ID`) and the change.
 *   A change that looks like a unified diff is put in a ```` ```diff ```` fence, anything else is
 *   quoted line by line with `>` as in the template.
 * - Empty lists: `none` inside a line, `- None.` for a whole section.
 *
 * Every list is sorted before it is written, so the order of the input does not matter.
 * @module
 */

import { formatPercent, formatShare, formatUsdPlain, groupDigits, UNAVAILABLE } from '../../util/format.js';
import {
  checkAmountOrNull,
  checkCount,
  checkDate,
  checkFinite,
  checkFraction,
  compareText,
  formatCost,
  oneLine,
  partialNote,
} from './format.js';
import type {
  AgentModelMix,
  AgentShare,
  CostLine,
  EstimateOverrun,
  ExpensiveTask,
  Recommendation,
  ReviewModel,
  UnpricedUsage,
} from './model.js';
import { reviewPath } from './paths.js';

/** The target of a recommendation without one. */
export const DEFAULT_TARGET = 'build-lead.md';

const DAY_MS = 86_400_000;

/** Descending by cost, a null cost last. */
function byCostDesc(a: number | null, b: number | null): number {
  if (a === null || b === null) return a === b ? 0 : a === null ? 1 : -1;
  return b - a;
}

function compareCostLines(a: CostLine, b: CostLine): number {
  return (
    byCostDesc(a.estimatedCost, b.estimatedCost) ||
    b.totalTokens - a.totalTokens ||
    compareText(a.name, b.name)
  );
}

function compareShares(a: AgentShare, b: AgentShare): number {
  return b.share - a.share || b.totalTokens - a.totalTokens || compareText(a.agent, b.agent);
}

function compareTasks(a: ExpensiveTask, b: ExpensiveTask): number {
  return (
    byCostDesc(a.estimatedCost, b.estimatedCost) ||
    b.totalTokens - a.totalTokens ||
    compareText(a.taskId, b.taskId)
  );
}

function ratio(o: EstimateOverrun): number {
  return o.actual / o.estimate;
}

function compareOverruns(a: EstimateOverrun, b: EstimateOverrun): number {
  return (
    ratio(b) - ratio(a) ||
    compareText(a.taskId, b.taskId) ||
    compareText(a.metric, b.metric) ||
    b.actual - a.actual ||
    b.estimate - a.estimate
  );
}

/** Order of recommendations: saving (largest first, unknown last), type, description, then the rest. */
export function compareRecommendations(a: Recommendation, b: Recommendation): number {
  return (
    byCostDesc(a.savingUsd, b.savingUsd) ||
    compareText(a.type, b.type) ||
    compareText(a.description, b.description) ||
    compareText(a.evidence, b.evidence) ||
    compareText(a.proposed_change, b.proposed_change) ||
    compareText(a.target ?? DEFAULT_TARGET, b.target ?? DEFAULT_TARGET)
  );
}

function checkUnpriced(unpriced: UnpricedUsage | undefined, what: string): void {
  if (unpriced === undefined) return;
  checkCount(unpriced.totalTokens, `${what}.totalTokens`);
  unpriced.models.forEach((m, i) => {
    if (typeof m !== 'string') throw new Error(`${what}.models[${i}] must be a string, got ${String(m)}`);
  });
}

/** Throws an Error naming the field when a number of `review` is out of range. */
function checkReview(review: ReviewModel): void {
  checkDate(review.date, 'review date');
  checkDate(review.period.start, 'period start');
  checkDate(review.period.end, 'period end');
  if (review.period.start > review.period.end) {
    throw new Error(`period start ${review.period.start} is after its end ${review.period.end}`);
  }
  checkCount(review.totals.totalTokens, 'totals.totalTokens');
  checkAmountOrNull(review.totals.estimatedCost, 'totals.estimatedCost');
  checkUnpriced(review.totals.unpriced, 'totals.unpriced');
  for (const [what, lines] of [
    ['costByModel', review.costByModel],
    ['costByAgent', review.costByAgent],
  ] as const) {
    lines.forEach((l, i) => {
      checkCount(l.totalTokens, `${what}[${i}].totalTokens`);
      checkAmountOrNull(l.estimatedCost, `${what}[${i}].estimatedCost`);
      checkUnpriced(l.unpriced, `${what}[${i}].unpriced`);
    });
  }
  review.mostActiveAgents.forEach((a, i) => {
    checkCount(a.totalTokens, `mostActiveAgents[${i}].totalTokens`);
    checkFraction(a.share, `mostActiveAgents[${i}].share`);
  });
  review.topExpensiveTasks.forEach((t, i) => {
    checkCount(t.totalTokens, `topExpensiveTasks[${i}].totalTokens`);
    checkAmountOrNull(t.estimatedCost, `topExpensiveTasks[${i}].estimatedCost`);
    checkUnpriced(t.unpriced, `topExpensiveTasks[${i}].unpriced`);
  });
  review.agentModelMix.forEach((mix, i) => {
    mix.models.forEach((m, j) => {
      checkCount(m.totalTokens, `agentModelMix[${i}].models[${j}].totalTokens`);
      checkFraction(m.share, `agentModelMix[${i}].models[${j}].share`);
    });
  });
  if (review.cacheHitRate !== null) checkFraction(review.cacheHitRate, 'cacheHitRate');
  review.estimateOverruns.forEach((o, i) => {
    checkFinite(o.actual, `estimateOverruns[${i}].actual`);
    if (!Number.isFinite(o.estimate) || o.estimate <= 0) {
      throw new Error(
        `estimateOverruns[${i}].estimate must be a finite number > 0, got ${String(o.estimate)}`,
      );
    }
    if (o.actual < 0) throw new Error(`estimateOverruns[${i}].actual must be ≥ 0, got ${String(o.actual)}`);
  });
  review.recommendations.forEach((r, i) => {
    if (r.savingUsd !== null) checkFinite(r.savingUsd, `recommendations[${i}].savingUsd`);
  });
}

/** `Last 7 days (2025-11-22 to 2025-11-28)`. */
function periodText(start: string, end: string): string {
  const days = Math.round((Date.parse(`${end}T00:00:00Z`) - Date.parse(`${start}T00:00:00Z`)) / DAY_MS) + 1;
  return `Last ${days} ${days === 1 ? 'day' : 'days'} (${start} to ${end})`;
}

/** `a, b, c`, or `none`. */
function listOrNone(items: readonly string[], separator = ', '): string {
  return items.length === 0 ? 'none' : items.join(separator);
}

/** `main $0.30 (252,000 tokens)`, `main $0.30 (252,000 tokens; partial: ...)`, `mapper unavailable (...)`. */
function costItem(name: string, cost: number | null, tokens: number, unpriced?: UnpricedUsage): string {
  const partial = cost !== null && unpriced !== undefined ? `; ${partialNote(unpriced)}` : '';
  return `${oneLine(name)} ${formatUsdPlain(cost)} (${groupDigits(tokens)} tokens${partial})`;
}

function costLines(lines: readonly CostLine[]): string {
  return listOrNone(
    [...lines]
      .sort(compareCostLines)
      .map((l) => costItem(l.name, l.estimatedCost, l.totalTokens, l.unpriced)),
  );
}

function modelMix(mix: AgentModelMix): string {
  const models = [...mix.models]
    .sort((a, b) => b.share - a.share || b.totalTokens - a.totalTokens || compareText(a.model, b.model))
    .map((m) => `${oneLine(m.model)} ${formatShare(m.share)}`);
  return `${oneLine(mix.agent)}: ${listOrNone(models)}`;
}

function overrun(o: EstimateOverrun): string {
  const amount = (n: number) => (o.metric === 'usd' ? formatUsdPlain(n) : `${groupDigits(n)} tokens`);
  return `${oneLine(o.taskId)} used ${amount(o.actual)} against ${amount(o.estimate)} estimated (${ratio(o).toFixed(1)}×)`;
}

/** True when `text` looks like a unified diff (a `---`/`+++` header or an `@@` hunk line). */
function isDiff(text: string): boolean {
  return /^(--- |\+\+\+ |@@ )/m.test(text);
}

/** A proposed change as Markdown lines: a ```diff fence for a diff, else a `>` quote. */
function changeBlock(change: string): string[] {
  const lines = change
    .replace(/\r\n?/g, '\n')
    .replace(/^\n+|\s+$/g, '')
    .split('\n');
  if (isDiff(change)) {
    const longest = Math.max(2, ...(change.match(/`+/g) ?? []).map((run) => run.length));
    const fence = '`'.repeat(longest + 1);
    return [`${fence}diff`, ...lines, fence];
  }
  return lines.map((l) => l.trimEnd()).map((l) => (l === '' ? '>' : `> ${l}`));
}

/**
 * The bytes of `reports/usage-review-YYYY-MM-DD.md` for `review` (see the module doc). Throws an
 * Error naming the field when a date, count, cost, share or estimate is out of range.
 */
export function renderReview(review: ReviewModel): string {
  checkReview(review);
  reviewPath(review.date);

  const active = [...review.mostActiveAgents]
    .sort(compareShares)
    .map((a) => `${oneLine(a.agent)} (${formatShare(a.share)})`);
  const tasks = [...review.topExpensiveTasks]
    .sort(compareTasks)
    .map((t) => costItem(t.taskId, t.estimatedCost, t.totalTokens, t.unpriced));
  const mixes = [...review.agentModelMix].sort((a, b) => compareText(a.agent, b.agent)).map(modelMix);
  const overruns = [...review.estimateOverruns].sort(compareOverruns).map(overrun);
  const recs = [...review.recommendations].sort(compareRecommendations);

  const recommendations =
    recs.length === 0
      ? ['- None.']
      : recs.flatMap((r, i) => [
          `${i + 1}. ${oneLine(r.description)}`,
          `   - Type: ${r.type}`,
          `   - Evidence: ${oneLine(r.evidence)}`,
          `   - Estimated saving: ${formatUsdPlain(r.savingUsd)}`,
        ]);

  const targets: string[] = [];
  for (const r of recs) {
    const target = oneLine(r.target ?? DEFAULT_TARGET) || DEFAULT_TARGET;
    if (!targets.includes(target)) targets.push(target);
  }
  const changes =
    recs.length === 0
      ? ['- None.']
      : targets.flatMap((target, t) => [
          ...(t === 0 ? [] : ['']),
          `### For ${target}`,
          ...recs.flatMap((r, i) =>
            (oneLine(r.target ?? DEFAULT_TARGET) || DEFAULT_TARGET) === target
              ? [
                  '',
                  `Recommendation ${i + 1} (${r.type}${r.id === undefined ? '' : `, id ${oneLine(r.id)}`}): ${oneLine(r.description)}`,
                  '',
                  ...changeBlock(r.proposed_change),
                ]
              : [],
          ),
        ]);

  return [
    `# Usage Review: ${review.date}`,
    '',
    `Period: ${periodText(review.period.start, review.period.end)}`,
    '',
    '## Overview',
    '',
    `- Total tokens: ${groupDigits(review.totals.totalTokens)}`,
    `- Total cost: ${formatCost(review.totals.estimatedCost, review.totals.unpriced)}`,
    `- Cost by model: ${costLines(review.costByModel)}`,
    `- Cost by agent: ${costLines(review.costByAgent)}`,
    `- Most active agents: ${listOrNone(active)}`,
    '',
    '## Findings',
    '',
    `1. **Top expensive tasks**: ${listOrNone(tasks, '; ')}.`,
    `2. **Model mix by agent**: ${listOrNone(mixes, '; ')}.`,
    `3. **Cache hit rate**: ${formatPercent(review.cacheHitRate, UNAVAILABLE)}.`,
    `4. **Estimate overruns**: ${listOrNone(overruns, '; ')}.`,
    '',
    '## Recommendations',
    '',
    ...recommendations,
    '',
    '## Proposed Changes',
    '',
    ...changes,
    '',
  ].join('\n');
}
