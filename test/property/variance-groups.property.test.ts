/**
 * Property: over random task trees with random usage, estimates and labels, the group totals of
 * `tokenledger variance` (any grouping: a label, the parent, or none) count every token under an
 * estimated task exactly once: they sum to at most the total usage, and to exactly the usage of the
 * outermost estimated tasks' subtrees. Checked against an oracle that walks the tree top-down.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type ShareTask, tokenShares, varianceGroup } from '../../src/analysis/variance-groups.js';

interface Node extends ShareTask {
  label: string | null;
}

/** A forest: each task's parent is an earlier task or none. */
const forest: fc.Arbitrary<Node[]> = fc
  .array(
    fc.record({
      parent: fc.option(fc.nat(), { nil: null }),
      estimate: fc.option(fc.integer({ min: 1, max: 1_000_000 }), { nil: null }),
      own: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 1_000_000 })),
      label: fc.option(fc.constantFrom('bug', 'feature', 'tooling'), { nil: null }),
    }),
    { minLength: 1, maxLength: 14 },
  )
  .map((raw) =>
    raw.map((r, i) => ({
      id: `T${i}`,
      parentId: r.parent === null || i === 0 ? null : `T${r.parent % i}`,
      estimateTokens: r.estimate,
      ownTokens: r.own,
      label: r.label,
    })),
  );

/** The groupings `variance` offers: --by label:category, --by parent, none. */
const groupings: Record<string, (t: Node) => string> = {
  label: (t) => t.label ?? '(none)',
  parent: (t) => t.parentId ?? '(no parent)',
  none: () => 'all',
};

function subtreeOf(tasks: readonly Node[], id: string): number {
  const self = tasks.find((t) => t.id === id)?.ownTokens ?? 0;
  return self + tasks.filter((t) => t.parentId === id).reduce((n, c) => n + subtreeOf(tasks, c.id), 0);
}

/** Oracle: the estimated tasks with no estimated task above them, found top-down. */
function outermost(tasks: readonly Node[]): Node[] {
  const out: Node[] = [];
  const visit = (t: Node, covered: boolean) => {
    const estimated = t.estimateTokens !== null;
    if (estimated && !covered) out.push(t);
    for (const c of tasks.filter((x) => x.parentId === t.id)) visit(c, covered || estimated);
  };
  for (const root of tasks.filter((t) => t.parentId === null)) visit(root, false);
  return out;
}

/** Oracle: the estimated tasks with usage nearest below `id`, found top-down. */
function nearestParts(tasks: readonly Node[], id: string, counted: ReadonlyMap<string, unknown>): Node[] {
  return tasks
    .filter((c) => c.parentId === id)
    .flatMap((c) => (counted.has(c.id) ? [c] : nearestParts(tasks, c.id, counted)));
}

describe('variance group totals never count a token twice', () => {
  it('holds for any tree, usage, estimates and labels, under every grouping', () => {
    fc.assert(
      fc.property(forest, (tasks) => {
        const shares = tokenShares(tasks);
        const totalUsage = tasks.reduce((n, t) => n + t.ownTokens, 0);
        const covered = outermost(tasks);
        const underEstimates = covered.reduce((n, t) => n + subtreeOf(tasks, t.id), 0);

        for (const [name, groupOf] of Object.entries(groupings)) {
          const members = new Map<string, Node[]>();
          for (const t of tasks.filter((x) => x.estimateTokens !== null))
            members.set(groupOf(t), [...(members.get(groupOf(t)) ?? []), t]);
          const groups = [...members].map(([g, list]) =>
            varianceGroup(
              g,
              list.map((t) => ({
                share: shares.get(t.id) ?? null,
                ratio: null,
                noUsageYet: false,
                overrun: false,
              })),
            ),
          );
          const counted = groups.reduce((n, g) => n + g.actualTokens, 0);
          expect(counted, name).toBeLessThanOrEqual(totalUsage);
          // Exactly the usage under an estimate, each token once: no double count, nothing dropped.
          expect(counted, name).toBe(underEstimates);
          for (const g of groups) {
            expect(g.actualTokens).toBeGreaterThanOrEqual(0);
            expect(g.estimatedTokens).toBeGreaterThanOrEqual(0);
          }
        }

        // Each share holds only tokens of its own subtree, and never more of the estimate than it has.
        for (const [id, share] of shares) {
          const t = tasks.find((x) => x.id === id);
          expect(share.tokens).toBeLessThanOrEqual(subtreeOf(tasks, id));
          expect(share.estimate).toBeLessThanOrEqual(t?.estimateTokens ?? 0);
        }
        // Without --by, the estimates add up to the outermost estimated tasks' (with usage), each once,
        // when no task's estimated parts were estimated above the task itself; else to more.
        const used = covered.filter((t) => subtreeOf(tasks, t.id) > 0);
        const outer = used.reduce((n, t) => n + (t.estimateTokens ?? 0), 0);
        const estimated = [...shares.values()].reduce((n, s) => n + s.estimate, 0);
        const consistent = [...shares.keys()].every((id) => {
          const t = tasks.find((x) => x.id === id);
          return (
            nearestParts(tasks, id, shares).reduce((n, p) => n + (p.estimateTokens ?? 0), 0) <=
            (t?.estimateTokens ?? 0)
          );
        });
        if (consistent) expect(estimated).toBe(outer);
        else expect(estimated).toBeGreaterThan(outer);
      }),
      { numRuns: 500 },
    );
  });
});
