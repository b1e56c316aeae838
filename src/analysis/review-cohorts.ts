/**
 * Review rules that compare pieces of work with each other: one piece of work is what one agent type
 * (or the main thread) did in one task on one model, with its cost, tokens and turns (API responses).
 *
 * - `model_downshift`: the same agent type did similar work (tokens within ×½–×2 of the cheaper
 *   model's range) on a cheaper family without more turns (median at most 10% higher) and without
 *   more failed tasks (a task whose `tokenledger run` ended in an error), at least
 *   {@link COHORT_RULES.minUnits} tasks each. Saving: the similar work's actual cost minus the same
 *   tokens at the cheaper model's prices.
 * - `model_upshift`: the cheaper family needed many more turns (median at least twice the stronger
 *   family's) or failed more (a share of tasks with a failed run at least 25 points higher), at
 *   least {@link COHORT_RULES.minUnits} tasks each. Saving (may be negative: it then
 *   costs more and buys fewer turns): the actual cost minus the same tokens at the stronger model's
 *   prices scaled by the ratio of the median turns.
 * - `cache_rewrite`: an agent type wrote at least {@link COHORT_RULES.minCacheWrite} tokens to the
 *   prompt cache but read back less than it wrote: prefixes were re-created instead of reused.
 *   Saving, an upper bound stated as such: the writes not read back, billed at the cache-read rate
 *   instead of the cache-write rate.
 *
 * Failures are per task (a recorded run that failed), so they count for every agent in the task;
 * retried requests are not in the usage rows, so "more turns" stands for them: a retry is one more
 * response.
 * @module
 */
import type { Pricer } from '../pricing/pricer.js';
import { formatInt, formatShare, formatUsdPlain } from '../util/format.js';
import { agentLabel, type Finding, type FindingScope, groupBy, keyOf, sum } from './review-rules.js';
import { compareText, FAMILIES, type Family, familyOf, type PricedGroup, roundUsd } from './review-usage.js';
import { median } from './statistics.js';

export const COHORT_RULES = {
  /** Tasks each model needs in a comparison. */
  minUnits: 3,
  /** Downshift: the cheaper model's median turns may be this much above the stronger one's. */
  maxTurnRatio: 1.1,
  /** Upshift: the cheaper model's median turns are at least this multiple of the stronger one's. */
  upshiftTurnRatio: 2,
  /** Upshift: or the share of the cheaper model's tasks with a failed run is this much higher. */
  upshiftFailureShare: 0.25,
  /** Cache writes an agent type needs before re-created writes matter. */
  minCacheWrite: 200_000,
  /** A computed saving below this (USD) is not worth a recommendation. */
  minSavingUsd: 0.01,
} as const;

/** What one agent type did in one task on one model. */
interface Unit {
  task: string;
  model: string;
  family: Family;
  tokens: number;
  turns: number;
  groups: PricedGroup[];
}

function unitsOf(rows: readonly PricedGroup[]): Unit[] {
  const out: Unit[] = [];
  for (const [, gs] of groupBy(rows, (g) => (g.task === '' ? null : JSON.stringify([g.task, g.model])))) {
    const first = gs[0] as PricedGroup;
    const family = familyOf(first.model);
    if (family === null) continue;
    out.push({
      task: first.task,
      model: first.model,
      family,
      tokens: sum(gs, (g) => g.tokens),
      turns: sum(gs, (g) => g.row.responses),
      groups: gs,
    });
  }
  return out;
}

/** The model of `units` used most (by tokens, then name) that has a price, or null. */
function mainModel(pricer: Pricer, units: readonly Unit[]): string | null {
  const tokens = new Map<string, number>();
  for (const u of units)
    if (pricer.resolve(u.model) !== null) tokens.set(u.model, (tokens.get(u.model) ?? 0) + u.tokens);
  return [...tokens].sort((a, b) => b[1] - a[1] || compareText(a[0], b[0]))[0]?.[0] ?? null;
}

/** The units' actual cost and their cost at `model`'s prices; null when either is not fully known. */
function costs(pricer: Pricer, units: readonly Unit[], model: string): { actual: number; at: number } | null {
  let actual = 0;
  let at = 0;
  for (const g of units.flatMap((u) => u.groups)) {
    const other = pricer.cost({ ...keyOf(g), model }, g.row, g.atMs);
    if (g.cost === null || other === null) return null;
    actual += g.cost;
    at += other;
  }
  return { actual: roundUsd(actual), at: roundUsd(at) };
}

function turnsOf(units: readonly Unit[]): number {
  return median(units.map((u) => u.turns)) ?? 0;
}

/** The share of `units` whose task had a failed run. */
function failuresOf(units: readonly Unit[], scope: FindingScope): number {
  const failed = scope.failedTasks;
  if (failed === undefined || units.length === 0) return 0;
  return units.filter((u) => failed.has(u.task)).length / units.length;
}

function failureNote(lo: Family, hi: Family, los: Unit[], his: Unit[], scope: FindingScope): string {
  const [l, h] = [failuresOf(los, scope), failuresOf(his, scope)];
  if (l === 0 && h === 0) return '';
  return `; tasks with a failed run: ${formatShare(l)} on ${lo}, ${formatShare(h)} on ${hi}`;
}

function comparison(
  agent: string,
  lo: Family,
  hi: Family,
  loUnits: Unit[],
  hiUnits: Unit[],
  scope: FindingScope,
) {
  return (
    `${agentLabel(agent)} ${scope.span}: ${hiUnits.length} tasks on ${hi} (median ${formatInt(turnsOf(hiUnits))} turns, ` +
    `${formatInt(median(hiUnits.map((u) => u.tokens)) ?? 0)} tokens) and ${loUnits.length} on ${lo} (median ` +
    `${formatInt(turnsOf(loUnits))} turns, ${formatInt(median(loUnits.map((u) => u.tokens)) ?? 0)} tokens)`
  );
}

/** `model_downshift` and `model_upshift` per agent type and pair of families (see the module doc). */
export function modelCohorts(pricer: Pricer, groups: readonly PricedGroup[], scope: FindingScope): Finding[] {
  const rule = COHORT_RULES;
  const out: Finding[] = [];
  for (const [agent, rows] of groupBy(groups, (g) =>
    g.agent === '' || g.agent === 'subagent' ? null : g.agent,
  )) {
    const units = unitsOf(rows);
    for (let h = FAMILIES.length - 1; h > 0; h--) {
      for (let l = h - 1; l >= 0; l--) {
        const hi = FAMILIES[h] as Family;
        const lo = FAMILIES[l] as Family;
        const his = units.filter((u) => u.family === hi);
        const los = units.filter((u) => u.family === lo);
        if (his.length < rule.minUnits || los.length < rule.minUnits) continue;
        const loModel = mainModel(pricer, los);
        const hiModel = mainModel(pricer, his);
        if (loModel === null || hiModel === null) continue;
        const minTokens = Math.min(...los.map((u) => u.tokens)) / 2;
        const maxTokens = Math.max(...los.map((u) => u.tokens)) * 2;
        const similar = his.filter((u) => u.tokens >= minTokens && u.tokens <= maxTokens);
        const edit = (model: Family) =>
          agent === 'main'
            ? ({ type: 'settings-model', model } as const)
            : ({ type: 'agent-model', agent, model } as const);
        const failsMore = failuresOf(los, scope) > failuresOf(similar, scope);
        if (
          similar.length >= rule.minUnits &&
          turnsOf(los) <= turnsOf(similar) * rule.maxTurnRatio &&
          !failsMore
        ) {
          const c = costs(pricer, similar, loModel);
          const saving = c === null ? null : roundUsd(c.actual - c.at);
          if (saving !== null && saving < rule.minSavingUsd) continue;
          out.push({
            recommendation: {
              type: 'model_selection',
              description: `Run ${agentLabel(agent)} on ${lo} instead of ${hi}: it did similar work on ${lo} without more turns`,
              evidence:
                `${comparison(agent, lo, hi, los, similar, scope)}${failureNote(lo, hi, los, similar, scope)}; ${similar.length} of the ${hi} tasks are of a size the ${lo} ` +
                `tasks had; they cost ${formatUsdPlain(c?.actual ?? null)}, the same tokens at ${loModel} prices ` +
                `${formatUsdPlain(c?.at ?? null)}.`,
              savingUsd: saving,
              proposed_change:
                agent === 'main'
                  ? `In .claude/settings.json, set "model": "${lo}".`
                  : `In .claude/agents/${agent}.md, set \`model: ${lo}\` in the frontmatter.`,
            },
            candidate: `Consider ${lo} instead of ${hi} for ${agentLabel(agent)}: similar work on ${lo} took no more turns; est. saving ${formatUsdPlain(saving)}.`,
            proposal: {
              kind: 'model_downshift',
              target: agent,
              edit: edit(lo),
              cohort: { agent, model: hiModel },
            },
          });
        } else if (
          turnsOf(los) >= turnsOf(his) * rule.upshiftTurnRatio ||
          failuresOf(los, scope) >= failuresOf(his, scope) + rule.upshiftFailureShare
        ) {
          const c = costs(pricer, los, hiModel);
          const scaled = c === null ? null : roundUsd((c.at * turnsOf(his)) / turnsOf(los));
          const saving = c === null || scaled === null ? null : roundUsd(c.actual - scaled);
          out.push({
            recommendation: {
              type: 'model_selection',
              description: `Run ${agentLabel(agent)} on ${hi} instead of ${lo}: on ${lo} it needs many more turns or fails more`,
              evidence:
                `${comparison(agent, lo, hi, los, his, scope)}${failureNote(lo, hi, los, his, scope)}; the ${lo} tasks cost ${formatUsdPlain(c?.actual ?? null)}; ` +
                `at ${hiModel} prices with ${hi}'s median turns they would cost ${formatUsdPlain(scaled)} (assumption: tokens ` +
                'scale with turns).',
              savingUsd: saving,
              proposed_change:
                agent === 'main'
                  ? `In .claude/settings.json, set "model": "${hi}".`
                  : `In .claude/agents/${agent}.md, set \`model: ${hi}\` in the frontmatter.`,
            },
            candidate: `Consider ${hi} instead of ${lo} for ${agentLabel(agent)}: ${lo} needs ${formatInt(turnsOf(los))} turns per task against ${formatInt(turnsOf(his))}.`,
            proposal: {
              kind: 'model_upshift',
              target: agent,
              edit: edit(hi),
              cohort: { agent, model: loModel },
            },
          });
        }
      }
    }
  }
  return out;
}

/** `cache_rewrite`: cache writes re-created rather than read back (see the module doc). */
export function cacheRewrite(pricer: Pricer, groups: readonly PricedGroup[], scope: FindingScope): Finding[] {
  const out: Finding[] = [];
  for (const [agent, rows] of groupBy(groups, (g) => (g.agent === '' ? null : g.agent))) {
    const written = sum(rows, (g) => g.row.cacheWrite);
    const read = sum(rows, (g) => g.row.cacheRead);
    if (written < COHORT_RULES.minCacheWrite || read >= written) continue;
    const share = (written - read) / written;
    let saving = 0;
    for (const g of rows) {
      const now = pricer.cost(keyOf(g), g.row, g.atMs);
      const moved = g.row.cacheWrite * share;
      const reused = pricer.cost(
        keyOf(g),
        { ...g.row, cacheWrite: g.row.cacheWrite - moved, cacheRead: g.row.cacheRead + moved },
        g.atMs,
      );
      if (now !== null && reused !== null) saving += now - reused;
    }
    const savingUsd = roundUsd(saving);
    if (savingUsd < COHORT_RULES.minSavingUsd) continue;
    const who = agentLabel(agent);
    out.push({
      recommendation: {
        type: 'context_reuse',
        description: `Stop ${who} re-creating its prompt cache: it wrote more to the cache than it read back`,
        evidence:
          `${who} ${scope.span}: ${formatInt(written)} tokens written to the prompt cache, ${formatInt(read)} read back ` +
          `(rule: at least ${formatInt(COHORT_RULES.minCacheWrite)} written and fewer read). Assumption: the ` +
          `${formatInt(written - read)} written but not read back would have been reads of a stable prefix, each costing ` +
          'the cache-read rate instead of the cache-write rate; an upper bound.',
        savingUsd,
        proposed_change:
          'In the delegation policies, add:\n' +
          `- Keep the prompt prefix of ${who} stable between calls (same instructions, tools and shared context in ` +
          'the same order; changing parts last), so cached context is read back instead of written again.',
      },
      candidate: `Reuse the prompt cache of ${who}: ${formatInt(written)} tokens written, ${formatInt(read)} read back; est. saving up to ${formatUsdPlain(savingUsd)}.`,
      proposal: {
        kind: 'cache_rewrite',
        target: agent,
        edit: {
          type: 'policy-rule',
          rule:
            `- Keep the prompt prefix of ${agent === 'main' ? 'the main thread' : `\`${agent}\``} stable between calls (same ` +
            'instructions, tools and shared context in the same order; changing parts last) and resume within the ' +
            `cache lifetime, so cached context is read back instead of written again (${formatInt(written)} tokens ` +
            `written, ${formatInt(read)} read back ${scope.span}).`,
        },
        cohort: { agent },
      },
    });
  }
  return out;
}
