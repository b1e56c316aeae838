import { describe, expect, it } from 'vitest';
import type { ReviewModel } from './model.js';
import { renderReview } from './review.js';

const review: ReviewModel = {
  date: '2025-11-28',
  period: { start: '2025-11-22', end: '2025-11-28' },
  // $12.00 + $2.70 + $0.30 = $15.00 known; local-llm's 2,000 tokens have no cost and are left out.
  totals: { totalTokens: 500000, estimatedCost: 15, unpriced: { totalTokens: 2000, models: ['local-llm'] } },
  costByModel: [
    {
      name: 'local-llm',
      totalTokens: 2000,
      estimatedCost: null,
      unpriced: { totalTokens: 2000, models: ['local-llm'] },
    },
    { name: 'sonnet', totalTokens: 150000, estimatedCost: 2.7 },
    { name: 'opus', totalTokens: 300000, estimatedCost: 12 },
    { name: 'haiku', totalTokens: 48000, estimatedCost: 0.3 },
  ],
  costByAgent: [
    { name: 'ui-impl', totalTokens: 125000, estimatedCost: 3.75 },
    { name: 'api-impl', totalTokens: 75000, estimatedCost: 2.25 },
    {
      name: 'build-lead',
      totalTokens: 300000,
      estimatedCost: 9,
      unpriced: { totalTokens: 2000, models: ['local-llm'] },
    },
  ],
  mostActiveAgents: [
    { agent: 'api-impl', totalTokens: 75000, share: 0.15 },
    { agent: 'build-lead', totalTokens: 300000, share: 0.6 },
    { agent: 'ui-impl', totalTokens: 125000, share: 0.25 },
  ],
  topExpensiveTasks: [
    {
      taskId: 'import-csv',
      totalTokens: 30000,
      estimatedCost: null,
      unpriced: { totalTokens: 30000, models: ['local-llm'] },
    },
    { taskId: 'fix-login', totalTokens: 40000, estimatedCost: 1.2 },
    { taskId: 'add-slots-api', totalTokens: 80000, estimatedCost: 3.1 },
  ],
  agentModelMix: [
    {
      agent: 'ui-impl',
      models: [{ model: 'sonnet', totalTokens: 125000, share: 1 }],
    },
    {
      agent: 'build-lead',
      models: [
        { model: 'sonnet', totalTokens: 60000, share: 0.2 },
        { model: 'opus', totalTokens: 240000, share: 0.8 },
      ],
    },
    {
      agent: 'api-impl',
      models: [
        { model: 'haiku', totalTokens: 30, share: 0.0004 },
        { model: 'sonnet', totalTokens: 74970, share: 0.9996 },
      ],
    },
  ],
  cacheHitRate: 0.425,
  estimateOverruns: [
    { taskId: 'fix-login', metric: 'usd', estimate: 0.4, actual: 1.2 },
    { taskId: 'add-slots-api', metric: 'tokens', estimate: 30000, actual: 120000 },
  ],
  recommendations: [
    {
      type: 'context_reuse',
      description: 'Cache foundation.md summary for session reuse.',
      evidence: 'foundation.md read 12 times across tasks.',
      savingUsd: 1.2,
      proposed_change: 'Reuse cached summaries of frequently-read files when available.',
    },
    {
      type: 'delegation_reduction',
      description: 'Let ui-impl handle small UI fixes alone.',
      evidence: '5 fan-outs under 2,000 tokens each.',
      savingUsd: null,
      target: 'ui-impl.md',
      proposed_change:
        '--- a/claude/agents/ui-impl.md\n+++ b/claude/agents/ui-impl.md\n@@ -1,2 +1,3 @@\n # ui-impl\n+Handle fixes under 20 lines without delegating.\n',
    },
    {
      type: 'model_selection',
      description: 'Default to haiku for glob/grep exploration tasks.',
      evidence: 'haiku-suitable tasks used sonnet in 30% of cases.',
      savingUsd: 2.4,
      proposed_change:
        'Add to Section 6 (Typical Workflow):\n\nFor exploration tasks (file search, pattern matching), prefer haiku model.',
    },
  ],
};

const expected = `# Usage Review: 2025-11-28

Period: Last 7 days (2025-11-22 to 2025-11-28)

## Overview

- Total tokens: 500,000
- Total cost: $15.00 (partial: 2,000 tokens unpriced for model local-llm)
- Cost by model: opus $12.00 (300,000 tokens), sonnet $2.70 (150,000 tokens), haiku $0.30 (48,000 tokens), local-llm unavailable (2,000 tokens)
- Cost by agent: build-lead $9.00 (300,000 tokens; partial: 2,000 tokens unpriced for model local-llm), ui-impl $3.75 (125,000 tokens), api-impl $2.25 (75,000 tokens)
- Most active agents: build-lead (60%), ui-impl (25%), api-impl (15%)

## Findings

1. **Top expensive tasks**: add-slots-api $3.10 (80,000 tokens); fix-login $1.20 (40,000 tokens); import-csv unavailable (30,000 tokens).
2. **Model mix by agent**: api-impl: sonnet 100%, haiku <1%; build-lead: opus 80%, sonnet 20%; ui-impl: sonnet 100%.
3. **Cache hit rate**: 42.5%.
4. **Estimate overruns**: add-slots-api used 120,000 tokens against 30,000 tokens estimated (4.0×); fix-login used $1.20 against $0.40 estimated (3.0×).

## Recommendations

1. Default to haiku for glob/grep exploration tasks.
   - Type: model_selection
   - Evidence: haiku-suitable tasks used sonnet in 30% of cases.
   - Estimated saving: $2.40
2. Cache foundation.md summary for session reuse.
   - Type: context_reuse
   - Evidence: foundation.md read 12 times across tasks.
   - Estimated saving: $1.20
3. Let ui-impl handle small UI fixes alone.
   - Type: delegation_reduction
   - Evidence: 5 fan-outs under 2,000 tokens each.
   - Estimated saving: unavailable

## Proposed Changes

### For build-lead.md

Recommendation 1 (model_selection): Default to haiku for glob/grep exploration tasks.

> Add to Section 6 (Typical Workflow):
>
> For exploration tasks (file search, pattern matching), prefer haiku model.

Recommendation 2 (context_reuse): Cache foundation.md summary for session reuse.

> Reuse cached summaries of frequently-read files when available.

### For ui-impl.md

Recommendation 3 (delegation_reduction): Let ui-impl handle small UI fixes alone.

\`\`\`diff
--- a/claude/agents/ui-impl.md
+++ b/claude/agents/ui-impl.md
@@ -1,2 +1,3 @@
 # ui-impl
+Handle fixes under 20 lines without delegating.
\`\`\`
`;

const emptyReview: ReviewModel = {
  date: '2025-11-28',
  period: { start: '2025-11-28', end: '2025-11-28' },
  totals: { totalTokens: 0, estimatedCost: null },
  costByModel: [],
  costByAgent: [],
  mostActiveAgents: [],
  topExpensiveTasks: [],
  agentModelMix: [],
  cacheHitRate: null,
  estimateOverruns: [],
  recommendations: [],
};

describe('renderReview', () => {
  it('follows the seed 7.2 template', () => {
    expect(renderReview(review)).toBe(expected);
  });

  it('gives the same bytes for any order of every list', () => {
    const reversed: ReviewModel = {
      ...review,
      costByModel: [...review.costByModel].reverse(),
      costByAgent: [...review.costByAgent].reverse(),
      mostActiveAgents: [...review.mostActiveAgents].reverse(),
      topExpensiveTasks: [...review.topExpensiveTasks].reverse(),
      agentModelMix: [...review.agentModelMix]
        .reverse()
        .map((m) => ({ ...m, models: [...m.models].reverse() })),
      estimateOverruns: [...review.estimateOverruns].reverse(),
      recommendations: [...review.recommendations].reverse(),
    };
    expect(renderReview(reversed)).toBe(expected);
  });

  it('renders an empty review with unavailable cost and cache hit rate', () => {
    expect(renderReview(emptyReview)).toBe(`# Usage Review: 2025-11-28

Period: Last 1 day (2025-11-28 to 2025-11-28)

## Overview

- Total tokens: 0
- Total cost: unavailable
- Cost by model: none
- Cost by agent: none
- Most active agents: none

## Findings

1. **Top expensive tasks**: none.
2. **Model mix by agent**: none.
3. **Cache hit rate**: unavailable.
4. **Estimate overruns**: none.

## Recommendations

- None.

## Proposed Changes

- None.
`);
  });

  it('puts multi-line text on one line, keeps unicode names, fences a diff holding backticks', () => {
    const text = renderReview({
      ...emptyReview,
      mostActiveAgents: [{ agent: 'агент-α', totalTokens: 10, share: 1 }],
      recommendations: [
        {
          type: 'model_selection',
          description: 'Use haiku\nfor reads.',
          evidence: 'a|b',
          savingUsd: 0.004,
          proposed_change: '@@ -1 +1 @@\n-old ```x```\n+new',
        },
        {
          type: 'context_reuse',
          description: 'Lose money.',
          evidence: 'e',
          savingUsd: -0.5,
          proposed_change: 'Undo it.',
        },
      ],
    });
    expect(text).toContain('- Most active agents: агент-α (100%)\n');
    expect(text).toContain(
      '1. Use haiku for reads.\n   - Type: model_selection\n   - Evidence: a|b\n   - Estimated saving: $0.0040\n',
    );
    expect(text).toContain('   - Estimated saving: -$0.50\n');
    expect(text).toContain('\n````diff\n@@ -1 +1 @@\n-old ```x```\n+new\n````\n');
  });

  it('names the unpriced models sorted, at most three, on one line', () => {
    const text = renderReview({
      ...emptyReview,
      totals: {
        totalTokens: 1_000_000,
        estimatedCost: 12.34,
        unpriced: { totalTokens: 54_321, models: ['zeta', 'alpha', 'my\nmodel', 'delta', 'beta'] },
      },
      topExpensiveTasks: [
        {
          taskId: 'T-1',
          totalTokens: 60_000,
          estimatedCost: 0.5,
          unpriced: { totalTokens: 10_000, models: ['zeta', 'alpha'] },
        },
      ],
    });
    expect(text).toContain(
      '- Total cost: $12.34 (partial: 54,321 tokens unpriced for models alpha, beta, delta and 2 more)\n',
    );
    expect(text).toContain(
      '1. **Top expensive tasks**: T-1 $0.50 (60,000 tokens; partial: 10,000 tokens unpriced for models alpha, zeta).\n',
    );
  });

  it('rejects out-of-range numbers and periods', () => {
    expect(() => renderReview({ ...emptyReview, cacheHitRate: 1.5 })).toThrow(/cacheHitRate/);
    expect(() =>
      renderReview({ ...emptyReview, period: { start: '2025-11-29', end: '2025-11-28' } }),
    ).toThrow(/after its end/);
    expect(() =>
      renderReview({
        ...emptyReview,
        estimateOverruns: [{ taskId: 't', metric: 'tokens', estimate: 0, actual: 5 }],
      }),
    ).toThrow(/estimate must be/);
    expect(() => renderReview({ ...emptyReview, totals: { totalTokens: -1, estimatedCost: 0 } })).toThrow(
      /totalTokens/,
    );
    expect(() =>
      renderReview({
        ...emptyReview,
        totals: { totalTokens: 5, estimatedCost: 0, unpriced: { totalTokens: 1.5, models: ['m'] } },
      }),
    ).toThrow(/totals\.unpriced\.totalTokens/);
  });
});
