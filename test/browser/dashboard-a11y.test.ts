/**
 * The dashboard's accessibility (axe-core from npm, injected into each view: no serious or critical
 * violation, in either theme) and its downloads (a table as CSV, a chart as PNG).
 */
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Fixture, openFixture, openPage, tableRows } from './dashboard-page.js';
import { seriousAxeViolations } from './page-globals.js';

let f: Fixture;
beforeAll(async () => {
  f = await openFixture('tl-dash-a11y-');
});
afterAll(async () => {
  await f?.close();
});

describe('dashboard accessibility and downloads', () => {
  it('has no serious or critical axe violation in any view, light or dark', async () => {
    for (const scheme of ['light', 'dark'] as const) {
      // axe is injected as a script of the test's own: only this context lifts the page's CSP for it.
      const { context, page } = await openPage(f, { scheme, bypassCSP: true });
      for (const search of [
        '',
        '?view=tasks',
        '?view=tasks&task=BILLING-V2',
        '?view=breakdowns&dim=model',
        '?view=analysis&a=stage:analysis&b=stage:implementation',
      ]) {
        await page.goto(`${f.dash.origin}/${search}`);
        await page.locator('main table').first().waitFor();
        // The Analysis view's sections load on their own: its anomalies and recommendations too.
        if (search.includes('analysis')) await page.locator('#anomalies, #review').nth(1).waitFor();
        expect(await seriousAxeViolations(page), `${scheme} ${search || 'overview'}`).toEqual([]);
      }
      await context.close();
    }
  });

  it('downloads a table as CSV with the rows shown, and a chart as a PNG', async () => {
    const { context, page } = await openPage(f, { search: '?view=breakdowns&dim=model' });
    await page.locator('#table-breakdown').waitFor();
    const shown = await tableRows(page, 'table-breakdown');
    const [csv] = await Promise.all([page.waitForEvent('download'), page.click('.table-head button')]);
    expect(csv.suggestedFilename()).toBe('usage-by-model.csv');
    const lines = fs
      .readFileSync(await csv.path(), 'utf8')
      .trimEnd()
      .split('\r\n');
    expect(lines[0]).toBe('Model,Input,Output,Cache write,Cache read,Total tokens,Cache hit rate,Cost (USD)');
    expect(lines).toHaveLength(shown.length + 1);
    expect(lines[1]?.split(',')[7]).toBe(shown[0]?.totalCost);
    const [png] = await Promise.all([
      page.waitForEvent('download'),
      page.click('figure.chart figcaption button'),
    ]);
    expect(png.suggestedFilename()).toBe('cost-per-day-by-model.png');
    const bytes = fs.readFileSync(await png.path());
    expect(bytes.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
    expect(bytes.length).toBeGreaterThan(2000);
    await context.close();
  });
});
