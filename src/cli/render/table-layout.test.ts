import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { displayWidth, stripAnsi } from './display-width.js';
import { hiddenColumnsNote } from './hidden-note.js';
import { costCell, nameCell, renderTable, type TableColumn, type TableSpec, tokenCell } from './table.js';
import { layoutTable, tableWidth } from './table-layout.js';
import { cellText } from './table-spec.js';

const PREFIX = '/home/developer/src/github.com/acme-platform';
const TEAMS = ['billing', 'checkout', 'identity', 'inventory'];

/** Projects with long paths, a detail column, token figures and a cost. */
function projects(detailPriority = 0): TableSpec {
  return {
    columns: [
      { header: 'Project', required: true, truncate: 'start' },
      { header: 'Models', priority: detailPriority, truncate: 'end' },
      { header: 'Input', align: 'right', priority: 3 },
      { header: 'Cache Read', align: 'right', priority: 2 },
      { header: 'Total Tokens', align: 'right', required: true },
      { header: 'Cost (USD)', align: 'right', required: true },
    ],
    rows: TEAMS.map((t, i) => ({
      cells: [
        nameCell(`${PREFIX}/${t}-repository/component`, `${t}-repository/component`),
        nameCell('claude-opus-4-5-20251101, claude-haiku-4-5-20251001', 'opus-4-5, haiku-4-5'),
        tokenCell(1_234_567 * (i + 1)),
        tokenCell(98_765_432 * (i + 1)),
        tokenCell(100_000_000 * (i + 1)),
        costCell(1_234.56 * (i + 1)),
      ],
    })),
  };
}

const render = (spec: TableSpec, width: number, more: { compact?: boolean; isTTY?: boolean } = {}) =>
  renderTable(spec, { width, color: false, ...more });

describe('layoutTable: what goes first', () => {
  it('shows a project by its distinguishing tail before it drops or cuts anything', () => {
    const out = render(projects(), 120);
    for (const t of TEAMS) expect(out).toContain(`${t}-repository/component`);
    expect(out).not.toContain(PREFIX);
    expect(out).toContain('1,234,567');
    expect(out).toContain('opus-4-5, haiku-4-5');
    expect(out).not.toContain('Hidden');
  });

  it('drops a detail column before a figure column, whatever their priorities', () => {
    const layout = layoutTable(projects(99), 100);
    expect(layout.hidden).toEqual([1]);
    expect(layout.compact).toBe(false);
  });

  it('abbreviates numbers and cuts names before it drops a figure column', () => {
    const spec = projects();
    const layout = layoutTable(spec, 62);
    expect(layout.hidden).toEqual([1]);
    expect(layout.compact).toBe(true);
    const out = render(spec, 62);
    expect(out).toContain('98.8M');
    // A short name is cut at its end: the start is what tells the projects apart.
    expect(out).toMatch(/│ billing-\S*… │/);
    expect(out).not.toContain('…/component');
  });

  it('drops figure columns last, lowest priority first', () => {
    const layout = layoutTable(projects(), 45);
    expect(layout.hidden).toEqual([1, 3]);
    expect(tableWidth(layout.widths)).toBeLessThanOrEqual(45);
  });

  it('shows numbers in full again when a dropped figure column leaves room for them', () => {
    const spec: TableSpec = {
      columns: [
        { header: 'Day', required: true },
        { header: 'Cache', align: 'right', priority: 0 },
        { header: 'Total', align: 'right', required: true },
      ],
      rows: [{ cells: ['2026-03-02', tokenCell(123_456_789), tokenCell(123_456_789)] }],
    };
    expect(layoutTable(spec, 30)).toMatchObject({ hidden: [1], compact: false });
  });

  it('brings back a detail column once compact numbers made room for it', () => {
    const spec: TableSpec = {
      columns: [
        { header: 'Day', required: true },
        { header: 'Hit', priority: 0 },
        { header: 'Input', align: 'right', required: true },
        { header: 'Total', align: 'right', required: true },
      ],
      rows: [{ cells: ['2026-03-02', '99.3%', tokenCell(123_456_789_012), tokenCell(123_456_789_012)] }],
    };
    // Hit goes first; the numbers still do not fit in full, and abbreviated they leave room for Hit.
    const layout = layoutTable(spec, 45);
    expect(layout).toMatchObject({ visible: [0, 1, 2, 3], compact: true, hidden: [] });
    expect(tableWidth(layout.widths)).toBeLessThanOrEqual(45);
  });

  it('treats a column of abbreviable numbers as figures unless told otherwise', () => {
    const spec: TableSpec = {
      columns: [
        { header: 'Key', required: true },
        { header: 'Note', priority: 5 },
        { header: 'N', align: 'right', priority: 0 },
        { header: 'Plain', align: 'right', priority: 1, figure: true },
      ],
      rows: [{ cells: ['k', 'a long note', tokenCell(12_345), '7'] }],
    };
    expect(layoutTable(spec, 28).hidden).toEqual([1]);
  });
});

describe('the compact layout', () => {
  const spec: TableSpec = {
    ...projects(),
    columns: projects().columns.map((c) => (c.header === 'Cache Read' ? { ...c, hiddenInCompact: true } : c)),
  };

  it('shows short names and abbreviated numbers and leaves out hiddenInCompact columns, even when wide', () => {
    const out = render(spec, 200, { compact: true });
    const table = out.split('\n').slice(0, -1).join('\n');
    expect(table).toContain('opus-4-5, haiku-4-5');
    expect(table).toContain('1.2M');
    expect(table).not.toContain('1,234,567');
    expect(table).not.toContain('Cache');
    expect(out.split('\n').at(-1)).toMatch(
      /^Hidden by --compact: Cache Read\. Run without it \(\d+ columns\)/,
    );
  });

  it('still gives up more when the terminal is narrow', () => {
    const out = render(spec, 50, { compact: true });
    for (const line of out.split('\n')) expect(displayWidth(line)).toBeLessThanOrEqual(50);
    expect(out).toContain('Total');
  });
});

describe('the note under a table that hides columns', () => {
  it('names the hidden columns (headers on one line) and says how to see them', () => {
    const spec = projects();
    const full = tableWidth(layoutTable(spec, 1000).widths);
    expect(render(spec, 45, { isTTY: false }).split('\n').slice(-2)).toEqual([
      'Hidden: Models, Cache Read. Set COLUMNS=187',
      '  to see all.',
    ]);
    expect(full).toBe(187);
    expect(render(spec, 62, { isTTY: true })).toContain(`Widen the terminal to ${full} columns to see all.`);
    expect(render(spec, 1000)).not.toContain('Hidden');
  });

  it('is dim when colour is on', () => {
    expect(renderTable(projects(), { width: 62, color: true })).toContain('\u001b[2mHidden: Models');
    expect(renderTable(projects(), { width: 62, color: false })).toContain('Hidden: Models');
  });

  it.each([
    [
      { isTTY: false, seeAll: '--json or --csv' },
      'Hidden: A, B C. Set COLUMNS=143 to see all, or use --json or --csv.',
    ],
    [{ isTTY: true }, 'Hidden: A, B C. Widen the terminal to 143 columns to see all.'],
    [{}, 'Hidden: A, B C. Use 143 columns (COLUMNS=143) to see all.'],
  ])('%j', (more, text) => {
    expect(
      hiddenColumnsNote({ hidden: ['A', 'B C'], width: 200, fullWidth: 143, compact: false, ...more }),
    ).toEqual([text]);
  });

  it('wraps between words at the width', () => {
    const lines = hiddenColumnsNote({
      hidden: ['Cache Create', 'Cache Read'],
      width: 30,
      fullWidth: 143,
      compact: false,
    });
    for (const l of lines) expect(displayWidth(l)).toBeLessThanOrEqual(30);
    expect(lines.join(' ')).toContain('COLUMNS=143');
  });
});

describe('layoutTable on any table', () => {
  const column = fc.record({
    required: fc.boolean(),
    priority: fc.integer({ min: 0, max: 5 }),
    figure: fc.boolean(),
    long: fc.boolean(),
  });

  it('keeps within the width when it can, and drops no figure while a detail is shown', () => {
    fc.assert(
      fc.property(
        fc.array(column, { minLength: 1, maxLength: 9 }),
        fc.array(fc.nat(2_000_000_000), { minLength: 1, maxLength: 5 }),
        fc.integer({ min: 30, max: 200 }),
        (cols, values, width) => {
          const columns: TableColumn[] = cols.map((c, i) => ({
            header: `Col ${i}`,
            required: i === 0 || (c.required && c.figure),
            priority: c.priority,
            ...(c.figure ? { align: 'right' as const } : { truncate: 'end' as const, minWidth: 6 }),
          }));
          const spec: TableSpec = {
            columns,
            rows: values.map((v) => ({
              cells: cols.map((c, i) =>
                c.figure ? tokenCell(v) : nameCell(`${'x'.repeat(c.long ? 60 : 8)}-${i}`, `x-${i}`),
              ),
            })),
          };
          const layout = layoutTable(spec, width);
          const figure = (i: number) => cols[i]?.figure === true;
          const droppedFigure = layout.hidden.some(figure);
          const shownDetail = layout.visible.some((i) => !figure(i) && columns[i]?.required !== true);
          expect(droppedFigure && shownDetail).toBe(false);
          const requiredFloor = tableWidth(
            columns.flatMap((c, i) =>
              c.required === true
                ? [
                    Math.max(
                      6,
                      ...spec.rows.map((r) => (figure(i) ? cellText(r.cells[i], true).length : 6)),
                      6,
                    ),
                  ]
                : [],
            ),
          );
          const lines = stripAnsi(renderTable(spec, { width, color: false })).split('\n');
          if (requiredFloor <= width)
            for (const l of lines) expect(displayWidth(l)).toBeLessThanOrEqual(width);
        },
      ),
    );
  });
});
