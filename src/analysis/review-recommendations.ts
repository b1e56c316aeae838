/**
 * The recommendations of the periodic review (seed 000, 2.4, 2.5, 5.2) and the daily summary's
 * optimization candidates (7.1): every rule of `review-rules.ts` over the same priced groups, in a
 * fixed order. `model_selection` lives there with the thresholds; `context_reuse` and
 * `delegation_reduction` are here.
 * @module
 */
import { addSums, emptySums } from '../ledger/usage-sums.js';
import type { Pricer } from '../pricing/pricer.js';
import { formatInt, formatPercent, formatShare, formatUsdPlain } from '../util/format.js';
import { cacheHitRate } from '../util/token-counts.js';
import { cacheRewrite, modelCohorts } from './review-cohorts.js';
import type { Recommendation } from './review-model.js';
import { fileRereadRule } from './review-rereads.js';
import {
  agentLabel,
  type Finding,
  type FindingScope,
  groupBy,
  keyOf,
  modelSelection,
  REVIEW_RULES,
  rank,
  reportsCaching,
  sum,
} from './review-rules.js';
import { compareText, familyOf, type PricedGroup, roundUsd } from './review-usage.js';

export { type Finding, type FindingScope, REVIEW_RULES } from './review-rules.js';

/**
 * The review's rules, in order. A new kind of recommendation (e.g. files read again and again, once
 * the ledger has per-call file data) is a name in `ProposalKind` (proposed-edits.ts) and one more
 * rule here: it returns findings whose `proposal` names the kind, its target, the edit (an agent's
 * model, a policy rule, the settings' model) and the cohort `review check` compares; data the
 * priced groups do not hold comes in through {@link FindingScope}, as the failed tasks do.
 */
const RULES = [
  modelSelection,
  modelCohorts,
  contextReuse,
  cacheRewrite,
  delegationReduction,
  fileRereadRule,
] as const;

/**
 * Every rule's findings over `groups`, by saving (largest first, unknown last), then type and
 * description. Two findings proposing the same kind of change to the same target are one: the first;
 * a downshift of a target to a model family it is upshifted away from (it did worse there) is left out.
 */
export function findRecommendations(
  pricer: Pricer,
  groups: readonly PricedGroup[],
  scope: FindingScope,
): Finding[] {
  const findings = RULES.flatMap((rule) => rule(pricer, groups, scope)).sort((a, b) =>
    compareRecommendations(a.recommendation, b.recommendation),
  );
  const seen = new Set<string>();
  // Where the cheaper model was tried and did worse, no rule recommends it.
  const worse = new Set(
    findings.flatMap((f) =>
      f.proposal?.kind === 'model_upshift'
        ? [`${f.proposal.target}\0${familyOf(f.proposal.cohort.model ?? '')}`]
        : [],
    ),
  );
  return findings.filter((f) => {
    if (f.proposal === undefined) return true;
    const edit = f.proposal.edit;
    const model = edit.type === 'policy-rule' ? '' : edit.model;
    if (f.proposal.kind === 'model_downshift' && worse.has(`${f.proposal.target}\0${model}`)) return false;
    const key = `${f.proposal.kind}\0${f.proposal.target}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

export function compareRecommendations(a: Recommendation, b: Recommendation): number {
  const x = a.savingUsd;
  const y = b.savingUsd;
  const bySaving = x === null || y === null ? (x === y ? 0 : x === null ? 1 : -1) : y - x;
  return bySaving || compareText(a.type, b.type) || compareText(a.description, b.description);
}

function contextReuse(pricer: Pricer, groups: readonly PricedGroup[], scope: FindingScope): Finding[] {
  const rule = REVIEW_RULES.contextReuse;
  const out: Finding[] = [];
  for (const [agent, rows] of groupBy(groups, (g) => (reportsCaching(g) ? g.agent : null))) {
    const sums = emptySums();
    for (const g of rows) addSums(sums, g.row);
    const { input, cacheRead } = sums;
    // The hit rate of every report: cache reads ÷ (cache reads + uncached input).
    const hitRate = cacheHitRate(sums.cacheRead, sums.input);
    if (hitRate === null || hitRate >= rule.maxHitRate || input < rule.minUncachedInput) continue;
    const cacheable = cacheRead + input;
    const moved = Math.min(input, rule.targetHitRate * cacheable - cacheRead);
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
        ? `; ${formatInt(unpricedInput)} uncached tokens on unpriced models are not counted`
        : '';
    out.push({
      recommendation: {
        type: 'context_reuse',
        description: `Make ${who} reuse cached context: its cache hit rate is ${formatPercent(hitRate)}`,
        evidence:
          `${who} ${scope.span}: cache hit rate ${formatPercent(hitRate)} (cache reads ÷ (cache reads + uncached ` +
          `input) = ${formatInt(cacheRead)} ÷ ${formatInt(cacheable)}) with ${formatInt(input)} tokens of uncached ` +
          `input (rule: below ${formatShare(rule.maxHitRate)} with at least ${formatInt(rule.minUncachedInput)} ` +
          `uncached). Assumption: at a hit rate of ${formatShare(rule.targetHitRate)}, ${formatInt(moved)} of those ` +
          'tokens would be cache reads, each saving its model\u2019s input rate minus its cache-read rate; the cost of ' +
          `writing the cache is not counted, so the saving is an upper bound${unpricedNote}.`,
        savingUsd,
        proposed_change:
          'In the delegation policies, add:\n' +
          `- Keep the prompts of ${agent === 'main' ? 'the main thread' : `\`${agent}\``} cacheable: put fixed ` +
          'instructions and shared context (specs, a summary of foundation.md) first and the task-specific request ' +
          'last, keep that prefix identical between calls, and pass summaries of files already read instead of ' +
          `rereading them. Target a cache hit rate above ${formatShare(rule.targetHitRate)} (now ${formatPercent(hitRate)}).`,
      },
      proposal: {
        kind: 'context_reuse',
        target: agent,
        edit: {
          type: 'policy-rule',
          rule:
            `- Keep the prompts of ${agent === 'main' ? 'the main thread' : `\`${agent}\``} cacheable: fixed instructions and ` +
            'shared context first, the task-specific request last, the prefix identical between calls; pass summaries ' +
            `of files already read instead of rereading them (cache hit rate ${formatPercent(hitRate)} ${scope.span}).`,
        },
        cohort: { agent },
      },
      candidate:
        `Improve prompt-cache reuse for ${who}: hit rate ${formatPercent(hitRate)} with ${formatInt(input)} uncached ` +
        `input tokens; est. saving up to ${formatUsdPlain(savingUsd)}.`,
    });
  }
  return out;
}

/**
 * True when a subagent's set-up (its uncached input and cache writes: the context it built) cost more
 * than its output: what it returned did not pay for starting it. Unpriced usage does not decide.
 */
function setUpDominates(pricer: Pricer, gs: readonly PricedGroup[]): boolean {
  let setUp = 0;
  let output = 0;
  for (const g of gs) {
    const none = {
      ...g.row,
      input: 0,
      output: 0,
      cacheWrite: 0,
      cacheWrite1h: 0,
      cacheRead: 0,
      webSearch: 0,
    };
    setUp +=
      pricer.cost(
        keyOf(g),
        { ...none, input: g.row.input, cacheWrite: g.row.cacheWrite, cacheWrite1h: g.row.cacheWrite1h },
        g.atMs,
      ) ?? 0;
    output += pricer.cost(keyOf(g), { ...none, output: g.row.output }, g.atMs) ?? 0;
  }
  return setUp > output || (setUp === 0 && output === 0);
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
        gs.every((g) => rank(g.model) >= parentRank) &&
        setUpDominates(pricer, gs),
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
  const limit = formatInt(rule.maxSubagentOutput);
  const listed = [...tasks].sort((a, b) => b.small - a.small || compareText(a.task, b.task));
  const shown = listed
    .slice(0, 3)
    .map(
      (t) =>
        `${t.task} (${t.small} of its ${t.subagents} subagents, ${formatInt(t.output)} output tokens in all)`,
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
          `writes cost ${formatUsdPlain(savingUsd)}. Assumption: that is the context each built from scratch (system prompt, ` +
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
      proposal: {
        kind: 'fan_out',
        target: 'subagents',
        edit: {
          type: 'policy-rule',
          rule:
            `- Spawn a subagent only for work expected to return more than about ${limit} output tokens or that needs ` +
            'its own context; do file lookups, searches and short questions in the main thread, and batch related ' +
            `small lookups into one subagent (${count} subagents ${scope.span} returned at most ${limit} output tokens each).`,
        },
        cohort: {},
      },
      candidate:
        `Do small lookups inline: ${count} subagents in ${taskNames} returned at most ${limit} output tokens ` +
        `each; est. saving up to ${formatUsdPlain(savingUsd)}.`,
    },
  ];
}
