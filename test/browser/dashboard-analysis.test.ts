/**
 * The dashboard's budgets and Analysis view in real headless Chromium, on the demo ledger with two
 * planted additions: opus doing small work over the last days (so the review proposes diffs against
 * a fixture repository, the directory the dashboard runs in) and two labelled cohorts of finished
 * tasks, the second 40% smaller (so the A/B comparison has a verdict). Every figure equals the CLI's
 * `--json` for the same filters; the dashboard writes nothing (the review's proposals are not
 * remembered); screenshots in both themes at 1280×800 and 390×844; an axe-core pass.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AnomaliesReport } from '../../src/app/anomalies.js';
import type { BudgetReport } from '../../src/app/budget-status.js';
import type { CompareResult } from '../../src/app/compare-cohorts.js';
import type { ReviewResult } from '../../src/app/review-proposals.js';
import { SqliteStore } from '../../src/ledger/sqlite/sqlite-store.js';
import { writePlantedLedger } from '../helpers/planted-cohorts.js';
import { DAY, expensiveSmallWork, fixtureRepo, plantTasks } from '../helpers/planted-review.js';
import { type Fixture, openFixture, openPage, shotPath, tableRows } from './dashboard-page.js';
import { seriousAxeViolations } from './page-globals.js';

const A = 'label:workflow=v1';
const B = 'label:workflow=v2';

let f: Fixture;
let repo: string;

beforeAll(async () => {
  f = await openFixture('tl-dash-analysis-', {
    prepare: async ({ sandbox, db, config }) => {
      repo = fixtureRepo(sandbox.path('repo'));
      const now = Date.now();
      const store = SqliteStore.open(db);
      try {
        await plantTasks(store, expensiveSmallWork(now - 6 * DAY, now - 2 * DAY));
      } finally {
        await store.close();
      }
      const dir = writePlantedLedger(sandbox.path('cohorts'), {
        seed: 7,
        startMs: now - 30 * DAY,
        cohorts: [
          { prefix: 'V1', tasks: 12, labels: { workflow: 'v1' }, scale: 1 },
          { prefix: 'V2', tasks: 12, labels: { workflow: 'v2' }, scale: 0.6 },
        ],
      });
      sandbox.ok(['import-jsonl', dir, '--db', db, '--config', config]);
    },
    cwd: () => repo,
  });
});
afterAll(async () => {
  await f?.close();
});

/** `budget status --json` as the page shows it: each budget's figures by key. */
async function shownBudgets(page: import('playwright-core').Page) {
  return page.$$eval('#budgets li[data-budget]', (lis) =>
    lis.map((li) => ({
      name: (li as HTMLElement).dataset.budget ?? '',
      values: Object.fromEntries(
        [...li.querySelectorAll<HTMLElement>('[data-key]')].map((e) => [
          e.dataset.key ?? '',
          e.dataset.value ?? e.textContent ?? '',
        ]),
      ),
    })),
  );
}

describe('dashboard budgets and analysis in Chromium', () => {
  it('Overview: no budget shows how to set one; budgets show month to date with the forecast and its basis', async () => {
    const { context, page, errors } = await openPage(f);
    await page.locator('#budget-hint').waitFor();
    expect(await page.locator('#budget-hint').textContent()).toContain('tokenledger budget set');
    expect(await page.locator('#budgets li').count()).toBe(0);

    f.sandbox.ok([
      'budget',
      'set',
      'team-month',
      '$300',
      '--per',
      'month',
      '--db',
      f.db,
      '--config',
      f.config,
    ]);
    f.sandbox.ok([
      'budget',
      'set',
      'review-week',
      '2M',
      '--per',
      'week',
      '--stage',
      'review',
      '--db',
      f.db,
      '--config',
      f.config,
    ]);
    await page.reload();
    await page.locator('#budgets li[data-budget]').first().waitFor();
    const status = f.cli<BudgetReport>(['budget', 'status']);
    const shown = await shownBudgets(page);
    expect(shown.map((b) => b.name)).toEqual(status.budgets.map((b) => b.name));
    expect(status.budgets.length).toBe(2);
    for (const b of status.budgets) {
      const s = shown.find((x) => x.name === b.name)?.values ?? {};
      expect(Number(s.spent), b.name).toBe(b.spent);
      expect(Number(s.limit), b.name).toBe(b.limit);
      // The forecast runs on with the clock between the page's read and the CLI's: equal to a hair.
      expect(Number(s.forecast) / b.forecast.amount, b.name).toBeCloseTo(1, 3);
      expect(s.basis, b.name).toContain(
        `from ${b.forecast.basis.from.slice(0, 10)} to ${b.forecast.basis.to.slice(0, 10)}`,
      );
    }
    const month = status.budgets.find((b) => b.period === 'month');
    expect(month?.spent).toBeGreaterThan(0);
    expect(await page.locator('#budgets li[data-budget="team-month"]').textContent()).toContain(
      'Spent month to date',
    );
    const meter = page.locator('#budgets li[data-budget="team-month"] meter');
    expect(Number(await meter.getAttribute('value'))).toBe(Math.min(month?.spent ?? -1, 300));
    expect(await meter.getAttribute('aria-label')).toContain('team-month');
    expect(errors).toEqual([]);
    await context.close();
  });

  it('Analysis: anomalies are anomalies --json for the same days, each expands to its evidence', async () => {
    const since = new Date(Date.now() - 10 * DAY).toISOString().slice(0, 10);
    const { context, page, errors } = await openPage(f, { search: `?view=analysis&since=${since}` });
    await page.locator('#anomalies').waitFor();
    const report = f.cli<AnomaliesReport>(['anomalies', '--since', since]);
    expect(report.anomalies.length).toBeGreaterThan(0);
    const items = page.locator('#anomalies li[data-anomaly]');
    expect(await items.count()).toBe(report.anomalies.length);
    for (const [i, a] of report.anomalies.entries()) {
      const li = items.nth(i);
      expect(await li.getAttribute('data-kind')).toBe(a.kind);
      expect(await li.locator('.summary-text').textContent()).toBe(a.summary);
      // Closed at first; Enter on its summary opens the evidence.
      expect(await li.locator('details').getAttribute('open')).toBeNull();
      await li.locator('summary').focus();
      await page.keyboard.press('Enter');
      await li.locator('details[open] dl.evidence').waitFor();
      const ev = Object.fromEntries(
        await li
          .locator('dd[data-key]')
          .evaluateAll((dds) =>
            dds.map((d) => [(d as HTMLElement).dataset.key ?? '', (d as HTMLElement).dataset.value ?? '']),
          ),
      );
      expect(Number(ev.value)).toBe(a.value);
      expect(Number(ev.score)).toBe(a.score);
      expect(Number(ev.baseline)).toBe(a.baseline.median);
      expect(Number(ev.tokens)).toBe(a.evidence.tokens.total);
      expect(Number(ev.responses)).toBe(a.evidence.responses);
      if (a.overrun !== null) expect(Number(ev.excess)).toBe(a.overrun.excess);
      for (const [k, v] of Object.entries(a.evidence.facts)) expect(Number(ev[`fact-${k}`]), k).toBe(v);
    }
    expect(await page.locator('#anomalies p.muted').textContent()).toContain(
      `Days ${report.range.since} to ${report.range.until}`,
    );
    expect(errors).toEqual([]);
    await context.close();
  });

  it('Analysis: recommendations are review --json with their diffs; the copy button copies a diff; nothing is remembered', async () => {
    const { context, page, errors } = await openPage(f, {
      search: '?view=analysis',
      permissions: ['clipboard-read', 'clipboard-write'],
    });
    await page.locator('#review').waitFor();
    const items = page.locator('#review li[data-recommendation]');
    await items.first().waitFor();
    const shownIds = await items.evaluateAll((lis) => lis.map((li) => (li as HTMLElement).dataset.id ?? ''));
    const withDiff = shownIds.filter((id) => id !== '');
    expect(withDiff.length).toBeGreaterThan(0);
    // Read-only: the dashboard did not remember its proposals, so `review check` does not know them yet.
    const unknown = f.sandbox.run([
      'review',
      'check',
      withDiff[0] ?? '',
      '--db',
      f.db,
      '--config',
      f.config,
      '--no-import',
      '--repo',
      repo,
    ]);
    expect(unknown.status).not.toBe(0);
    expect(unknown.stderr).toContain('no proposal has the id');

    const review = f.cli<ReviewResult>(['review', '--repo', repo]);
    expect(shownIds).toEqual(review.recommendations.map((r) => r.id ?? ''));
    for (const [i, r] of review.recommendations.entries()) {
      const li = items.nth(i);
      expect(await li.locator('h3').textContent()).toContain(r.description);
      expect(await li.locator('[data-key="saving"]').getAttribute('data-value')).toBe(
        r.savingUsd === null ? '' : String(r.savingUsd),
      );
      if (r.diff !== null) expect(await li.locator('pre.diff').textContent()).toBe(r.diff);
    }
    const first = review.recommendations.findIndex((r) => r.diff !== null);
    const li = items.nth(first);
    await li.locator('button', { hasText: 'Copy diff' }).click();
    await li.locator('[role="status"]', { hasText: 'Copied' }).waitFor();
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(
      review.recommendations[first]?.diff,
    );
    expect(errors).toEqual([]);
    await context.close();
  });

  it('Analysis: the A/B comparison is compare --json, its intervals drawn, its filters kept in the URL', async () => {
    const { context, page, errors } = await openPage(f, { search: '?view=analysis' });
    await page.locator('#compare form').waitFor();
    expect(await page.locator('#compare-result').count()).toBe(0);
    await page.fill('#compare input[name="a"]', A);
    await page.fill('#compare input[name="b"]', B);
    await page.keyboard.press('Enter');
    await page.waitForURL((u) => u.searchParams.get('a') === A && u.searchParams.get('b') === B);
    await page.locator('#compare-result').waitFor();
    const json = f.cli<CompareResult>(['compare', '--a', A, '--b', B]);
    expect(json.a.tasks).toBe(12);
    expect(json.metrics[0]?.verdict).toBe('lower');
    const check = async () => {
      expect(await page.locator('#compare-verdict').textContent()).toBe(json.verdict);
      expect(await page.locator('[data-key="aTasks"]').getAttribute('data-value')).toBe(String(json.a.tasks));
      expect(await page.locator('[data-key="bTasks"]').getAttribute('data-value')).toBe(String(json.b.tasks));
      const rows = await tableRows(page, 'table-compare');
      expect(rows.map((r) => r.metric)).toEqual(json.metrics.map((m) => m.metric));
      expect(rows.map((r) => r.verdict)).toEqual(json.metrics.map((m) => m.text));
      const zero = Number(await page.locator('[data-chart="intervals"] line.zero').getAttribute('x1'));
      for (const m of json.metrics) {
        const g = page.locator(`[data-chart="intervals"] g[data-metric="${m.metric}"]`);
        if (m.change === null) {
          expect(await g.locator('line.interval').count()).toBe(0);
          continue;
        }
        const line = g.locator('line.interval');
        expect(Number(await line.getAttribute('data-low'))).toBe(m.change.low);
        expect(Number(await line.getAttribute('data-high'))).toBe(m.change.high);
        expect(Number(await g.locator('circle').getAttribute('data-estimate'))).toBe(m.change.estimate);
        const x1 = Number(await line.getAttribute('x1'));
        const x2 = Number(await line.getAttribute('x2'));
        const cx = Number(await g.locator('circle').getAttribute('cx'));
        expect(x1).toBeLessThanOrEqual(cx);
        expect(cx).toBeLessThanOrEqual(x2);
        // A lower verdict's interval lies wholly left of no change; a higher one's right of it.
        if (m.verdict === 'lower') expect(x2).toBeLessThan(zero);
        if (m.verdict === 'higher') expect(x1).toBeGreaterThan(zero);
      }
      expect(await page.locator('[data-chart="intervals"]').getAttribute('aria-label')).toContain('cost');
    };
    await check();
    // The intervals download as a PNG of the chart's size, drawn (not an empty image).
    const [png] = await Promise.all([
      page.waitForEvent('download'),
      page.click('figure.interval-chart figcaption button'),
    ]);
    expect(png.suggestedFilename()).toBe('b-against-a.png');
    const bytes = fs.readFileSync(await png.path());
    expect(bytes.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
    const svg = page.locator('[data-chart="intervals"]');
    expect(bytes.readUInt32BE(16)).toBe(Number(await svg.getAttribute('width')));
    expect(bytes.readUInt32BE(20)).toBe(Number(await svg.getAttribute('height')));
    expect(bytes.length).toBeGreaterThan(2000);
    await page.reload();
    await page.locator('#compare-result').waitFor();
    expect(await page.inputValue('#compare input[name="a"]')).toBe(A);
    await check();
    // A bad filter is the CLI's message, not a crash.
    await page.fill('#compare input[name="b"]', 'colour:blue');
    await page.keyboard.press('Enter');
    await page.locator('#compare [role="alert"]').waitFor();
    expect(errors.filter((e) => !e.includes('400'))).toEqual([]);
    await context.close();
  });

  it('screenshots budgets and the Analysis view in both themes at 1280×800 and 390×844; axe finds nothing serious', async () => {
    const q = new URLSearchParams({ view: 'analysis', a: A, b: B }).toString();
    for (const [width, height] of [
      [1280, 800],
      [390, 844],
    ] as const) {
      for (const scheme of ['light', 'dark'] as const) {
        const { context, page } = await openPage(f, { width, height, scheme, bypassCSP: true });
        for (const [name, search] of [
          ['overview-budgets', ''],
          ['analysis', `?${q}`],
        ] as const) {
          await page.goto(`${f.dash.origin}/${search}`);
          await page
            .locator(name === 'analysis' ? '#compare-result' : '#budgets li[data-budget]')
            .first()
            .waitFor();
          if (name === 'analysis') {
            await page.locator('#review li[data-recommendation]').first().waitFor();
            await page.locator('#anomalies summary').first().click();
          }
          const overflow = await page.evaluate(
            () => document.documentElement.scrollWidth - window.innerWidth,
          );
          expect(overflow, `${name} ${scheme} ${width}×${height}`).toBeLessThanOrEqual(0);
          await page.screenshot({ path: shotPath(`${name}-${scheme}-${width}x${height}`), fullPage: true });
          if (width === 1280) {
            expect(await seriousAxeViolations(page), `${scheme} ${name}`).toEqual([]);
          }
        }
        await context.close();
      }
    }
    expect(fs.existsSync(path.join(path.dirname(shotPath('x')), 'analysis-dark-390x844.png'))).toBe(true);
  });
});
