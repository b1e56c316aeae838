/**
 * The dashboard in real headless Chromium, on the demo ledger: every view's charts draw, its figures
 * equal the CLI's `--json` for the same filters (the Tasks view's too), a task opens its drill-down,
 * filters survive a reload, new usage appears live while the page stays open; screenshots of every view in both themes
 * at 1280×800 and 390×844 (test-artifacts/dashboard/).
 */
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { respond } from '../helpers/transcript-writer.js';
import {
  expectChart,
  expectSameRows,
  type Fixture,
  LIVE_PROJECT,
  openFixture,
  openPage,
  shotPath,
  tableRows,
  type UsageJsonRow,
} from './dashboard-page.js';

let f: Fixture;
/** The start of the date range the tests filter on: 14 days ago (the demo spans 35 days up to today). */
let since: string;

beforeAll(async () => {
  f = await openFixture('tl-dash-browser-');
  since = new Date(Date.now() - 14 * 86_400_000).toISOString().slice(0, 10);
});
afterAll(async () => {
  await f?.close();
});

describe('dashboard in Chromium', () => {
  it('Overview: charts draw, and its figures are daily --breakdown and blocks --active', async () => {
    const { context, page, errors } = await openPage(f, { search: `?since=${since}` });
    await expectChart(page, 'chart-day-model');
    await expectChart(page, 'chart-cache');
    const breakdown = f.cli<{
      daily: { date: string; modelBreakdowns: Record<string, string | number | null>[] }[];
      totals: UsageJsonRow;
    }>(['daily', '--breakdown', '--since', since]);
    // A row per day and model, in the CLI's order, with the CLI's figures.
    const perModel = breakdown.daily.flatMap((d) =>
      d.modelBreakdowns.map((m): Record<string, string | number | null> => ({ ...m, day: d.date })),
    );
    const shown = await tableRows(page, 'table-day-model');
    expect(perModel.length).toBeGreaterThan(0);
    expect(shown).toEqual(
      perModel.map((m) => ({
        day: String(m.day),
        model: String(m.modelName),
        ...Object.fromEntries(
          ['inputTokens', 'outputTokens', 'cacheCreationTokens', 'cacheReadTokens', 'responses', 'cost'].map(
            (k) => [k, m[k] === null ? '' : String(m[k])],
          ),
        ),
      })),
    );
    const totals = page.locator('.total strong');
    expect(await totals.nth(0).getAttribute('data-value')).toBe(String(breakdown.totals.totalCost));
    expect(await totals.nth(1).getAttribute('data-value')).toBe(String(breakdown.totals.totalTokens));
    const daily = f.cli<{ daily: UsageJsonRow[] }>(['daily', '--since', since]);
    expectSameRows(await tableRows(page, 'table-daily'), daily.daily, ['date']);
    expect(daily.daily.every((r) => String(r.date) >= since)).toBe(true);
    const blocks = f.cli<{ blocks: { totalTokens: number; costUSD: number }[] }>(['blocks', '--active']);
    expect(blocks.blocks).toHaveLength(1);
    const block = page.locator('#current-block dd');
    expect(await block.nth(0).getAttribute('data-value')).toBe(String(blocks.blocks[0]?.totalTokens));
    expect(await block.nth(1).getAttribute('data-value')).toBe(String(blocks.blocks[0]?.costUSD));
    // The tokens metric redraws the same chart from the same rows.
    await page.selectOption('select', 'tokens');
    await page.waitForURL(/metric=tokens/);
    await expectChart(page, 'chart-day-model');
    expect(errors).toEqual([]);
    await context.close();
  });

  it('Overview: its charts are drawn in the same update as its tables, not a frame after them', async () => {
    const { context, page, errors } = await openPage(f);
    // Before the Overview loads: note, when the last table first has rows, whether the chart is drawn.
    await context.addInitScript(() => {
      new MutationObserver((_, observer) => {
        if (document.querySelector('#table-daily tbody tr') === null) return;
        window.chartWithTables =
          document.querySelector('[data-chart="chart-day-model"][data-rendered]') !== null;
        observer.disconnect();
      }).observe(document, { childList: true, subtree: true });
    });
    await page.reload();
    await page.locator('[data-chart="chart-day-model"][data-rendered]').waitFor();
    expect(await page.evaluate(() => window.chartWithTables)).toBe(true);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('Tasks: the tree is task list, a click opens the drill-down, which is task show', async () => {
    const { context, page, errors } = await openPage(f, { search: '?view=tasks' });
    await page.locator('#table-tasks').waitFor();
    const list = f.cli<{
      tasks: {
        id: string;
        actualTokens: number;
        actualUsd: number;
        parent: string | null;
        variance: { overrun: boolean };
      }[];
    }>(['task', 'list']);
    const shown = await tableRows(page, 'table-tasks');
    expect(shown).toHaveLength(list.tasks.length);
    for (const t of list.tasks) {
      const row = shown.find((r) => r.id === t.id);
      expect(row, t.id).toBeDefined();
      expect(Number(row?.actualTokens)).toBe(t.actualTokens);
      expect(Number(row?.actualUsd)).toBe(t.actualUsd);
      expect(row?.overrun).toBe(t.variance.overrun ? 'Overrun' : '');
    }
    expect(list.tasks.some((t) => t.variance.overrun)).toBe(true);
    const plan = list.tasks.find((t) => t.parent === null && list.tasks.some((c) => c.parent === t.id));
    expect(plan).toBeDefined();
    const id = plan?.id ?? '';
    await page.click(`#table-tasks button[data-task="${id}"]`);
    await page.waitForURL(new RegExp(`task=${id}`));
    await page.locator(`#task-detail[data-task="${id}"]`).waitFor();
    await expectChart(page, 'chart-task-tokens');
    await expectChart(page, 'chart-task-requests');
    await expectChart(page, 'chart-task-cache');
    const show = f.cli<{
      byStage: UsageJsonRow[];
      byAgent: UsageJsonRow[];
      byModel: UsageJsonRow[];
      totals: UsageJsonRow;
    }>(['task', 'show', id]);
    expectSameRows(await tableRows(page, 'table-task-stage'), show.byStage, ['stage']);
    expectSameRows(await tableRows(page, 'table-task-agent'), show.byAgent, ['agent']);
    expectSameRows(await tableRows(page, 'table-task-model'), show.byModel, ['model']);
    // The timeline's rows add up to the task's totals.
    const timeline = await tableRows(page, 'table-task-timeline');
    expect(timeline.reduce((n, r) => n + Number(r.totalTokens), 0)).toBe(show.totals.totalTokens);
    // Its requests, one by one, are all of its API calls (it has no declared telemetry). There are
    // more than a table shows at first: the first 100, and the rest on "Show all".
    expect(show.totals.responses).toBeGreaterThan(100);
    expect(await page.locator('#table-task-requests tbody tr').count()).toBe(100);
    expect(await page.locator('[data-more="table-task-requests"]').textContent()).toContain(
      `The first 100 of ${show.totals.responses.toLocaleString('en-US')} rows`,
    );
    // Its CSV has every row, shown or not.
    const [csv] = await Promise.all([
      page.waitForEvent('download'),
      page.click('.table-wrap:has(#table-task-requests) .table-head button'),
    ]);
    const lines = fs
      .readFileSync(await csv.path(), 'utf8')
      .trimEnd()
      .split('\r\n');
    expect(lines).toHaveLength(show.totals.responses + 1);
    const requests = await tableRows(page, 'table-task-requests');
    expect(requests).toHaveLength(show.totals.responses);
    expect(requests.reduce((n, r) => n + Number(r.totalTokens), 0)).toBe(show.totals.totalTokens);
    expect(requests.reduce((n, r) => n + Number(r.cacheReadTokens), 0)).toBe(show.totals.cacheReadTokens);
    // Back to the tree, by the browser's back button too.
    await page.goBack();
    await page.locator('#table-tasks').waitFor();
    // By keyboard: a task's button takes the focus and Enter opens it.
    const child = list.tasks.find((t) => t.parent === id)?.id ?? '';
    await page.focus(`#table-tasks button[data-task="${child}"]`);
    await page.keyboard.press('Enter');
    await page.locator(`#task-detail[data-task="${child}"]`).waitFor();
    expect(errors).toEqual([]);
    await context.close();
  });

  it('Tasks with a date range and a project: the tree is task list with them, kept in the URL through a reload', async () => {
    // A project where the plan's tasks have usage in the range.
    const byProject = f.cli<{ rows: { project: string; task: string; totalTokens: number }[] }>([
      'report',
      '--by',
      'project,task',
      '--since',
      since,
    ]);
    const project = byProject.rows.find((r) => r.task.startsWith('BILL-'))?.project ?? '';
    expect(project).not.toBe('');
    const { context, page, errors } = await openPage(f, { search: '?view=tasks' });
    await page.locator('#table-tasks').waitFor();
    const before = await tableRows(page, 'table-tasks');
    await page.fill('input[name="since"]', since);
    await page.dispatchEvent('input[name="since"]', 'change');
    await page.fill('input[name="project"]', project);
    await page.dispatchEvent('input[name="project"]', 'change');
    await page.waitForURL(
      (u) => u.searchParams.get('since') === since && u.searchParams.get('project') === project,
    );
    await page.locator('#table-tasks th', { hasText: 'Actual in filters (tokens)' }).waitFor();
    type Listed = {
      id: string;
      actualTokens: number;
      actualUsd: number;
      variance: { overrun: boolean };
    };
    const list = f.cli<{ tasks: Listed[] }>(['task', 'list', '--since', since, '--project', project]);
    const check = async () => {
      const shown = await tableRows(page, 'table-tasks');
      expect(shown.map((r) => r.id).sort()).toEqual(list.tasks.map((t) => t.id).sort());
      for (const t of list.tasks) {
        const row = shown.find((r) => r.id === t.id);
        expect(Number(row?.actualTokens), t.id).toBe(t.actualTokens);
        expect(Number(row?.actualUsd), t.id).toBe(t.actualUsd);
        expect(row?.overrun).toBe(t.variance.overrun ? 'Overrun' : '');
      }
    };
    await check();
    // The filters count less than everything: some task's figure changed.
    expect(
      list.tasks.some((t) => Number(before.find((r) => r.id === t.id)?.actualTokens) !== t.actualTokens),
    ).toBe(true);
    await page.reload();
    await page.locator('#table-tasks th', { hasText: 'Actual in filters (tokens)' }).waitFor();
    expect(await page.inputValue('input[name="since"]')).toBe(since);
    expect(await page.inputValue('input[name="project"]')).toBe(project);
    await check();
    // The drill-down keeps them: it is task show with the same filters.
    const id = list.tasks.find((t) => t.id.startsWith('BILL-') && t.actualTokens > 0)?.id ?? '';
    await page.click(`#table-tasks button[data-task="${id}"]`);
    await page.locator(`#task-detail[data-task="${id}"]`).waitFor();
    expect(new URL(page.url()).searchParams.get('project')).toBe(project);
    const show = f.cli<{ byModel: UsageJsonRow[]; totals: UsageJsonRow }>([
      'task',
      'show',
      id,
      '--since',
      since,
      '--project',
      project,
    ]);
    expectSameRows(await tableRows(page, 'table-task-model'), show.byModel, ['model']);
    expect(await page.locator('#task-detail dd[data-value]').first().getAttribute('data-value')).toBe(
      String(show.totals.totalTokens),
    );
    const requests = await tableRows(page, 'table-task-requests');
    expect(requests).toHaveLength(show.totals.responses);
    const timeline = await tableRows(page, 'table-task-timeline');
    expect(timeline.every((r) => String(r.day) >= since)).toBe(true);
    expect(timeline.reduce((n, r) => n + Number(r.totalTokens), 0)).toBe(show.totals.totalTokens);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('Breakdowns: each dimension is report --by DIM, its chart draws; arrow keys move between tabs', async () => {
    const { context, page, errors } = await openPage(f, { search: `?view=breakdowns&since=${since}` });
    await page.locator('[role="tab"]').first().waitFor();
    const dims = await page.locator('[role="tab"]').evaluateAll((tabs) => tabs.map((t) => t.id.slice(4)));
    const all = [
      'stage',
      'agent',
      'model',
      'project',
      'branch',
      'machine',
      'tool',
      'skill',
      'mcp-server',
      'file',
    ];
    expect(dims).toEqual(all);
    expect(await page.locator('#tab-mcp-server').textContent()).toBe('MCP server');
    for (const dim of all) {
      await page.click(`#tab-${dim}`);
      await page.waitForURL(new RegExp(`dim=${dim}`));
      const noun = dim === 'mcp-server' ? 'MCP server' : dim;
      await page.locator('#table-breakdown caption', { hasText: `Usage by ${noun}` }).waitFor();
      await expectChart(page, 'chart-breakdown');
      const json = f.cli<{ rows: UsageJsonRow[] }>(['report', '--by', dim, '--since', since]);
      expectSameRows(await tableRows(page, 'table-breakdown'), json.rows, [dim]);
    }
    // The demo's history calls skills and MCP servers' tools: their tabs have rows of their own.
    for (const [dim, value] of [
      ['skill', 'code-review'],
      ['mcp-server', 'github'],
    ]) {
      const json = f.cli<{ rows: UsageJsonRow[] }>(['report', '--by', dim ?? '', '--since', since]);
      expect(json.rows.map((r) => r[dim ?? ''])).toContain(value);
    }
    await page.focus('#tab-file');
    await page.keyboard.press('ArrowRight');
    await page.waitForURL(/dim=stage/);
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('tab-stage');
    expect(errors).toEqual([]);
    await context.close();
  });

  it('keeps the view and its filters in the URL: they survive a reload', async () => {
    const { context, page } = await openPage(f, { search: '?view=breakdowns&dim=model' });
    await page.locator('#table-breakdown').waitFor();
    await page.fill('input[name="since"]', since);
    await page.dispatchEvent('input[name="since"]', 'change');
    await page.waitForURL(new RegExp(`since=${since}`));
    await page.reload();
    await page.locator('#table-breakdown').waitFor();
    expect(await page.inputValue('input[name="since"]')).toBe(since);
    expect(await page.getAttribute('#tab-model', 'aria-selected')).toBe('true');
    const json = f.cli<{ rows: UsageJsonRow[] }>(['report', '--by', 'model', '--since', since]);
    expectSameRows(await tableRows(page, 'table-breakdown'), json.rows, ['model']);
    // The views share the filters: through Tasks to Overview, the range holds.
    await page.click('nav a:has-text("Tasks")');
    await page.locator('#table-tasks').waitFor();
    await page.click('nav a:has-text("Overview")');
    await page.locator('#table-daily').waitFor();
    expect(await page.inputValue('input[name="since"]')).toBe(since);
    const daily = f.cli<{ daily: UsageJsonRow[] }>(['daily', '--since', since]);
    expectSameRows(await tableRows(page, 'table-daily'), daily.daily, ['date']);
    await context.close();
  });

  it('screenshots every view in both themes at 1280×800 and 390×844, without sideways scrolling', async () => {
    const views = [
      ['overview', ''],
      ['tasks', '?view=tasks'],
      ['task-drilldown', '?view=tasks&task=BILLING-V2'],
      ['breakdowns', '?view=breakdowns&dim=agent'],
    ] as const;
    for (const [width, height] of [
      [1280, 800],
      [390, 844],
    ] as const) {
      for (const scheme of ['light', 'dark'] as const) {
        const { context, page } = await openPage(f, { width, height, scheme });
        for (const [name, search] of views) {
          await page.goto(`${f.dash.origin}/${search}`);
          // Every view draws its charts; the task tree is a table.
          await page
            .locator(name === 'tasks' ? '#table-tasks' : 'main canvas')
            .first()
            .waitFor();
          const bg = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
          expect(bg).toBe(scheme === 'dark' ? 'rgb(13, 17, 23)' : 'rgb(255, 255, 255)');
          const overflow = await page.evaluate(
            () => document.documentElement.scrollWidth - window.innerWidth,
          );
          expect(overflow, `${name} ${scheme} ${width}×${height}`).toBeLessThanOrEqual(0);
          await page.screenshot({ path: shotPath(`${name}-${scheme}-${width}x${height}`), fullPage: true });
        }
        await context.close();
      }
    }
  });

  it('shows new usage live, without a reload, after a transcript line is written', async () => {
    const { context, page } = await openPage(f);
    await page.locator('#table-daily').waitFor();
    const before = Number(
      await page.locator('section.card p.total strong').nth(1).getAttribute('data-value'),
    );
    await page.evaluate(() => {
      window.stillHere = true;
    });
    respond(f.claude, { dir: LIVE_PROJECT, session: 'live-session-1', input: 777, output: 33 });
    await page.waitForFunction(
      (b) =>
        Number(
          document.querySelector('section.card p.total strong:nth-of-type(2)')?.getAttribute('data-value'),
        ) ===
        b + 810,
      before,
      { timeout: 20_000 },
    );
    expect(await page.evaluate(() => window.stillHere)).toBe(true);
    expect(Number(await page.locator('[role="status"]').getAttribute('data-refresh'))).toBeGreaterThan(0);
    const json = f.cli<{ totals: UsageJsonRow }>(['daily', '--breakdown']);
    expect(before + 810).toBe(json.totals.totalTokens);
    await context.close();
  });
});
