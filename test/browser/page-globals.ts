/**
 * What the browser tests put on a page's `window`: axe-core (injected by {@link seriousAxeViolations})
 * a marker that tells a live update from a reload, and what an observer saw as the Overview filled in.
 */
import fs from 'node:fs';
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';

interface AxeResult {
  violations: { id: string; impact: string | null; nodes: { target: unknown[] }[] }[];
}

declare global {
  interface Window {
    axe?: { run: () => Promise<AxeResult> };
    stillHere?: boolean;
    /** Whether the Overview's chart was drawn when its last table first had rows (recorded by the page's observer). */
    chartWithTables?: boolean;
  }
}

const AXE = createRequire(import.meta.url).resolve('axe-core/axe.min.js');

/**
 * Injects axe-core into the page (its context must bypass the page's CSP) and runs it: the serious and
 * critical violations, each as `id: [targets of up to 3 nodes]`.
 */
export async function seriousAxeViolations(page: Page): Promise<string[]> {
  await page.addScriptTag({ content: fs.readFileSync(AXE, 'utf8') });
  const result = await page.evaluate(() => {
    if (window.axe === undefined) throw new Error('axe-core was not injected');
    return window.axe.run();
  });
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id}: ${JSON.stringify(v.nodes.slice(0, 3).map((n) => n.target))}`);
}
