#!/usr/bin/env node
// Every analysis command on a ledger of millions of records, on SQLite and on PostgreSQL: each one
// must finish within 1 s (p50 of warm runs, each a whole `tokenledger` process). Run by `npm run
// bench` (bench/run.mjs, after the PostgreSQL figures; skip it with --skip-analysis), or alone:
//
//   npm run build && node bench/analysis.mjs [--records 1m|3m] [--quick] [--runs N] [--skip-pg]
//
// The SQLite ledger is a copy of bench/big-ledger.mjs's (≥ 1 GiB, about 3M usage rows, tasks,
// spans, subagents; or with --records 1m its ledger of about 1M usage rows, the criterion's size:
// `npm run bench` times that one), so the commands can write to it (a command without --no-import
// imports first) without touching the hook benchmark's cache. The PostgreSQL ledger holds the same
// records, in its own database on TOKENLEDGER_BENCH_PG_URL (default
// postgres://postgres@127.0.0.1:5432/postgres): tl_bench_analysis for the big ledger,
// tl_bench_analysis_1m for the 1M one; kept between runs and rebuilt when its stamp (the
// SQLite ledger's, the PostgreSQL schema's) changes. It is loaded through the stores' own code,
// `exportRecords` → `importRecords` (what `export --jsonl` | `import-jsonl` do) a month at a time,
// then checked table by table and through `status`/`daily`/`report` against SQLite: any difference fails.
//
// COMMANDS is the list of what is timed: add an analysis there. The harness adds --json, and
// --no-import when the command's --help lists it (the time is then the analysis, not an import).
// Writes bench/results/analysis-latest.json and prints a Markdown block for BENCHMARKS.md.
import { spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import Database from 'better-sqlite3';
import pg from 'pg';
import { BIG_STAGE_MAP, ensureBigLedger, ledgerNamed, recordsOption } from './big-ledger.mjs';
import { BIN, log, machine, ROOT, WORK } from './common.mjs';

const SERVER = process.env.TOKENLEDGER_BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const LIMIT_S = 1;
/** Raise when the loader below changes what it writes: the PostgreSQL ledger is then loaded again. */
const LOADER_VERSION = 1;

/** Where each ledger's copy and PostgreSQL database live, by the name `--records` takes. */
function placesOf(records) {
  const suffix = ledgerNamed(records).name === 'big' ? '' : `-${ledgerNamed(records).name}`;
  return {
    records: ledgerNamed(records).name,
    copy: path.join(WORK, `analysis-ledger${suffix}.db`),
    copyStamp: path.join(WORK, `analysis-ledger${suffix}.json`),
    database: `tl_bench_analysis${suffix.replace('-', '_')}`,
    results: `analysis${suffix}-latest.json`,
  };
}

/** The results file (under bench/results/) of a `--records` value. */
export const analysisResultsFile = (records) => placesOf(records).results;
const DAY_MS = 86_400_000;
const WINDOW_MS = 30 * DAY_MS;

/**
 * What is timed: a command's words and options (an array), or a function of the ledger's facts
 * (`{ fromMs, toMs, tasks, liveTask, liveProject }`) that returns them.
 */
export const COMMANDS = [
  ['daily'],
  ['report', '--by', 'task,stage'],
  ['report', '--by', 'model,project'],
  ['variance'],
  ['session'],
  ['blocks'],
  ['weekly'],
  ['anomalies'],
  ['budget', 'status'],
  ['review'],
  // Two halves of the ledger's year: the tasks started before and after its middle day.
  (l) => {
    const mid = new Date((l.fromMs + l.toMs) / 2).toISOString().slice(0, 10);
    return ['compare', '--a', `until:${mid}`, '--b', `since:${mid}`];
  },
  ['estimate'],
  ['report', '--by', 'tool'],
  ['report', '--by', 'file'],
];

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const sha = (text) => crypto.createHash('sha256').update(text).digest('hex').slice(0, 16);
const dist = (rel) => import(pathToFileURL(path.join(ROOT, 'dist', rel)).href);

function databaseUrl(name) {
  const url = new URL(SERVER);
  url.pathname = `/${name}`;
  return url.href;
}

async function withClient(url, f) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await f(client);
  } finally {
    await client.end();
  }
}

/** The SQLite ledger to time: a copy of the big ledger, made again when the big ledger changes. */
async function ensureSqliteLedger(places) {
  const big = await ensureBigLedger({ records: places.records });
  const { info } = big;
  const stamp = sha(fs.readFileSync(big.stampFile, 'utf8'));
  let old = null;
  try {
    old = JSON.parse(fs.readFileSync(places.copyStamp, 'utf8'));
  } catch {}
  if (old?.stamp !== stamp || !fs.existsSync(places.copy)) {
    log(`copying the ledger (${(info.bytes / 2 ** 30).toFixed(2)} GiB) to ${places.copy} …`);
    for (const s of ['', '-wal', '-shm']) fs.rmSync(places.copy + s, { force: true });
    fs.copyFileSync(big.file, places.copy);
    fs.writeFileSync(places.copyStamp, `${JSON.stringify({ stamp }, null, 2)}\n`);
  }
  return { file: places.copy, info, stamp };
}

/** The tables' figures both ledgers must share, by the same SQL on each. */
const CHECK_SQL = {
  usage: `SELECT count(*) AS n, sum(input_tokens) AS input, sum(output_tokens) AS output,
    sum(cache_write_tokens) AS cache_write, sum(cache_write_1h_tokens) AS cache_write_1h,
    sum(cache_read_tokens) AS cache_read, sum(web_search_requests) AS web_search, count(task_id) AS attributed,
    count(DISTINCT session_id) AS sessions, count(reported_cost) AS reported, count(DISTINCT dedup_key) AS keys FROM usage`,
  byTask: `SELECT coalesce(task_id, '') AS task, coalesce(stage, '') AS stage, count(*) AS n,
    sum(output_tokens) AS output, sum(cache_read_tokens) AS cache_read FROM usage
    GROUP BY 1, 2 ORDER BY 1, 2`,
  tasks: `SELECT count(*) AS n, count(estimate_tokens) AS estimates, sum(estimate_tokens) AS tokens,
    count(parent_id) AS children FROM tasks`,
  spans:
    'SELECT scope, count(*) AS n, count(to_ts) AS closed, sum(from_ts) AS starts FROM spans GROUP BY 1 ORDER BY 1',
  agents: 'SELECT agent_type, count(*) AS n FROM agents GROUP BY 1 ORDER BY 1',
  spawns: 'SELECT count(*) AS n, count(agent_id) AS agents FROM agent_spawns',
};
// Numbers only, as text: the two drivers type sums differently.
const canon = (rows) => JSON.stringify(rows.map((r) => Object.values(r).map((v) => String(v ?? ''))));

function sqliteFigures(file) {
  const db = new Database(file, { readonly: true });
  try {
    return Object.fromEntries(Object.entries(CHECK_SQL).map(([k, sql]) => [k, canon(db.prepare(sql).all())]));
  } finally {
    db.close();
  }
}

async function pgFigures(url) {
  return withClient(url, async (c) => {
    const out = {};
    for (const [k, sql] of Object.entries(CHECK_SQL)) out[k] = canon((await c.query(sql)).rows);
    return out;
  });
}

/** Loads the SQLite ledger's records into a fresh PostgreSQL ledger through the stores' own code. */
async function loadPostgres(sqliteFile, url, info) {
  const { SqliteStore } = await dist('ledger/sqlite/sqlite-store.js');
  const { PostgresStore } = await dist('ledger/postgres/postgres-store.js');
  const { parseLedgerLocation } = await dist('config/ledger-location.js');
  const source = SqliteStore.open(sqliteFile);
  const target = await PostgresStore.open(parseLedgerLocation(url), { bulk: true });
  const t0 = performance.now();
  let records = 0;
  try {
    const bulk = await target.startBulkImport();
    // Windows of a month from the first usage's day; the first and last are open-ended, so every
    // record with an instant is exported once (agents and spawns without usage have none: the checks
    // below would catch them).
    const starts = [];
    for (let t = Math.floor(info.fromMs / DAY_MS) * DAY_MS; t < info.toMs; t += WINDOW_MS) starts.push(t);
    for (const [k, from] of starts.entries()) {
      const filter = { fromMs: k === 0 ? 0 : from, toMs: starts[k + 1] ?? Number.MAX_SAFE_INTEGER };
      const batch = (await source.exportRecords(filter)).map((t) => t.record);
      await target.importRecords(batch.filter((r) => r.type !== 'declared_task'));
      records += batch.length;
      log(
        `  PostgreSQL: ${records.toLocaleString('en-US')} records loaded (${((performance.now() - t0) / 1000).toFixed(0)} s)`,
      );
    }
    // Spans loaded after usage they cover mark it for the attribute step, as on any ledger.
    const attributed = await target.attributePending(BIG_STAGE_MAP);
    await target.refreshRollup();
    await bulk.finish();
    log(`  PostgreSQL: ${attributed} rows re-attributed; rollups refreshed`);
  } finally {
    await target.close();
    await source.close();
  }
  // A bulk load leaves the planner without statistics until autovacuum comes by: not what is timed.
  await withClient(url, (c) => c.query('ANALYZE'));
  const seconds = (performance.now() - t0) / 1000;
  return {
    records,
    seconds,
    recordsPerS: Math.round(records / seconds),
    method: 'exportRecords → importRecords',
  };
}

/** The PostgreSQL ledger: reused while its stamp matches, else loaded again and checked. */
async function ensurePgLedger(sqlite, DATABASE) {
  const { PG_MIGRATIONS } = await dist('ledger/postgres/migrations.js');
  const stamp = sha(
    JSON.stringify([sqlite.stamp, LOADER_VERSION, PG_MIGRATIONS.map((m) => `${m.version}:${m.name}`)]),
  );
  const url = databaseUrl(DATABASE);
  const current = await withClient(SERVER, async (c) => {
    const r = await c.query(
      "SELECT shobj_description(oid, 'pg_database') AS stamp FROM pg_database WHERE datname = $1",
      [DATABASE],
    );
    return r.rows[0]?.stamp ?? null;
  });
  if (current?.startsWith(`${stamp} `)) return { url, load: JSON.parse(current.slice(17)) };
  log(`loading the PostgreSQL ledger ${DATABASE} (stamp ${current?.slice(0, 16) ?? 'none'} → ${stamp}) …`);
  await withClient(SERVER, async (c) => {
    await c.query(`DROP DATABASE IF EXISTS ${DATABASE} WITH (FORCE)`);
    await c.query(`CREATE DATABASE ${DATABASE}`);
  });
  const load = await loadPostgres(sqlite.file, url, sqlite.info);
  const [a, b] = [sqliteFigures(sqlite.file), await pgFigures(url)];
  const differ = Object.keys(CHECK_SQL).filter((k) => a[k] !== b[k]);
  if (differ.length > 0)
    throw new Error(
      `the PostgreSQL ledger differs from SQLite in ${differ.map((k) => `${k}: SQLite ${a[k].slice(0, 300)} vs PostgreSQL ${b[k].slice(0, 300)}`).join('; ')}`,
    );
  // Stamped only once loaded and checked: a load cut off is loaded again next time.
  const comment = `${stamp} ${JSON.stringify(load)}`.replaceAll("'", "''");
  await withClient(SERVER, (c) => c.query(`COMMENT ON DATABASE ${DATABASE} IS '${comment}'`));
  return { url, load };
}

/** Runs `tokenledger args` as a whole process; wall seconds and stdout. */
function run(args, env) {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, [BIN, ...args], {
    env: { ...process.env, ...env },
    encoding: 'utf8',
    maxBuffer: 512 << 20,
  });
  const wall = (performance.now() - t0) / 1000;
  if (r.status !== 0) throw new Error(`tokenledger ${args.join(' ')} failed (${r.status}):\n${r.stderr}`);
  return { wall, stdout: r.stdout };
}

/** The full argument list of an entry: --json, and --no-import when the command has it. */
function argsOf(entry, facts, env) {
  const args = typeof entry === 'function' ? entry(facts) : entry;
  const words = [];
  for (const a of args) {
    if (a.startsWith('-')) break;
    words.push(a);
  }
  const help = run([...words, '--help'], env).stdout;
  const noImport = /(^|\s)--no-import\b/m.test(help);
  if (!/(^|\s)--json\b/m.test(help)) throw new Error(`tokenledger ${words.join(' ')} has no --json option`);
  return { name: args.join(' '), args: [...args, '--json', ...(noImport ? ['--no-import'] : [])], noImport };
}

const totalsOf = (stdout) => {
  const t = JSON.parse(stdout).totals ?? {};
  return JSON.stringify([
    t.inputTokens,
    t.outputTokens,
    t.cacheCreationTokens,
    t.cacheReadTokens,
    t.totalCost?.toFixed(6),
  ]);
};

/** The measures; on PostgreSQL too unless `skipPg` or there is no server there. */
export async function runAnalysisBench({
  quick = false,
  runs = quick ? 3 : 7,
  skipPg = false,
  records = undefined,
} = {}) {
  const places = placesOf(records);
  const sqlite = await ensureSqliteLedger(places);
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'tl-bench-analysis-'));
  fs.mkdirSync(path.join(home, 'claude', 'projects'), { recursive: true });
  // Nothing to import: a command that imports first finds an empty Claude dir.
  const env = {
    CLAUDE_CONFIG_DIR: path.join(home, 'claude'),
    TZ: 'UTC',
    TOKENLEDGER_HOME: home,
    NO_COLOR: '1',
  };
  let pgProblem = skipPg ? 'skipped (--skip-pg)' : null;
  if (pgProblem === null)
    pgProblem = await withClient(SERVER, (c) => c.query('SELECT 1')).then(
      () => null,
      (e) => `no PostgreSQL at ${new URL(SERVER).host} (${e.message}); set TOKENLEDGER_BENCH_PG_URL`,
    );
  const postgres = pgProblem === null ? await ensurePgLedger(sqlite, places.database) : null;
  const i = sqlite.info;
  const facts = { fromMs: i.fromMs, toMs: i.toMs, liveTask: i.liveTask, liveProject: i.liveProject };
  facts.tasks = new Database(sqlite.file, { readonly: true })
    .prepare("SELECT id FROM tasks WHERE id LIKE 'T-%' ORDER BY id")
    .pluck()
    .all();
  const result = {
    date: new Date().toISOString(),
    machine: machine(),
    ledger: {
      records: places.records,
      usageRecords: i.usageRows,
      sessions: i.sessions,
      projects: i.projects,
      subagents: i.subagents,
      tasks: i.tasks,
      spans: i.spans,
      attributedRows: i.attributedRows,
      bytes: i.bytes,
      days: Math.round((i.toMs - i.fromMs) / DAY_MS),
    },
    postgres: postgres === null ? { skipped: pgProblem } : { database: places.database, load: postgres.load },
    runs,
    limitS: LIMIT_S,
    commands: [],
  };
  const checks = [];
  try {
    const dbs = [['sqlite', sqlite.file]];
    if (postgres !== null) dbs.push(['postgres', postgres.url]);
    if (postgres !== null) {
      const s = JSON.parse(run(['status', '--json', '--db', sqlite.file], env).stdout);
      const p = JSON.parse(run(['status', '--json', '--db', postgres.url], env).stdout);
      const same = s.records === p.records && s.sessions === p.sessions;
      checks.push({
        name: 'status: records and sessions equal on both',
        ok: same,
        value: `${p.records}, ${p.sessions}`,
      });
      if (!same)
        throw new Error(
          `status differs: SQLite ${s.records}/${s.sessions}, PostgreSQL ${p.records}/${p.sessions}`,
        );
    }
    const floor = [];
    for (const entry of COMMANDS) {
      const c = argsOf(entry, facts, env);
      const walls = Object.fromEntries(dbs.map(([k]) => [k, []]));
      const first = {};
      // One run per backend first (not counted): the OS cache and the ledger's own caches warm up.
      for (const [k, db] of dbs) first[k] = run([...c.args, '--db', db], env).stdout;
      for (let n = 0; n < runs; n++) {
        floor.push(timedFloor());
        for (const [k, db] of dbs) walls[k].push(run([...c.args, '--db', db], env).wall);
      }
      const stats = (w) => (w === undefined ? null : { p50: median(w), max: Math.max(...w), runs: w });
      const row = {
        name: c.name,
        args: c.args,
        noImport: c.noImport,
        sqlite: stats(walls.sqlite),
        postgres: stats(walls.postgres),
      };
      row.ok = row.sqlite.p50 <= LIMIT_S && (row.postgres === null || row.postgres.p50 <= LIMIT_S);
      if (postgres !== null && 'totals' in JSON.parse(first.sqlite)) {
        const same = totalsOf(first.sqlite) === totalsOf(first.postgres);
        checks.push({ name: `${c.name}: totals equal on both`, ok: same, value: totalsOf(first.postgres) });
        if (!same)
          throw new Error(
            `${c.name}: totals differ: SQLite ${totalsOf(first.sqlite)}, PostgreSQL ${totalsOf(first.postgres)}`,
          );
      }
      result.commands.push(row);
      log(
        `${c.name}: SQLite p50 ${ms(row.sqlite.p50)} (max ${ms(row.sqlite.max)})${row.postgres ? `, PostgreSQL p50 ${ms(row.postgres.p50)} (max ${ms(row.postgres.max)})` : ''}`,
      );
    }
    result.floorP50 = median(floor);
    result.checks = checks;
    result.criteria = [
      {
        name: `every analysis command ≤ ${LIMIT_S} s (p50) on ${i.usageRows.toLocaleString('en-US')} usage records, SQLite${postgres ? ' and PostgreSQL' : ''}`,
        ok: result.commands.every((r) => r.ok),
        value:
          result.commands
            .filter((r) => !r.ok)
            .map((r) => r.name)
            .join(', ') || 'all',
      },
      ...checks,
    ];
    return result;
  } finally {
    fs.rmSync(home, { recursive: true, force: true });
  }
}

/** A bare `node -e 0`: what any Node CLI pays here, to show how loaded the machine is. */
function timedFloor() {
  const t0 = performance.now();
  spawnSync(process.execPath, ['-e', '0']);
  return (performance.now() - t0) / 1000;
}

const ms = (s) => (s === null || s === undefined ? 'n/a' : `${Math.round(s * 1000)} ms`);

/** The Markdown block for BENCHMARKS.md. */
export function analysisMarkdown(r) {
  const n = (x) => x.toLocaleString('en-US');
  const l = r.ledger;
  const pgLine =
    r.postgres.skipped !== undefined
      ? `PostgreSQL: ${r.postgres.skipped}.`
      : `PostgreSQL: the same records in \`${r.postgres.database}\`, loaded by ${r.postgres.load.method} (${n(r.postgres.load.records)} records in ${r.postgres.load.seconds.toFixed(0)} s, ${n(r.postgres.load.recordsPerS)} records/s), checked table by table against SQLite.`;
  const mark = (c) =>
    c.ok ? (Math.max(c.sqlite.max, c.postgres?.max ?? 0) <= r.limitS ? '✅' : '✅ (p50; a max over)') : '❌';
  return [
    `### ${r.date.slice(0, 10)} — analysis commands on ${n(l.usageRecords)} usage records, ${r.machine.cores} cores (${r.machine.cpu}), Node ${r.machine.node}`,
    '',
    `Ledger: ${n(l.usageRecords)} usage records (${n(l.attributedRows)} attributed to tasks), ${n(l.sessions)} sessions in ${n(l.projects)} projects over ${l.days} days, ${n(l.subagents)} subagents, ${n(l.tasks)} tasks, ${n(l.spans)} spans; SQLite file ${(l.bytes / 2 ** 30).toFixed(2)} GiB. ${pgLine}`,
    `Each command a whole process with \`--json\` (and \`--no-import\` where it has it); p50 and max of ${r.runs} warm runs after one untimed. Bare \`node -e 0\` meanwhile: ${ms(r.floorP50)} (p50).`,
    '',
    `| command | SQLite p50 | SQLite max | PostgreSQL p50 | PostgreSQL max | ≤ ${r.limitS} s? |`,
    '| --- | ---: | ---: | ---: | ---: | :---: |',
    ...r.commands.map(
      (c) =>
        `| \`${c.name}\`${c.noImport ? '' : ' (imports first: nothing new)'} | ${ms(c.sqlite.p50)} | ${ms(c.sqlite.max)} | ${ms(c.postgres?.p50)} | ${ms(c.postgres?.max)} | ${mark(c)} |`,
    ),
    '',
    ...r.criteria.map((c) => `- ${c.ok ? '✅' : '❌'} ${c.name}: ${c.value}`),
  ].join('\n');
}

async function main() {
  const args = process.argv.slice(2);
  const i = args.indexOf('--runs');
  if (!fs.existsSync(path.join(ROOT, 'dist', 'bin', 'main.cjs'))) {
    log('dist/ is missing: run `npm run build` first.');
    process.exit(1);
  }
  const quick = args.includes('--quick');
  const r = await runAnalysisBench({
    quick,
    skipPg: args.includes('--skip-pg'),
    records: recordsOption(args),
    ...(i >= 0 ? { runs: Number(args[i + 1]) } : {}),
  });
  fs.mkdirSync(path.join(ROOT, 'bench', 'results'), { recursive: true });
  fs.writeFileSync(
    path.join(ROOT, 'bench', 'results', analysisResultsFile(recordsOption(args))),
    `${JSON.stringify(r, null, 2)}\n`,
  );
  process.stdout.write(`${analysisMarkdown(r)}\n`);
  process.exitCode = r.criteria.every((c) => c.ok) ? 0 : 1;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await main();
