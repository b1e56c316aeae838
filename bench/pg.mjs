#!/usr/bin/env node
// The PostgreSQL ledger beside SQLite on the benchmark corpus, in one run (these machines are noisy:
// compare the two, not absolute times). Run by `npm run bench` (bench/run.mjs, after its own
// measures; skip it with --skip-pg), or alone:
//
//   npm run build && node bench/pg.mjs [--quick] [--runs 3] [--warm-runs 9]
//
// Measures, for issue 12 (item 5):
//   cold   `import` into a fresh PostgreSQL database and into a fresh SQLite file: records per second
//          (API-call records read, as `import --json` counts them)
//   warm   `daily --json` and `report --by task,stage --json` with nothing new (p50)
//   totals PostgreSQL's daily totals equal SQLite's
// Criteria: ≥ 20,000 records/s into PostgreSQL; a warm report ≤ 3× SQLite's.
// The server is TOKENLEDGER_BENCH_PG_URL (default postgres://postgres@127.0.0.1:5432/postgres); each
// cold run gets its own database (tl_bench_<random>), dropped afterwards. Writes bench/results/pg-latest.json.
import { spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import pg from 'pg';
import { BIN, CORPUS, log, machine, ROOT } from './common.mjs';
import { corpusParams, ensureCorpus } from './corpus.mjs';

const SERVER = process.env.TOKENLEDGER_BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const MIN_RECORDS_PER_S = 20_000;
const MAX_REPORT_RATIO = 3;

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

function run(args, env) {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, [BIN, ...args], {
    env: { ...process.env, ...env },
    encoding: 'utf8',
    maxBuffer: 256 << 20,
  });
  const wall = (performance.now() - t0) / 1000;
  if (r.status !== 0) throw new Error(`tokenledger ${args.join(' ')} failed (${r.status}):\n${r.stderr}`);
  return { wall, stdout: r.stdout };
}

async function admin(sql) {
  const client = new pg.Client({ connectionString: SERVER });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

function databaseUrl(name) {
  const url = new URL(SERVER);
  url.pathname = `/${name}`;
  return url.href;
}

/** Whether the server answers; null when it does, else why not. */
async function serverProblem() {
  try {
    await admin('SELECT 1');
    return null;
  } catch (error) {
    return `no PostgreSQL at ${new URL(SERVER).host} (${error.message}); set TOKENLEDGER_BENCH_PG_URL`;
  }
}

const totalsOf = (json) => {
  const t = JSON.parse(json).totals;
  return [
    t.inputTokens,
    t.outputTokens,
    t.cacheCreationTokens,
    t.cacheReadTokens,
    t.totalCost.toFixed(6),
  ].join('/');
};

/** The measures; `{ skipped }` when there is no server. */
export async function runPgBench({ quick = false, runs = quick ? 1 : 3, warmRuns = quick ? 5 : 9 } = {}) {
  const problem = await serverProblem();
  if (problem !== null) return { skipped: problem };
  const truth = await ensureCorpus(corpusParams(quick));
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'tl-bench-pg-'));
  const env = { CLAUDE_CONFIG_DIR: CORPUS, TZ: 'UTC', TOKENLEDGER_HOME: home, NO_COLOR: '1' };
  const sqliteDb = path.join(home, 'ledger.db');
  const cold = { postgres: [], sqlite: [] };
  let database = null;
  const result = {
    date: new Date().toISOString(),
    machine: machine(),
    corpus: { files: truth.files, bytes: truth.bytes, lines: truth.lines, responses: truth.totals.responses },
  };
  try {
    // Cold: alternate the two backends so machine noise hits both alike; the last ledgers stay for warm.
    for (let i = 0; i < runs; i++) {
      if (database !== null) await admin(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
      database = `tl_bench_${crypto.randomBytes(5).toString('hex')}`;
      await admin(`CREATE DATABASE ${database}`);
      const p = run(['import', '--json', '--db', databaseUrl(database)], env);
      for (const f of fs.readdirSync(home)) if (f.startsWith('ledger.db')) fs.rmSync(path.join(home, f));
      const s = run(['import', '--json', '--db', sqliteDb], env);
      const records = JSON.parse(p.stdout).records;
      cold.postgres.push({ wall: p.wall, records });
      cold.sqlite.push({ wall: s.wall, records: JSON.parse(s.stdout).records });
      log(
        `cold run ${i + 1}: PostgreSQL ${p.wall.toFixed(2)} s (${Math.round(records / p.wall)} records/s), SQLite ${s.wall.toFixed(2)} s`,
      );
    }
    const pgUrl = databaseUrl(database);
    const warm = { daily: { postgres: [], sqlite: [] }, report: { postgres: [], sqlite: [] } };
    let totals = null;
    for (let i = 0; i < warmRuns; i++) {
      const pd = run(['daily', '--json', '--db', pgUrl], env);
      const sd = run(['daily', '--json', '--db', sqliteDb], env);
      warm.daily.postgres.push(pd.wall);
      warm.daily.sqlite.push(sd.wall);
      totals ??= { postgres: totalsOf(pd.stdout), sqlite: totalsOf(sd.stdout) };
      warm.report.postgres.push(run(['report', '--by', 'task,stage', '--json', '--db', pgUrl], env).wall);
      warm.report.sqlite.push(run(['report', '--by', 'task,stage', '--json', '--db', sqliteDb], env).wall);
    }
    const rate = (list) => median(list.map((r) => r.records / r.wall));
    Object.assign(result, {
      cold: {
        postgres: { wall: median(cold.postgres.map((r) => r.wall)), recordsPerS: rate(cold.postgres) },
        sqlite: { wall: median(cold.sqlite.map((r) => r.wall)), recordsPerS: rate(cold.sqlite) },
        records: cold.postgres[0]?.records ?? 0,
      },
      warm: {
        daily: { postgres: median(warm.daily.postgres), sqlite: median(warm.daily.sqlite) },
        report: { postgres: median(warm.report.postgres), sqlite: median(warm.report.sqlite) },
      },
      totals,
      runs,
      warmRuns,
    });
    const reportRatio = result.warm.report.postgres / result.warm.report.sqlite;
    result.criteria = [
      {
        name: `PostgreSQL cold import ≥ ${MIN_RECORDS_PER_S.toLocaleString('en-US')} records/s`,
        ok: result.cold.postgres.recordsPerS >= MIN_RECORDS_PER_S,
        value: Math.round(result.cold.postgres.recordsPerS),
      },
      {
        name: `warm report --by task,stage ≤ ${MAX_REPORT_RATIO}× SQLite's`,
        ok: reportRatio <= MAX_REPORT_RATIO,
        value: reportRatio.toFixed(2),
      },
      { name: 'daily totals equal SQLite', ok: totals?.postgres === totals?.sqlite, value: totals?.postgres },
    ];
    return result;
  } finally {
    if (database !== null) await admin(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`).catch(() => {});
    fs.rmSync(home, { recursive: true, force: true });
  }
}

/** The Markdown block for BENCHMARKS.md. */
export function pgMarkdown(r) {
  if (r.skipped !== undefined) return `PostgreSQL: skipped (${r.skipped}).`;
  const ms = (s) => `${Math.round(s * 1000)} ms`;
  const n = (x) => Math.round(x).toLocaleString('en-US');
  return [
    `### ${r.date.slice(0, 10)} — PostgreSQL beside SQLite, ${r.machine.cores} cores (${r.machine.cpu}), Node ${r.machine.node}`,
    '',
    `Corpus: ${r.corpus.files} files, ${(r.corpus.bytes / 2 ** 30).toFixed(2)} GiB, ${n(r.cold.records)} API-call records read, ${n(r.corpus.responses)} API responses. Medians of ${r.runs} cold and ${r.warmRuns} warm runs.`,
    '',
    '| measure | PostgreSQL | SQLite | ratio / criterion |',
    '| --- | ---: | ---: | --- |',
    `| cold \`import\` | ${r.cold.postgres.wall.toFixed(2)} s, ${n(r.cold.postgres.recordsPerS)} records/s | ${r.cold.sqlite.wall.toFixed(2)} s, ${n(r.cold.sqlite.recordsPerS)} records/s | ≥ 20,000 records/s ${r.criteria[0].ok ? '✅' : '❌'} |`,
    `| warm \`daily --json\` (p50) | ${ms(r.warm.daily.postgres)} | ${ms(r.warm.daily.sqlite)} | ${(r.warm.daily.postgres / r.warm.daily.sqlite).toFixed(2)}× |`,
    `| warm \`report --by task,stage --json\` (p50) | ${ms(r.warm.report.postgres)} | ${ms(r.warm.report.sqlite)} | ${r.criteria[1].value}× (≤ 3×) ${r.criteria[1].ok ? '✅' : '❌'} |`,
    `| daily totals | ${r.criteria[2].ok ? 'equal' : 'DIFFERENT'} | | ${r.criteria[2].ok ? '✅' : '❌'} |`,
  ].join('\n');
}

async function main() {
  const args = process.argv.slice(2);
  const flag = (name, fallback) => {
    const i = args.indexOf(name);
    return i >= 0 ? Number(args[i + 1]) : fallback;
  };
  if (!fs.existsSync(path.join(ROOT, 'dist', 'bin', 'main.cjs'))) {
    log('dist/ is missing: run `npm run build` first.');
    process.exit(1);
  }
  const quick = args.includes('--quick');
  const r = await runPgBench({
    quick,
    runs: flag('--runs', quick ? 1 : 3),
    warmRuns: flag('--warm-runs', quick ? 5 : 9),
  });
  fs.mkdirSync(path.join(ROOT, 'bench', 'results'), { recursive: true });
  fs.writeFileSync(path.join(ROOT, 'bench', 'results', 'pg-latest.json'), `${JSON.stringify(r, null, 2)}\n`);
  process.stdout.write(`${pgMarkdown(r)}\n`);
  process.exitCode = r.skipped !== undefined || r.criteria.every((c) => c.ok) ? 0 : 1;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await main();
