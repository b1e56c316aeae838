import pc from 'picocolors';
import { describe, expect, it } from 'vitest';
import { formatCost, formatPercent } from '../../util/format.js';
import { displayWidth, stripAnsi } from './display-width.js';
import { renderTable, type TableColumn, type TableSpec, tokenCell } from './table.js';

const COLUMNS: TableColumn[] = [
  { header: 'Date', required: true },
  { header: 'Input', align: 'right', priority: 4 },
  { header: 'Output', align: 'right', priority: 5 },
  { header: 'Cache Create', align: 'right', priority: 2 },
  { header: 'Cache Read', align: 'right', priority: 3 },
  { header: 'Total Tokens', align: 'right', required: true },
  { header: 'Cache Hit %', align: 'right', priority: 1 },
  { header: 'Cost (USD)', align: 'right', required: true },
  { header: 'Models', priority: 0, truncate: 'end', minWidth: 6 },
];

interface Day {
  label: string;
  input: number;
  output: number;
  cacheCreate: number;
  cacheRead: number;
  cost: number | null;
  models: string;
}

function cells(d: Day) {
  const total = d.input + d.output + d.cacheCreate + d.cacheRead;
  return [
    d.label,
    tokenCell(d.input),
    tokenCell(d.output),
    tokenCell(d.cacheCreate),
    tokenCell(d.cacheRead),
    tokenCell(total),
    formatPercent(d.cacheRead / (d.input + d.cacheCreate + d.cacheRead)),
    formatCost(d.cost),
    d.models,
  ];
}

const DAY1: Day = {
  label: '2026-01-02',
  input: 12_345,
  output: 67_890,
  cacheCreate: 1_234_567,
  cacheRead: 98_765_432,
  cost: 48.1234,
  models: 'opus-4-1, sonnet-4-5',
};
const DAY1_OPUS: Day = {
  ...DAY1,
  label: 'opus-4-1',
  input: 345,
  output: 7_890,
  cacheRead: 8_765_432,
  cost: 30.5,
  models: '',
};
const DAY2: Day = {
  label: '2026-01-03',
  input: 845,
  output: 3_210,
  cacheCreate: 0,
  cacheRead: 0,
  cost: null,
  models: 'mystery-model',
};

const SPEC: TableSpec = {
  columns: COLUMNS,
  rows: [{ cells: cells(DAY1) }, { cells: cells(DAY1_OPUS), sub: true }, { cells: cells(DAY2) }],
  footer: cells({ ...DAY1, label: 'Total', input: 13_190, output: 71_100, cost: 48.1234, models: '' }),
};

describe('renderTable', () => {
  it('draws every column at a wide terminal', () => {
    expect(renderTable(SPEC, { width: 160, color: false })).toMatchInlineSnapshot(`
      "┌───────────────┬────────┬────────┬──────────────┬────────────┬──────────────┬─────────────┬────────────┬──────────────────────┐
      │ Date          │  Input │ Output │ Cache Create │ Cache Read │ Total Tokens │ Cache Hit % │ Cost (USD) │ Models               │
      ├───────────────┼────────┼────────┼──────────────┼────────────┼──────────────┼─────────────┼────────────┼──────────────────────┤
      │ 2026-01-02    │ 12,345 │ 67,890 │    1,234,567 │ 98,765,432 │  100,080,234 │       98.8% │     $48.12 │ opus-4-1, sonnet-4-5 │
      │   └─ opus-4-1 │    345 │  7,890 │    1,234,567 │  8,765,432 │   10,008,234 │       87.7% │     $30.50 │                      │
      │ 2026-01-03    │    845 │  3,210 │            0 │          0 │        4,055 │        0.0% │   unpriced │ mystery-model        │
      ├───────────────┼────────┼────────┼──────────────┼────────────┼──────────────┼─────────────┼────────────┼──────────────────────┤
      │ Total         │ 13,190 │ 71,100 │    1,234,567 │ 98,765,432 │  100,084,289 │       98.8% │     $48.12 │                      │
      └───────────────┴────────┴────────┴──────────────┴────────────┴──────────────┴─────────────┴────────────┴──────────────────────┘"
    `);
  });

  it('wraps headers and drops the lowest-priority columns at 100 columns', () => {
    expect(renderTable(SPEC, { width: 100, color: false })).toMatchInlineSnapshot(`
      "┌───────────────┬────────┬────────┬───────────┬────────────┬─────────────┬───────┬──────────┐
      │ Date          │  Input │ Output │     Cache │      Cache │       Total │ Cache │     Cost │
      │               │        │        │    Create │       Read │      Tokens │ Hit % │    (USD) │
      ├───────────────┼────────┼────────┼───────────┼────────────┼─────────────┼───────┼──────────┤
      │ 2026-01-02    │ 12,345 │ 67,890 │ 1,234,567 │ 98,765,432 │ 100,080,234 │ 98.8% │   $48.12 │
      │   └─ opus-4-1 │    345 │  7,890 │ 1,234,567 │  8,765,432 │  10,008,234 │ 87.7% │   $30.50 │
      │ 2026-01-03    │    845 │  3,210 │         0 │          0 │       4,055 │  0.0% │ unpriced │
      ├───────────────┼────────┼────────┼───────────┼────────────┼─────────────┼───────┼──────────┤
      │ Total         │ 13,190 │ 71,100 │ 1,234,567 │ 98,765,432 │ 100,084,289 │ 98.8% │   $48.12 │
      └───────────────┴────────┴────────┴───────────┴────────────┴─────────────┴───────┴──────────┘
      Hidden: Models. Use 128 columns (COLUMNS=128) to see all."
    `);
  });

  it('keeps the required columns in compact form at 60 columns', () => {
    expect(renderTable(SPEC, { width: 60, color: false })).toMatchInlineSnapshot(`
      "┌───────────────┬────────┬────────┬─────────────┬──────────┐
      │ Date          │  Input │ Output │       Total │     Cost │
      │               │        │        │      Tokens │    (USD) │
      ├───────────────┼────────┼────────┼─────────────┼──────────┤
      │ 2026-01-02    │ 12,345 │ 67,890 │ 100,080,234 │   $48.12 │
      │   └─ opus-4-1 │    345 │  7,890 │  10,008,234 │   $30.50 │
      │ 2026-01-03    │    845 │  3,210 │       4,055 │ unpriced │
      ├───────────────┼────────┼────────┼─────────────┼──────────┤
      │ Total         │ 13,190 │ 71,100 │ 100,084,289 │   $48.12 │
      └───────────────┴────────┴────────┴─────────────┴──────────┘
      Hidden: Cache Create, Cache Read, Cache Hit %, Models. Use
        128 columns (COLUMNS=128) to see all."
    `);
  });
});

describe('renderTable at widths that force compact numbers and truncation', () => {
  it('switches numbers to compact form when only required columns are left and still too wide', () => {
    expect(renderTable(SPEC, { width: 40, color: false })).toMatchInlineSnapshot(`
      "┌───────────────┬────────┬──────────┐
      │ Date          │  Total │     Cost │
      │               │ Tokens │    (USD) │
      ├───────────────┼────────┼──────────┤
      │ 2026-01-02    │ 100.1M │   $48.12 │
      │   └─ opus-4-1 │  10.0M │   $30.50 │
      │ 2026-01-03    │   4.1K │ unpriced │
      ├───────────────┼────────┼──────────┤
      │ Total         │ 100.1M │   $48.12 │
      └───────────────┴────────┴──────────┘
      Hidden: Input, Output, Cache Create,
        Cache Read, Cache Hit %, Models. Use
        128 columns (COLUMNS=128) to see all."
    `);
  });

  it.each([160, 100, 60, 40])('keeps every line within %i columns', (width) => {
    const lines = renderTable(SPEC, { width, color: false }).split('\n');
    expect(Math.max(...lines.map(displayWidth))).toBeLessThanOrEqual(width);
  });
});

const PROJECTS: TableSpec = {
  columns: [
    { header: 'Project', required: true, truncate: 'start', minWidth: 8 },
    { header: 'Total Tokens', align: 'right', required: true },
    { header: 'Cost (USD)', align: 'right', required: true },
  ],
  rows: [
    { cells: ['~/src/café-menu', tokenCell(1_234), '$1.20'] },
    { cells: ['~/src/cafe\u0301-decomposed', tokenCell(99), '$0.0042'] },
    { cells: ['~/仕事/日本語プロジェクト', tokenCell(5_000_000), '$12.00'] },
    { cells: ['~/fun/🚀-launch', tokenCell(7), '$0.10'] },
  ],
  footer: ['Total', tokenCell(5_001_340), '$13.30'],
};

describe('renderTable with non-ASCII text', () => {
  it('lines up accents, CJK and emoji', () => {
    expect(renderTable(PROJECTS, { width: 80, color: false })).toMatchInlineSnapshot(`
      "┌───────────────────────────┬──────────────┬────────────┐
      │ Project                   │ Total Tokens │ Cost (USD) │
      ├───────────────────────────┼──────────────┼────────────┤
      │ ~/src/café-menu           │        1,234 │      $1.20 │
      │ ~/src/café-decomposed     │           99 │    $0.0042 │
      │ ~/仕事/日本語プロジェクト │    5,000,000 │     $12.00 │
      │ ~/fun/🚀-launch           │            7 │      $0.10 │
      ├───────────────────────────┼──────────────┼────────────┤
      │ Total                     │    5,001,340 │     $13.30 │
      └───────────────────────────┴──────────────┴────────────┘"
    `);
  });

  it('cuts long paths from the start when narrow', () => {
    expect(renderTable(PROJECTS, { width: 40, color: false })).toMatchInlineSnapshot(`
      "┌───────────────────┬────────┬─────────┐
      │ Project           │  Total │    Cost │
      │                   │ Tokens │   (USD) │
      ├───────────────────┼────────┼─────────┤
      │ ~/src/café-menu   │   1.2K │   $1.20 │
      │ …/café-decomposed │     99 │ $0.0042 │
      │ …本語プロジェクト │   5.0M │  $12.00 │
      │ ~/fun/🚀-launch   │      7 │   $0.10 │
      ├───────────────────┼────────┼─────────┤
      │ Total             │   5.0M │  $13.30 │
      └───────────────────┴────────┴─────────┘"
    `);
  });

  it.each([80, 40, 36])('draws every line of the table at the same width at %i columns', (width) => {
    const widths = new Set(renderTable(PROJECTS, { width, color: false }).split('\n').map(displayWidth));
    expect([...widths]).toHaveLength(1);
  });
});

describe('renderTable colour', () => {
  it.each([
    { color: true, hasAnsi: true },
    { color: false, hasAnsi: false },
  ])('color: $color → ANSI escapes: $hasAnsi', ({ color, hasAnsi }) => {
    expect(renderTable(SPEC, { width: 160, color }).includes('\u001b[')).toBe(hasAnsi);
  });

  const ansi = pc.createColors(true);

  it.each([
    ['header bold cyan', ansi.bold(ansi.cyan('Date'))],
    ['footer bold yellow', ansi.bold(ansi.yellow('Total'))],
    ['sub-row dim', ansi.dim('$30.50')],
  ])('styles the %s', (_, styled) => {
    expect(renderTable(SPEC, { width: 160, color: true })).toContain(styled);
  });

  it('lays out the same with and without colour', () => {
    const plain = renderTable(SPEC, { width: 100, color: false });
    expect(stripAnsi(renderTable(SPEC, { width: 100, color: true }))).toBe(plain);
  });
});

describe('renderTable layout rules', () => {
  const spec = (columns: TableColumn[], cellsPerRow: string[][]): TableSpec => ({
    columns,
    rows: cellsPerRow.map((c) => ({ cells: c })),
  });

  it('drops the rightmost of equal-priority columns first', () => {
    const columns = [{ header: 'Key', required: true }, { header: 'Aaaaaa' }, { header: 'Bbbbbb' }];
    expect(renderTable(spec(columns, [['k', 'a', 'b']]), { width: 20, color: false })).toMatchInlineSnapshot(`
      "┌─────┬────────┐
      │ Key │ Aaaaaa │
      ├─────┼────────┤
      │ k   │ a      │
      └─────┴────────┘
      Hidden: Bbbbbb. Use
        25 columns
        (COLUMNS=25) to
        see all."
    `);
  });

  it('draws multi-line cells and fills missing cells with blanks', () => {
    const columns = [
      { header: 'Date', required: true },
      { header: 'Models' },
      { header: 'Cost', align: 'right' as const },
    ];
    expect(
      renderTable(spec(columns, [['2026-01-02', '- opus-4-1\n- sonnet-4-5', '$1.00'], ['2026-01-03']]), {
        width: 80,
        color: false,
      }),
    ).toMatchInlineSnapshot(`
      "┌────────────┬──────────────┬───────┐
      │ Date       │ Models       │  Cost │
      ├────────────┼──────────────┼───────┤
      │ 2026-01-02 │ - opus-4-1   │ $1.00 │
      │            │ - sonnet-4-5 │       │
      │ 2026-01-03 │              │       │
      └────────────┴──────────────┴───────┘"
    `);
  });

  it('keeps the sub-row marker when it cuts a sub-row', () => {
    const columns: TableColumn[] = [
      { header: 'Project', required: true, truncate: 'start', minWidth: 12 },
      { header: 'Cost', align: 'right', required: true },
    ];
    const table: TableSpec = {
      columns,
      rows: [
        { cells: ['~/work/tokenledger', '$2.00'] },
        { cells: ['claude-sonnet-4-5-20250929', '$1.50'], sub: true },
      ],
    };
    expect(renderTable(table, { width: 28, color: false })).toMatchInlineSnapshot(`
      "┌──────────────────┬───────┐
      │ Project          │  Cost │
      ├──────────────────┼───────┤
      │ …ork/tokenledger │ $2.00 │
      │   └─ …5-20250929 │ $1.50 │
      └──────────────────┴───────┘"
    `);
  });

  it('pads a column up to its minWidth', () => {
    const columns = [{ header: 'N', align: 'right' as const, minWidth: 6 }];
    expect(renderTable(spec(columns, [['1']]), { width: 80, color: false })).toMatchInlineSnapshot(`
      "┌────────┐
      │      N │
      ├────────┤
      │      1 │
      └────────┘"
    `);
  });

  it('overflows rather than dropping required columns that cannot shrink', () => {
    const columns = [
      { header: 'Long required header', required: true },
      { header: 'Another required one', required: true },
    ];
    const lines = renderTable(spec(columns, [['x', 'y']]), { width: 20, color: false }).split('\n');
    expect([...new Set(lines.map(displayWidth))]).toEqual([23]);
  });
});
