#!/usr/bin/env node
// `npm run bench:dashboard`: how soon the dashboard shows a big ledger. On the 1 GiB ledger of
// bench/big-ledger.mjs (a year of a heavy user's usage; built once, a few minutes), `tokenledger
// dashboard --no-import` is started and Debian's Chromium (/usr/bin/chromium, driven by playwright-core)
// opens its URL, several times:
//   ready        from the start of the process to the URL on stdout (the server answers)
//   first paint  the page's first-contentful-paint (the shell, before any data)
//   first view   from navigation to the Overview's data drawn: its charts and tables filled
//   api          the Overview's own request (/api/overview: three application-layer reports)
// Prints the medians and writes bench/results/dashboard.json (dashboard-1m.json with --records 1m).
//
//   node bench/dashboard.mjs [--runs 5] [--records 1m|3m] [--db PATH]
//     --records 1m: bench/big-ledger.mjs's ledger of about 1M usage rows (the criterion's size)
//     instead of the default big one; --db: another ledger, e.g. the demo's
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { ensureBigLedger, ledgerNamed } from './big-ledger.mjs';
import { BIN, log, machine, ROOT, WORK } from './common.mjs';

const args = process.argv.slice(2);
const opt = (name) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const RUNS = Number(opt('--runs') ?? 5);
const CHROMIUM = process.env.TOKENLEDGER_CHROMIUM ?? '/usr/bin/chromium';

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
};

function startDashboard(db) {
  const t0 = performance.now();
  const child = spawn(process.execPath, [BIN, 'dashboard', '--db', db, '--no-import', '--port', '0'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    child.stderr.on('data', (d) => {
      err += d;
    });
    child.once('exit', (code) => reject(new Error(`the dashboard exited (${code}): ${err}`)));
    child.stdout.on('data', (d) => {
      out += d;
      const nl = out.indexOf('\n');
      if (nl < 0) return;
      child.removeAllListeners('exit');
      resolve({ child, url: out.slice(0, nl), readyMs: performance.now() - t0 });
    });
  });
}

const RECORDS = ledgerNamed(opt('--records')).name;
// The dashboard writes to the ledger it opens (the rollups' remembered rows), and the cached ledger
// is rebuilt when its file changes: it runs on a copy, removed at the end.
const copy = opt('--db') === undefined ? path.join(WORK, `dashboard-ledger-${RECORDS}.db`) : null;
if (copy !== null) {
  const cached = (await ensureBigLedger({ records: RECORDS })).file;
  for (const s of ['', '-wal', '-shm']) fs.rmSync(copy + s, { force: true });
  fs.copyFileSync(cached, copy);
}
const db = opt('--db') ?? copy;
const ledgerBytes = fs.statSync(db).size;
log(`dashboard on ${db} (${(ledgerBytes / 2 ** 30).toFixed(2)} GiB), ${RUNS} runs`);
const browser = await chromium.launch({
  executablePath: CHROMIUM,
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
});
const runs = [];
try {
  for (let i = 0; i < RUNS; i++) {
    const { child, url, readyMs } = await startDashboard(db);
    try {
      const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
      const page = await context.newPage();
      let apiMs = null;
      page.on('requestfinished', (req) => {
        if (req.url().includes('/api/overview')) apiMs = req.timing().responseEnd;
      });
      const t0 = performance.now();
      await page.goto(url);
      await page.locator('#table-daily tbody tr').first().waitFor({ timeout: 600_000 });
      await page.locator('[data-chart="chart-day-model"][data-rendered]').waitFor();
      const firstViewMs = performance.now() - t0;
      const firstPaintMs = await page.evaluate(
        () => performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? null,
      );
      runs.push({ readyMs, firstPaintMs, firstViewMs, apiMs });
      log(
        `run ${i + 1}: ready ${readyMs.toFixed(0)} ms, first paint ${firstPaintMs?.toFixed(0)} ms, first view ${firstViewMs.toFixed(0)} ms, api ${apiMs?.toFixed(0)} ms`,
      );
      await context.close();
    } finally {
      child.kill('SIGTERM');
    }
  }
} finally {
  await browser.close();
  if (copy !== null) for (const s of ['', '-wal', '-shm']) fs.rmSync(copy + s, { force: true });
}
const result = {
  date: new Date().toISOString(),
  machine: machine(),
  ledger: db,
  records: opt('--db') === undefined ? RECORDS : null,
  ledgerBytes,
  runs: RUNS,
  medianMs: {
    ready: median(runs.map((r) => r.readyMs)),
    firstPaint: median(runs.map((r) => r.firstPaintMs ?? Number.NaN)),
    firstView: median(runs.map((r) => r.firstViewMs)),
    api: median(runs.map((r) => r.apiMs ?? Number.NaN)),
  },
  all: runs,
};
fs.mkdirSync(path.join(ROOT, 'bench', 'results'), { recursive: true });
fs.writeFileSync(
  path.join(ROOT, 'bench', 'results', RECORDS === 'big' ? 'dashboard.json' : `dashboard-${RECORDS}.json`),
  `${JSON.stringify(result, null, 2)}\n`,
);
const m = result.medianMs;
process.stdout.write(
  `| dashboard (median of ${RUNS}) | ready ${m.ready.toFixed(0)} ms | first paint ${m.firstPaint.toFixed(0)} ms | first view ${m.firstView.toFixed(0)} ms | /api/overview ${m.api.toFixed(0)} ms |\n`,
);
