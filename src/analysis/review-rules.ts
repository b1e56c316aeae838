/**
 * The rules behind the periodic review's recommendations and the daily summary's optimization
 * candidates (as the usage-tracker telemetry contract defines them), from priced usage groups: their thresholds,
 * shared helpers and the `model_selection` rule (`context_reuse` and `delegation_reduction` are in
 * `review-recommendations.ts`). Each rule fires only when the data shows its pattern, gives the
 * numbers behind it, and estimates the saving from the tokens actually used; a saving that cannot
 * be computed (unpriced model, no reported cost) is null.
 *
 * The rules ({@link REVIEW_RULES} holds the thresholds):
 * - `model_selection`: an agent (not the main thread) used an opus- or sonnet-family model (by name)
 *   for at least 100,000 tokens, and its output stayed small: at most 500 tokens per response on
 *   average and at most 2% of its prompt tokens (input + cache writes + cache reads), i.e. it mostly
 *   read. Recommended: the next cheaper family. Saving: the actual cost minus the cost of the same
 *   token counts (same size class, speed, geo and day) at the cheaper model's prices.
 * - `context_reuse`: an agent's cache hit rate is below 50% with at least 100,000 tokens of uncached
 *   input. The rate is the one every report uses, cache reads ÷ (cache reads + uncached input)
 *   (`cacheHitRate` in `util/token-counts.ts`, the token usage report's formula). Saving, stated as an assumption: at an 80% hit
 *   rate the missing cache reads would have been uncached input billed at the cache-read rate
 *   instead; the cost of writing the cache is not counted, so it is an upper bound. Usage with no
 *   cache reads or writes at all is left out: its source (declared telemetry) does not say what was
 *   cached.
 * - `delegation_reduction`: a task had at least 3 subagents (and at least half of its subagents)
 *   that each returned at most 1,000 output tokens and whose set-up (uncached input and cache
 *   writes) cost more than their output. Only captured subagents count (they report
 *   caching), and only those whose model is not cheaper than the main thread's in the task (doing
 *   their work inline must not move it to a pricier model). Saving, stated as an assumption: their
 *   uncached input and cache writes are the context they built from scratch, which the main thread,
 *   whose context is cached already, would not pay for; an upper bound.
 * @module
 */

import type { Pricer } from '../pricing/pricer.js';
import { formatInt, formatPercent, formatShare, formatUsdPlain } from '../util/format.js';
import type { ProposalSpec } from './proposed-edits.js';
import type { RereadData } from './reread-waste.js';
import type { Recommendation } from './review-model.js';
import {
  CostSum,
  cheaperFamily,
  compareText,
  FAMILIES,
  type Family,
  familyOf,
  type PricedGroup,
  roundUsd,
} from './review-usage.js';

/** The thresholds of the rules (see the module doc for why each is what it is). */
export const REVIEW_RULES = {
  modelSelection: {
    /** Average output tokens per response at or below which the output "stays small". */
    maxOutputPerResponse: 500,
    /** Output ÷ prompt tokens at or below which the work is mostly reading. */
    maxOutputRatio: 0.02,
    /** Tokens the agent must have used on the model for the pattern to count. */
    minTokens: 100_000,
  },
  contextReuse: {
    /** A cache hit rate below this is low. */
    maxHitRate: 0.5,
    /** Uncached input tokens it takes for a low rate to matter. */
    minUncachedInput: 100_000,
    /** The hit rate the saving assumes reachable. */
    targetHitRate: 0.8,
  },
  delegation: {
    /** A subagent whose output in the task is at most this is small. */
    maxSubagentOutput: 1_000,
    /** Small subagents a task needs for the pattern to count. */
    minSmallSubagents: 3,
    /** ... and the share of the task's subagents they must be. */
    minSmallShare: 0.5,
  },
  /** A computed saving below this (USD) is not worth a recommendation. */
  minSavingUsd: 0.01,
} as const;

/** Priced models a cheaper family is estimated with when the period used none of that family. */
const DEFAULT_TARGETS: Record<Family, readonly string[]> = {
  haiku: ['claude-haiku-4-5'],
  sonnet: ['claude-sonnet-4-5', 'claude-sonnet-4-6'],
  opus: [],
};

/** A recommendation and its one-line form for the daily summary's optimization candidates. */
export interface Finding {
  recommendation: Recommendation;
  candidate: string;
  /** The concrete change it proposes, turned into a diff once its file is read (app layer). */
  proposal?: ProposalSpec;
}

/** The range the groups cover, for evidence lines: `from 2025-11-22 to 2025-11-28`, `on 2025-11-28`. */
export interface FindingScope {
  span: string;
  /** Tasks with a failed run (`tokenledger run` that ended in an error); none when absent. */
  failedTasks?: ReadonlySet<string>;
  /** The period's file reads and the calls they drove (`file_reread`); that rule is off when absent. */
  rereads?: RereadData;
}

/** `groups` split by `key`, in key order. */
export function groupBy(
  groups: readonly PricedGroup[],
  key: (g: PricedGroup) => string | null,
): [string, PricedGroup[]][] {
  const out = new Map<string, PricedGroup[]>();
  for (const g of groups) {
    const k = key(g);
    if (k === null) continue;
    const list = out.get(k);
    if (list === undefined) out.set(k, [g]);
    else list.push(g);
  }
  return [...out.entries()].sort(([a], [b]) => compareText(a, b));
}

export function sum(groups: readonly PricedGroup[], field: (g: PricedGroup) => number): number {
  return groups.reduce((n, g) => n + field(g), 0);
}

/** True when the usage says something about caching: it has cache reads or writes. */
export function reportsCaching(g: PricedGroup): boolean {
  return g.row.cacheWrite + g.row.cacheRead > 0;
}

export function agentLabel(agent: string): string {
  if (agent === 'main') return 'the main thread';
  if (agent === 'subagent') return 'subagents of unknown type';
  return agent;
}

export function rank(model: string): number {
  const f = familyOf(model);
  return f === null ? -1 : FAMILIES.indexOf(f);
}

/** The model a cheaper family's price is taken from: the same generation, else the one used most, else a default. */
function chooseTarget(
  pricer: Pricer,
  model: string,
  from: Family,
  to: Family,
  groups: readonly PricedGroup[],
): string | null {
  const sameGeneration = model.toLowerCase().replaceAll(from, to);
  if (pricer.resolve(sameGeneration) !== null) return sameGeneration;
  const used = groupBy(groups, (g) =>
    familyOf(g.model) === to && pricer.resolve(g.model) !== null ? g.model : null,
  )
    .map(([m, gs]) => ({ m, tokens: sum(gs, (g) => g.tokens) }))
    .sort((a, b) => b.tokens - a.tokens || compareText(a.m, b.m));
  if (used[0] !== undefined) return used[0].m;
  return DEFAULT_TARGETS[to].find((m) => pricer.resolve(m) !== null) ?? null;
}

export function modelSelection(
  pricer: Pricer,
  groups: readonly PricedGroup[],
  scope: FindingScope,
): Finding[] {
  const rule = REVIEW_RULES.modelSelection;
  const out: Finding[] = [];
  const pairs = groupBy(groups, (g) =>
    g.agent === 'main' || g.agent === 'subagent' || g.agent === ''
      ? null
      : JSON.stringify([g.agent, g.model]),
  );
  for (const [, rows] of pairs) {
    const { agent, model } = rows[0] as PricedGroup;
    const from = familyOf(model);
    const to = from === null ? null : cheaperFamily(from);
    if (from === null || to === null) continue;
    const tokens = sum(rows, (g) => g.tokens);
    const output = sum(rows, (g) => g.row.output);
    const responses = sum(rows, (g) => g.row.responses);
    const prompt = tokens - output;
    if (tokens < rule.minTokens || responses === 0 || prompt === 0) continue;
    // Declared telemetry (seed 000) gives one total per agent and task, not per API call: the size of a
    // response is unknown there, so only the API calls captured from transcripts are averaged.
    const calls = rows.filter((g) => !isDeclared(g));
    const callCount = sum(calls, (g) => g.row.responses);
    const perResponse = callCount === 0 ? null : sum(calls, (g) => g.row.output) / callCount;
    const ratio = output / prompt;
    if ((perResponse !== null && perResponse > rule.maxOutputPerResponse) || ratio > rule.maxOutputRatio)
      continue;

    const actual = new CostSum();
    for (const g of rows) actual.add(g.cost);
    const target = chooseTarget(pricer, model, from, to, groups);
    let targetCost: number | null = null;
    if (target !== null) {
      const at = new CostSum();
      for (const g of rows) at.add(pricer.cost({ ...keyOf(g), model: target }, g.row, g.atMs));
      targetCost = at.complete ? at.value : null;
    }
    const saving =
      actual.complete && actual.value !== null && targetCost !== null
        ? roundUsd(actual.value - targetCost)
        : null;
    if (saving !== null && saving < REVIEW_RULES.minSavingUsd) continue;

    const targetName = target === null ? to : (pricer.resolve(target)?.canonical ?? target);
    const modelNote = model === from ? '' : ` (${model})`;
    const priced =
      target === null
        ? `no ${to}-family model is in the price table, so the saving is not estimated`
        : `the same tokens at ${targetName} prices would cost ${formatUsdPlain(targetCost)}`;
    out.push({
      recommendation: {
        type: 'model_selection',
        description: `Run ${agent} on ${to} instead of ${from}${modelNote}: its output stays small`,
        evidence:
          `${agent} on ${model} ${scope.span}: ${formatInt(tokens)} tokens in ${formatInt(responses)} responses; ` +
          `output ${perResponse === null ? 'of unknown size per response (declared totals)' : `${formatInt(perResponse)} tokens per response on average`} and ${formatPercent(ratio)} of its ` +
          `${formatInt(prompt)} prompt tokens (rule: at most ${formatInt(rule.maxOutputPerResponse)} per response and ` +
          `${formatShare(rule.maxOutputRatio)}: mostly reading, not writing); ${costText(actual)}, ${priced}.`,
        savingUsd: saving,
        proposed_change:
          'In the model selection rules, add:\n' +
          `- Run \`${agent}\` on \`${to}\` (pass model "${to}" when delegating to it, or set \`model: ${to}\` in ` +
          `claude/agents/${agent}.md) instead of \`${from}\`: its work ${scope.span} was mostly reading, with ` +
          `${perResponse === null ? `output at ${formatPercent(ratio)} of its prompt tokens` : `${formatInt(perResponse)} output tokens per response on average`}. Go back to \`${from}\` for a task whose ` +
          'results need rework.',
      },
      proposal: {
        kind: 'model_downshift',
        target: agent,
        edit: { type: 'agent-model', agent, model: to },
        cohort: { agent, model },
      },
      candidate:
        `Consider ${to} instead of ${from} for ${agent}: output ` +
        `${perResponse === null ? `is ${formatPercent(ratio)} of prompt tokens` : `averages ${formatInt(perResponse)} tokens per response (${formatPercent(ratio)} of prompt tokens)`}; est. saving ${formatUsdPlain(saving)}.`,
    });
  }
  return out;
}

/** `cost $0.35`, `known cost $0.20 (part of it has no price and no reported cost)`, or `cost unavailable (...)`. */
function costText(cost: CostSum): string {
  if (cost.complete) return `cost ${formatUsdPlain(cost.value)}`;
  if (cost.value === null) return 'cost unavailable (no price in the table and no reported cost)';
  return `known cost ${formatUsdPlain(cost.value)} (part of it has no price in the table and no reported cost)`;
}

export function keyOf(g: PricedGroup) {
  return { model: g.model, sizeClass: g.row.sizeClass, speed: g.row.speed, geo: g.row.geo };
}

/**
 * Usage declared through seed 000 telemetry: its rows carry the declared agent's name as both agent
 * type and agent id (captured subagents have generated ids, the main thread is excluded before).
 */
function isDeclared(g: PricedGroup): boolean {
  return g.agentId === g.agent && g.row.cacheRead === 0 && g.row.cacheWrite === 0;
}
