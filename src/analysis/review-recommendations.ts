/**
 * The recommendations of the periodic review (seed 000, sections 2.4, 2.5 and 5.2) and the daily
 * summary's optimization candidates (7.1), from priced usage groups. Each rule fires only when the
 * data shows its pattern, gives the numbers behind it, and estimates the saving from the tokens
 * actually used; a saving that cannot be computed (unpriced model, no reported cost) is null.
 *
 * The rules ({@link REVIEW_RULES} holds the thresholds):
 * - `model_selection`: an agent (not the main thread) used an opus- or sonnet-family model (by name)
 *   for at least 100,000 tokens, and its output stayed small: at most 500 tokens per response on
 *   average and at most 2% of its prompt tokens (input + cache writes + cache reads), i.e. it mostly
 *   read. Recommended: the next cheaper family. Saving: the actual cost minus the cost of the same
 *   token counts (same size class, speed, geo and day) at the cheaper model's prices.
 * - `context_reuse`: an agent's cache hit rate (cache reads ÷ prompt tokens) is below 50% with at
 *   least 100,000 tokens of uncached input. Saving, stated as an assumption: at an 80% hit rate the
 *   missing cache reads would have been uncached input billed at the cache-read rate instead; the
 *   cost of writing the cache is not counted, so it is an upper bound. Usage with no cache reads or
 *   writes at all is left out: its source (declared telemetry) does not say what was cached.
 * - `delegation_reduction`: a task had at least 3 subagents (and at least half of its subagents)
 *   that each returned at most 1,000 output tokens. Only captured subagents count (they report
 *   caching), and only those whose model is not cheaper than the main thread's in the task (doing
 *   their work inline must not move it to a pricier model). Saving, stated as an assumption: their
 *   uncached input and cache writes are the context they built from scratch, which the main thread,
 *   whose context is cached already, would not pay for; an upper bound.
 * @module
 */

import type { Recommendation } from '../outputs/token-usage/model.js';
import type { Pricer } from '../pricing/pricer.js';
import {
  CostSum,
  cheaperFamily,
  compareText,
  FAMILIES,
  type Family,
  familyOf,
  type PricedGroup,
  percentText,
  roundUsd,
  tokensText,
  usdText,
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
}

/** The range the groups cover, for evidence lines: `from 2025-11-22 to 2025-11-28`, `on 2025-11-28`. */
export interface FindingScope {
  span: string;
}

/** Every rule's findings over `groups`, by saving (largest first, unknown last), then type and description. */
export function findRecommendations(
  pricer: Pricer,
  groups: readonly PricedGroup[],
  scope: FindingScope,
): Finding[] {
  const findings = [
    ...modelSelection(pricer, groups, scope),
    ...contextReuse(pricer, groups, scope),
    ...delegationReduction(pricer, groups, scope),
  ];
  return findings.sort((a, b) => compareRecommendations(a.recommendation, b.recommendation));
}

export function compareRecommendations(a: Recommendation, b: Recommendation): number {
  const x = a.savingUsd;
  const y = b.savingUsd;
  const bySaving = x === null || y === null ? (x === y ? 0 : x === null ? 1 : -1) : y - x;
  return bySaving || compareText(a.type, b.type) || compareText(a.description, b.description);
}

/** `groups` split by `key`, in key order. */
function groupBy(
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

function sum(groups: readonly PricedGroup[], field: (g: PricedGroup) => number): number {
  return groups.reduce((n, g) => n + field(g), 0);
}

/** True when the usage says something about caching: it has cache reads or writes. */
function reportsCaching(g: PricedGroup): boolean {
  return g.row.cacheWrite + g.row.cacheRead > 0;
}

function agentLabel(agent: string): string {
  if (agent === 'main') return 'the main thread';
  if (agent === 'subagent') return 'subagents of unknown type';
  return agent;
}

function rank(model: string): number {
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

function modelSelection(pricer: Pricer, groups: readonly PricedGroup[], scope: FindingScope): Finding[] {
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
    const perResponse = output / responses;
    const ratio = output / prompt;
    if (perResponse > rule.maxOutputPerResponse || ratio > rule.maxOutputRatio) continue;

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
        : `the same tokens at ${targetName} prices would cost ${usdText(targetCost)}`;
    out.push({
      recommendation: {
        type: 'model_selection',
        description: `Run ${agent} on ${to} instead of ${from}${modelNote}: its output stays small`,
        evidence:
          `${agent} on ${model} ${scope.span}: ${tokensText(tokens)} tokens in ${tokensText(responses)} responses; ` +
          `output ${tokensText(perResponse)} tokens per response on average and ${percentText(ratio)} of its ` +
          `${tokensText(prompt)} prompt tokens (rule: at most ${tokensText(rule.maxOutputPerResponse)} per response and ` +
          `${wholePercent(rule.maxOutputRatio)}: mostly reading, not writing); ${costText(actual)}, ${priced}.`,
        savingUsd: saving,
        proposed_change:
          'In the model selection rules, add:\n' +
          `- Run \`${agent}\` on \`${to}\` (pass model "${to}" when delegating to it, or set \`model: ${to}\` in ` +
          `claude/agents/${agent}.md) instead of \`${from}\`: its work ${scope.span} was mostly reading, with ` +
          `${tokensText(perResponse)} output tokens per response on average. Go back to \`${from}\` for a task whose ` +
          'results need rework.',
      },
      candidate:
        `Consider ${to} instead of ${from} for ${agent}: output averages ${tokensText(perResponse)} tokens per ` +
        `response (${percentText(ratio)} of prompt tokens); est. saving ${usdText(saving)}.`,
    });
  }
  return out;
}

/** A threshold as a whole percent: `0.8` → `80%`. */
function wholePercent(fraction: number): string {
  return `${Math.round(fraction * 100)}%`;
}

/** `cost $0.35`, `known cost $0.20 (part of it has no price and no reported cost)`, or `cost unavailable (...)`. */
function costText(cost: CostSum): string {
  if (cost.complete) return `cost ${usdText(cost.value)}`;
  if (cost.value === null) return 'cost unavailable (no price in the table and no reported cost)';
  return `known cost ${usdText(cost.value)} (part of it has no price in the table and no reported cost)`;
}

function keyOf(g: PricedGroup) {
  return { model: g.model, sizeClass: g.row.sizeClass, speed: g.row.speed, geo: g.row.geo };
}

function contextReuse(pricer: Pricer, groups: readonly PricedGroup[], scope: FindingScope): Finding[] {
  const rule = REVIEW_RULES.contextReuse;
  const out: Finding[] = [];
  for (const [agent, rows] of groupBy(groups, (g) => (reportsCaching(g) ? g.agent : null))) {
    const input = sum(rows, (g) => g.row.input);
    const cacheRead = sum(rows, (g) => g.row.cacheRead);
    const prompt = input + cacheRead + sum(rows, (g) => g.row.cacheWrite);
    const hitRate = cacheRead / prompt;
    if (hitRate >= rule.maxHitRate || input < rule.minUncachedInput) continue;
    const moved = Math.min(input, rule.targetHitRate * prompt - cacheRead);
    const fraction = moved / input;
    let saving = 0;
    let priced = false;
    let unpricedInput = 0;
    for (const g of rows) {
      if (g.row.input === 0) continue;
      const key = keyOf(g);
      const now = pricer.cost(key, g.row, g.atMs);
      const cached = pricer.cost(
        key,
        {
          ...g.row,
          input: g.row.input * (1 - fraction),
          cacheRead: g.row.cacheRead + g.row.input * fraction,
        },
        g.atMs,
      );
      if (now === null || cached === null) {
        unpricedInput += g.row.input;
        continue;
      }
      saving += now - cached;
      priced = true;
    }
    const savingUsd = priced ? roundUsd(saving) : null;
    if (savingUsd !== null && savingUsd < REVIEW_RULES.minSavingUsd) continue;
    const who = agentLabel(agent);
    const unpricedNote =
      unpricedInput > 0
        ? `; ${tokensText(unpricedInput)} uncached tokens on unpriced models are not counted`
        : '';
    out.push({
      recommendation: {
        type: 'context_reuse',
        description: `Make ${who} reuse cached context: its cache hit rate is ${percentText(hitRate)}`,
        evidence:
          `${who} ${scope.span}: cache hit rate ${percentText(hitRate)} (cache reads ÷ (input + cache writes + ` +
          `cache reads) = ${tokensText(cacheRead)} ÷ ${tokensText(prompt)}) with ${tokensText(input)} tokens of uncached ` +
          `input (rule: below ${wholePercent(rule.maxHitRate)} with at least ${tokensText(rule.minUncachedInput)} ` +
          `uncached). Assumption: at a hit rate of ${wholePercent(rule.targetHitRate)}, ${tokensText(moved)} of those ` +
          'tokens would be cache reads, each saving its model\u2019s input rate minus its cache-read rate; the cost of ' +
          `writing the cache is not counted, so the saving is an upper bound${unpricedNote}.`,
        savingUsd,
        proposed_change:
          'In the delegation policies, add:\n' +
          `- Keep the prompts of ${agent === 'main' ? 'the main thread' : `\`${agent}\``} cacheable: put fixed ` +
          'instructions and shared context (specs, a summary of foundation.md) first and the task-specific request ' +
          'last, keep that prefix identical between calls, and pass summaries of files already read instead of ' +
          `rereading them. Target a cache hit rate above ${wholePercent(rule.targetHitRate)} (now ${percentText(hitRate)}).`,
      },
      candidate:
        `Improve prompt-cache reuse for ${who}: hit rate ${percentText(hitRate)} with ${tokensText(input)} uncached ` +
        `input tokens; est. saving up to ${usdText(savingUsd)}.`,
    });
  }
  return out;
}

interface SmallTask {
  task: string;
  small: number;
  subagents: number;
  output: number;
}

function delegationReduction(pricer: Pricer, groups: readonly PricedGroup[], scope: FindingScope): Finding[] {
  const rule = REVIEW_RULES.delegation;
  const tasks: SmallTask[] = [];
  let overhead = 0;
  let priced = false;
  let unpricedSubagents = 0;
  for (const [task, rows] of groupBy(groups, (g) => (g.task === '' ? null : g.task))) {
    const parentRank = rows.reduce((r, g) => (g.agentId === 'main' ? Math.max(r, rank(g.model)) : r), -1);
    const subagents = groupBy(rows, (g) =>
      g.agentId === 'main' || g.agentId === 'unknown' || g.agentId === '' || !reportsCaching(g)
        ? null
        : g.agentId,
    );
    const small = subagents.filter(
      ([, gs]) =>
        sum(gs, (g) => g.row.output) <= rule.maxSubagentOutput &&
        gs.every((g) => rank(g.model) >= parentRank),
    );
    if (small.length < rule.minSmallSubagents || small.length < rule.minSmallShare * subagents.length)
      continue;
    tasks.push({
      task,
      small: small.length,
      subagents: subagents.length,
      output: sum(
        small.flatMap(([, gs]) => gs),
        (g) => g.row.output,
      ),
    });
    for (const [, gs] of small) {
      const setUp = gs.map((g) =>
        pricer.cost(keyOf(g), { ...g.row, output: 0, cacheRead: 0, webSearch: 0 }, g.atMs),
      );
      if (setUp.some((c) => c === null)) unpricedSubagents += 1;
      for (const c of setUp) {
        if (c === null) continue;
        overhead += c;
        priced = true;
      }
    }
  }
  if (tasks.length === 0) return [];
  const savingUsd = priced ? roundUsd(overhead) : null;
  if (savingUsd !== null && savingUsd < REVIEW_RULES.minSavingUsd) return [];
  const count = tasks.reduce((n, t) => n + t.small, 0);
  const limit = tokensText(rule.maxSubagentOutput);
  const listed = [...tasks].sort((a, b) => b.small - a.small || compareText(a.task, b.task));
  const shown = listed
    .slice(0, 3)
    .map(
      (t) =>
        `${t.task} (${t.small} of its ${t.subagents} subagents, ${tokensText(t.output)} output tokens in all)`,
    );
  const more = listed.length > 3 ? ` and ${listed.length - 3} more tasks` : '';
  const names = listed.slice(0, 3).map((t) => t.task);
  const taskNames =
    listed.length > 3 ? `${names.join(', ')} and ${listed.length - 3} more tasks` : names.join(', ');
  const unpricedNote =
    unpricedSubagents > 0 ? `; ${unpricedSubagents} subagents on unpriced models are not counted` : '';
  return [
    {
      recommendation: {
        type: 'delegation_reduction',
        description: `Do small lookups in the main thread instead of spawning subagents: ${count} subagents in ${tasks.length} ${tasks.length === 1 ? 'task' : 'tasks'} returned at most ${limit} output tokens each`,
        evidence:
          `Small subagents ${scope.span}: ${shown.join(', ')}${more} (rule: at least ${rule.minSmallSubagents} subagents, and at ` +
          `least half of the task's, with at most ${limit} output tokens each). Their uncached input and cache ` +
          `writes cost ${usdText(savingUsd)}. Assumption: that is the context each built from scratch (system prompt, ` +
          'tools, brief, files read), which the main thread, whose context is cached already, would not pay for; an ' +
          `upper bound, since the lookups' own results would still be read${unpricedNote}.`,
        savingUsd,
        proposed_change:
          'In the delegation policies, add:\n' +
          `- Spawn a subagent only for work expected to return a substantial result (more than about ${limit} ` +
          'output tokens) or that needs its own context; do file lookups, searches and short questions in the main ' +
          'thread, and batch related small lookups into one subagent rather than one subagent each. ' +
          `(${count} subagents ${scope.span} returned at most ${limit} output tokens each.)`,
      },
      candidate:
        `Do small lookups inline: ${count} subagents in ${taskNames} returned at most ${limit} output tokens ` +
        `each; est. saving up to ${usdText(savingUsd)}.`,
    },
  ];
}
