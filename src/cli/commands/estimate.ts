/**
 * `tokenledger estimate [--label k=v] [--stage S] [--by label:KEY|stage] [--json]`: what similar
 * finished tasks used (p50/p80 per task) and the actual ÷ estimate multiplier (app/usage-estimates.ts).
 * @module
 */
import type { CategoryEstimate } from '../../analysis/estimates.js';
import {
  checkEstimateBy,
  type EstimateResult,
  estimateUsage,
  similarityText,
} from '../../app/usage-estimates.js';
import { checkName, parseLabels } from '../../capture/context/attribution-context.js';
import { formatInt, formatUsd } from '../../util/format.js';
import { type CommonOptions, importNow, openSession } from '../context.js';
import { writeJson, writeOut } from '../io.js';
import { wrapWords } from '../render/wrap-words.js';
import { tableTarget } from '../task-tables.js';

export interface EstimateOptions extends CommonOptions {
  label?: string[];
  stage?: string;
  by?: string;
}

function categoryLines(c: CategoryEstimate, grouped: boolean, width: number): string[] {
  const head = grouped ? `${c.category}: ` : '';
  const lines = [`${head}${formatInt(c.tasks)} finished task${c.tasks === 1 ? '' : 's'}`];
  if (c.tokens !== null)
    lines.push(
      `  tokens per task: p50 ${formatInt(Math.round(c.tokens.p50))}, p80 ${formatInt(Math.round(c.tokens.p80))}`,
    );
  if (c.usd !== null)
    lines.push(`  cost per task:   p50 ${formatUsd(c.usd.p50)}, p80 ${formatUsd(c.usd.p80)}`);
  lines.push(
    ...wrapWords(
      c.multiplier === null
        ? '  actual ÷ estimate: none of them had an estimate'
        : `  actual ÷ estimate: median ${c.multiplier.toFixed(2)}× over ${formatInt(c.estimatedTasks)} task${c.estimatedTasks === 1 ? '' : 's'} with an estimate (multiply a hand-made estimate by it)`,
      width,
      '    ',
    ),
  );
  return lines;
}

export function estimateText(r: EstimateResult, width: number): string {
  const similar = similarityText(r.basedOn.labels, r.basedOn.stage);
  if (r.categories.length === 0)
    return `No finished task with ${similar} has usage yet: finish a few (\`tokenledger task start ID\` … \`tokenledger task stop\`), or use fewer labels.\n`;
  const lines = [`Finished tasks with ${similar}${r.basedOn.by === null ? '' : `, by ${r.basedOn.by}`}:`, ''];
  for (const c of r.categories) lines.push(...categoryLines(c, r.basedOn.by !== null, width));
  lines.push('', 'Use one: `tokenledger task start ID --estimate auto` sets the p50 of similar tasks.');
  return `${lines.join('\n')}\n`;
}

export async function runEstimate(opts: EstimateOptions): Promise<number> {
  const labels = parseLabels(opts.label ?? [], '--label');
  const stage = opts.stage === undefined ? undefined : checkName(opts.stage, '--stage');
  checkEstimateBy(opts.by);
  const session = await openSession(opts);
  try {
    if (opts.import !== false) await importNow(session, opts);
    const result = await estimateUsage(session, { labels, stage, by: opts.by });
    if (opts.json) await writeJson(result);
    else await writeOut(estimateText(result, tableTarget(opts).width));
    return 0;
  } finally {
    await session.store.close();
  }
}
