/**
 * Every report table, rendered at 60, 80 and 120 columns from hard-to-fit rows (eight ~76-character
 * project paths that differ only near the end, long branch names, four models, counts in the
 * billions): no line wider than the terminal, token columns present, every figure whole on its row,
 * projects told apart, and a note whenever columns are hidden.
 */
import { describe, expect, it } from 'vitest';
import type { UsageRow, UsageTable } from '../../src/analysis/usage-table.js';
import { dimensionLabels } from '../../src/cli/commands/report.js';
import { SESSION_LABELS } from '../../src/cli/commands/session.js';
import { type SummaryWindow, windowLines } from '../../src/cli/commands/summary-lines.js';
import { displayWidth } from '../../src/cli/render/display-width.js';
import { taskBreakdownTable, taskListTable, varianceTable } from '../../src/cli/task-tables.js';
import { type LabelColumn, renderUsageTable } from '../../src/cli/usage-output.js';
import type { UsageSums } from '../../src/ledger/usage-sums.js';
import { formatCompact, formatInt } from '../../src/util/format.js';
import { totalTokens } from '../../src/util/token-counts.js';
import { WIDE_BRANCHES, WIDE_DAYS, WIDE_MODELS, WIDE_PROJECTS } from '../helpers/wide-fixtures.js';

const WIDTHS = [60, 80, 120] as const;

function sums(scale: number): UsageSums {
  return {
    input: 4_321 * scale,
    output: 12_345 * scale,
    cacheWrite: 456_789 * scale,
    cacheWrite1h: 0,
    cacheRead: 98_765_432 * scale,
    webSearch: 0,
    reportedCost: 0,
    reportedRows: 0,
    responses: scale,
    lowerBound: 0,
  };
}

function add(a: UsageSums, b: UsageSums): UsageSums {
  const out = { ...a };
  for (const k of Object.keys(out) as (keyof UsageSums)[]) out[k] += b[k];
  return out;
}

function row(label: Record<string, string>, scale: number): UsageRow {
  const models = WIDE_MODELS.map((model, i) => ({
    model,
    sums: sums(scale * (i + 1)),
    cost: 123.45 * scale * (i + 1),
    unpricedTokens: 0,
  }));
  return {
    label,
    sums: models.map((m) => m.sums).reduce(add),
    cost: models.reduce((n, m) => n + (m.cost ?? 0), 0),
    unpriced: [],
    unpricedParts: [],
    models,
    firstTs: Date.UTC(2026, 2, 2, 9),
    lastTs: Date.UTC(2026, 2, 4, 18),
  };
}

function table(labels: Record<string, string>[]): UsageTable {
  const rows = labels.map((l, i) => row(l, i + 1));
  const totals = row({}, 0);
  totals.sums = rows.map((r) => r.sums).reduce(add);
  totals.cost = rows.reduce((n, r) => n + r.cost, 0);
  return { rows, totals };
}

const byProjectBranch = WIDE_PROJECTS.flatMap((project) =>
  WIDE_BRANCHES.map((branch) => ({ project, branch })),
);

const CASES: {
  name: string;
  labels: readonly LabelColumn[];
  rows: Record<string, string>[];
  breakdown: boolean;
}[] = [
  {
    name: 'daily',
    labels: [{ key: 'date', header: 'Date' }],
    rows: WIDE_DAYS.map((date) => ({ date })),
    breakdown: false,
  },
  {
    name: 'daily -b',
    labels: [{ key: 'date', header: 'Date' }],
    rows: WIDE_DAYS.map((date) => ({ date })),
    breakdown: true,
  },
  {
    name: 'weekly',
    labels: [{ key: 'week', header: 'Week' }],
    rows: [{ week: '2026-03-01' }],
    breakdown: false,
  },
  {
    name: 'monthly -b',
    labels: [{ key: 'month', header: 'Month' }],
    rows: [{ month: '2026-03' }, { month: '2026-04' }],
    breakdown: true,
  },
  {
    name: 'session',
    labels: SESSION_LABELS,
    rows: WIDE_PROJECTS.map((project, i) => ({
      session: `${(0x1f2e3d4c + i * 0x01010101).toString(16)}-77b0-4c1e-9d1f-0a6b2c3d4e5f`,
      project,
      first: '2026-03-02',
      last: '2026-03-04',
    })),
    breakdown: false,
  },
  {
    name: 'report --by project,branch',
    labels: dimensionLabels(['project', 'branch']),
    rows: byProjectBranch,
    breakdown: false,
  },
  {
    name: 'report --by project,branch -b',
    labels: dimensionLabels(['project', 'branch']),
    rows: byProjectBranch,
    breakdown: true,
  },
  {
    name: 'report --by day,project,model',
    labels: dimensionLabels(['day', 'project', 'model']),
    rows: WIDE_PROJECTS.flatMap((project) =>
      WIDE_MODELS.map((model) => ({ day: '2026-03-02', project, model })),
    ),
    breakdown: false,
  },
];

/** The table's lines, without the note under it. */
function tableLines(out: string): string[] {
  return out.split('\n').filter((l) => /^[│┌├└]/.test(l));
}

/** The table's column headers, each joined onto one line. */
function headers(out: string): string[] {
  const lines = tableLines(out);
  const end = lines.findIndex((l, i) => i > 0 && l.startsWith('├'));
  const rows = lines.slice(1, end).map((l) => l.split('│').slice(1, -1));
  return (rows[0] ?? []).map((_, i) =>
    rows
      .map((r) => r[i]?.trim() ?? '')
      .filter((t) => t !== '')
      .join(' '),
  );
}

/** A figure, whole, in a cell of `line`. */
function hasCell(line: string, texts: string[]): boolean {
  return line.split('│').some((cell) => texts.includes(cell.trim()));
}

describe.each(WIDTHS)('usage tables at %i columns', (width) => {
  it.each(CASES)('$name', ({ labels, rows, breakdown }) => {
    const t = table(rows);
    const out = renderUsageTable({ labels, table: t, breakdown }, { width, color: false, isTTY: false });
    for (const line of out.split('\n')) expect(displayWidth(line), line).toBeLessThanOrEqual(width);
    const shown = headers(out);
    expect(shown).toContain('Total Tokens');
    if (width >= 80 || labels.length === 1)
      expect(shown).toEqual(expect.arrayContaining(['Input', 'Output']));
    const body = tableLines(out).filter((l) => l.startsWith('│'));
    const mainRows = body.filter((l) => !l.startsWith('│   └─'));
    // Header lines, then one line per row, then the totals.
    const dataRows = mainRows.slice(-t.rows.length - 1, -1);
    expect(dataRows).toHaveLength(t.rows.length);
    for (const [i, r] of t.rows.entries()) {
      const total = totalTokens(r.sums);
      expect(hasCell(dataRows[i] ?? '', [formatInt(total), formatCompact(total)]), dataRows[i]).toBe(true);
      expect(dataRows[i]).toMatch(/\$[\d,]+(\.\d\d)?/);
    }
    const all = [
      ...labels.map((l) => l.header),
      ...(breakdown || labels.some((l) => l.key === 'model') ? [] : ['Models']),
      ...['Input', 'Output', 'Cache Create', 'Cache Read', 'Total Tokens', 'Cache Hit', 'Cost (USD)'],
    ];
    const hidden = all.filter((h) => !shown.includes(h));
    const note = out
      .split('\n')
      .filter((l) => !/^[│┌├└]/.test(l))
      .join(' ')
      .replace(/ +/g, ' ');
    if (hidden.length === 0) expect(note).toBe('');
    else
      expect(note).toMatch(
        new RegExp(
          `^Hidden: ${hidden.join(', ').replace(/[()]/g, '\\$&')}\\. Set COLUMNS=\\d+ to see all, or use --json or --csv\\.$`,
        ),
      );
  });

  it('tells the eight projects apart, never by a cut that makes them look the same', () => {
    const t = table(WIDE_PROJECTS.map((project) => ({ project })));
    const out = renderUsageTable(
      { labels: dimensionLabels(['project']), table: t, breakdown: false },
      { width, color: false },
    );
    const lines = tableLines(out);
    const body = lines.slice(
      lines.findIndex((l) => l.startsWith('├')) + 1,
      lines.findLastIndex((l) => l.startsWith('├')),
    );
    const names = body.map((l) => l.split('│')[1]?.trim() ?? '');
    expect(names).toHaveLength(8);
    expect(new Set(names).size).toBe(8);
    for (const n of names) expect(n).not.toMatch(/^…/);
  });
});

describe.each(WIDTHS)('task tables and the summary at %i columns', (width) => {
  const target = { width, color: false, isTTY: false };
  const ids = WIDE_PROJECTS.map((_, i) => `SETTLE-${1000 + i}-rework-the-settlement-batch-scheduler`);
  const usage = row({}, 40);

  const within = (out: string) => {
    for (const line of out.split('\n')) expect(displayWidth(line), line).toBeLessThanOrEqual(width);
  };
  const tokensWhole = (out: string) =>
    expect(
      out
        .split('\n')
        .some((l) =>
          hasCell(l, [formatInt(totalTokens(usage.sums)), formatCompact(totalTokens(usage.sums))]),
        ),
    ).toBe(true);

  it('task list', () => {
    const out = taskListTable(
      ids.map((id, i) => ({
        id,
        active: i === 0,
        title: 'Rework the settlement batch scheduler so it never double-books a payout',
        parentId: 'PLAN-2026-Q1-settlement-and-payout-platform-rework',
        total: usage,
        estimateTokens: 2_000_000,
        estimateUsd: 25,
        ratio: '1234.5×',
        overrun: true,
      })),
      target,
    );
    within(out);
    tokensWhole(out);
    expect(headers(out)).toContain('Total Tokens');
    expect(out).toContain('● SETTLE-');
    expect(out).toContain('⚠ overrun');
  });

  it('task show', () => {
    const out = taskBreakdownTable(
      {
        byStage: [row({ stage: 'implementation' }, 40)],
        byAgent: [row({ agent: 'general-purpose-agent-with-a-long-name' }, 40)],
        byModel: WIDE_MODELS.map((model) => row({ model }, 40)),
        children: ids.map((id) => ({ id, total: usage })),
      },
      target,
    );
    within(out ?? '');
    tokensWhole(out ?? '');
    // Model names shorten before they are cut.
    expect(out).toContain(width < 120 ? 'sonnet-4-5 ' : 'claude-sonnet-4-5-20250929');
  });

  it('variance', () => {
    const out = varianceTable(
      ids.map((id) => ({
        id,
        group: 'tooling-and-infrastructure',
        estimateTokens: 2_000_000,
        estimateUsd: 25,
        tokens: totalTokens(usage.sums),
        usd: usage.cost,
        change: '+123634%',
        overrun: true,
      })),
      true,
      target,
    );
    within(out);
    tokensWhole(out);
  });

  it('the bare summary', () => {
    const w: SummaryWindow = { label: 'Today, 2026-03-04', row: row({}, 400), sessions: 8 };
    const lines = windowLines(w, { width, color: false, timezone: 'America/Argentina/Buenos_Aires' });
    for (const l of lines) expect(displayWidth(l), l).toBeLessThanOrEqual(width);
    const text = lines.join('\n');
    // Every figure on one line: the total, the cost, each model's tokens and cost.
    expect(text).toContain(formatInt(totalTokens(w.row.sums)));
    expect(text).toMatch(/\$[\d,]+\.\d\d/);
    for (const m of w.row.models)
      expect(text).toMatch(
        new RegExp(`(${formatInt(totalTokens(m.sums))}|${formatCompact(totalTokens(m.sums))}) tokens`),
      );
  });
});
