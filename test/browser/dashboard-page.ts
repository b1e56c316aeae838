/**
 * The dashboard suite's fixture: a sandbox with the demo ledger (generated history, a plan of tasks
 * with stages and estimates), one recent response so that a 5-hour block is active, the dashboard on
 * it, and Debian's Chromium (installed by .ci/run when missing) driven by playwright-core.
 */
import fs from 'node:fs';
import path from 'node:path';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { expect } from 'vitest';
import { REPO } from '../helpers/built-cli.js';
import { Sandbox } from '../helpers/cli.js';
import { type RunningDashboard, startDashboard } from '../helpers/dashboard.js';
import { respond } from '../helpers/transcript-writer.js';

export const CHROMIUM = process.env.TOKENLEDGER_CHROMIUM ?? '/usr/bin/chromium';
/** Where the screenshots go (gitignored; the README names it). */
export const SHOTS = path.join(REPO, 'test-artifacts', 'dashboard');
/** The project the live responses are written in. */
export const LIVE_PROJECT = '/work/live-project';
/** The demo's Claude dir, in the sandbox's data dir; also CLAUDE_CONFIG_DIR (which wins over the config's dirs). */
const DEMO_CLAUDE = 'tl/demo/claude';

export interface Fixture {
  sandbox: Sandbox;
  dash: RunningDashboard;
  browser: Browser;
  db: string;
  config: string;
  claude: string;
  /** `tokenledger ARGS --json --db … --config … --no-import`, parsed. */
  cli: <T>(args: readonly string[]) => T;
  close: () => Promise<void>;
}

/** Before the dashboard starts: more history in the demo ledger, and the directory it runs in. */
export interface FixturePrep {
  prepare?: (f: { sandbox: Sandbox; db: string; config: string }) => Promise<void> | void;
  cwd?: (sandbox: Sandbox) => string;
}

export async function openFixture(prefix: string, prep: FixturePrep = {}): Promise<Fixture> {
  if (!fs.existsSync(CHROMIUM)) {
    throw new Error(
      `${CHROMIUM} is missing: install Debian's chromium (apt-get install -y chromium), or set TOKENLEDGER_CHROMIUM.`,
    );
  }
  const sandbox = new Sandbox({ prefix, claude: DEMO_CLAUDE, dirs: [DEMO_CLAUDE] }).open();
  sandbox.ok(['demo']);
  const home = sandbox.path('tl', 'demo');
  const db = path.join(home, 'ledger.db');
  const config = path.join(home, 'config.json');
  const claude = sandbox.claude;
  respond(claude, {
    dir: LIVE_PROJECT,
    session: 'live-session-1',
    input: 1200,
    output: 300,
    at: Date.now() - 120_000,
  });
  await prep.prepare?.({ sandbox, db, config });
  const cwd = prep.cwd?.(sandbox);
  const dash = await startDashboard(
    sandbox,
    ['--db', db, '--config', config, '--refresh-interval', '0.5'],
    cwd === undefined ? {} : { cwd },
  );
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
  const cli = <T>(args: readonly string[]) =>
    sandbox.json<T>([...args, '--json', '--db', db, '--config', config, '--no-import']);
  return {
    sandbox,
    dash,
    browser,
    db,
    config,
    claude,
    cli,
    close: async () => {
      await browser.close();
      await dash.stop();
      sandbox.remove();
    },
  };
}

/** A page that loaded the tokened URL (so its context holds the cookie), at `search`. */
export async function openPage(
  f: Fixture,
  o: {
    width?: number;
    height?: number;
    scheme?: 'light' | 'dark';
    bypassCSP?: boolean;
    search?: string;
    /** Browser permissions to grant, e.g. clipboard-read and clipboard-write. */
    permissions?: string[];
  } = {},
): Promise<{ context: BrowserContext; page: Page; errors: string[] }> {
  const context = await f.browser.newContext({
    viewport: { width: o.width ?? 1280, height: o.height ?? 800 },
    colorScheme: o.scheme ?? 'light',
    bypassCSP: o.bypassCSP ?? false,
    acceptDownloads: true,
    permissions: o.permissions ?? [],
  });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  await page.goto(f.dash.url);
  if (o.search !== undefined) await page.goto(`${f.dash.origin}/${o.search}`);
  return { context, page, errors };
}

/**
 * The rows of a table, all of them (a long one shows its first rows until "Show all" is pressed,
 * which this does): each cell's exact value (`data-value`) or its text, by column key.
 */
export async function tableRows(page: Page, id: string): Promise<Record<string, string>[]> {
  const more = page.locator(`[data-more="${id}"] button`);
  if ((await more.count()) > 0) {
    await more.click();
    await more.waitFor({ state: 'detached' });
  }
  return page.$$eval(`#${id} tbody tr`, (trs) =>
    trs.map((tr) =>
      Object.fromEntries(
        [...tr.querySelectorAll('td')].map((td) => [
          td.dataset.key ?? '',
          td.dataset.value ?? td.textContent ?? '',
        ]),
      ),
    ),
  );
}

/** Waits for a chart's canvas and returns how many of its pixels are painted (not transparent). */
export async function paintedPixels(page: Page, chart: string): Promise<number> {
  const canvas = page.locator(`[data-chart="${chart}"] canvas`).first();
  await canvas.waitFor();
  return canvas.evaluate((c: HTMLCanvasElement) => {
    const ctx = c.getContext('2d');
    if (ctx === null) return 0;
    const px = ctx.getImageData(0, 0, c.width, c.height).data;
    let n = 0;
    for (let i = 3; i < px.length; i += 4) if ((px[i] ?? 0) > 0) n++;
    return n;
  });
}

/** A chart is drawn: its canvas has a plot in it, and it is named for assistive technology. */
export async function expectChart(page: Page, chart: string): Promise<void> {
  expect(await paintedPixels(page, chart), chart).toBeGreaterThan(500);
  const box = page.locator(`[data-chart="${chart}"]`);
  expect(await box.getAttribute('role')).toBe('img');
  expect((await box.getAttribute('aria-label')) ?? '').not.toBe('');
}

export interface UsageJsonRow {
  inputTokens: number;
  outputTokens: number;
  cacheCreationTokens: number;
  cacheReadTokens: number;
  totalTokens: number;
  totalCost: number;
  responses: number;
  cacheHitRate: number | null;
  [k: string]: unknown;
}

const FIELDS = [
  'inputTokens',
  'outputTokens',
  'cacheCreationTokens',
  'cacheReadTokens',
  'totalTokens',
  'totalCost',
] as const;

/** The page's rows equal the CLI's `--json` rows, field by field, in the same order. */
export function expectSameRows(
  shown: Record<string, string>[],
  json: UsageJsonRow[],
  keys: readonly string[],
): void {
  expect(shown.length).toBe(json.length);
  expect(json.length).toBeGreaterThan(0);
  json.forEach((row, i) => {
    const s = shown[i] ?? {};
    for (const k of keys)
      expect(s[k], `row ${i} ${k}`).toBe(String(row[k] === '' || row[k] === null ? '(none)' : row[k]));
    for (const f of FIELDS) expect(Number(s[f]), `row ${i} ${f}`).toBe(row[f]);
    expect(s.cacheHitRate, `row ${i} cacheHitRate`).toBe(
      row.cacheHitRate === null ? '' : String(row.cacheHitRate),
    );
  });
}

export function shotPath(name: string): string {
  fs.mkdirSync(SHOTS, { recursive: true });
  return path.join(SHOTS, `${name}.png`);
}
