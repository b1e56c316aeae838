#!/usr/bin/env node
// A realistic ledger of at least 1 GiB, for the hook and statusline benchmarks (issue 3): a year of a
// heavy user's Claude Code usage written straight into a ledger that `SqliteStore.open` created (so the
// schema and indexes are the real ones), then the rollups refreshed and the attribute step run by the
// store's own code. Cached in .bench/big-ledger.db, keyed by BIG_PARAMS like bench/run.mjs's corpus.
//
// A second, smaller ledger of the same shape holds about 1,000,000 usage rows (the size the analysis
// and dashboard criteria name): fewer sessions, projects and plans, the same year, the same generator.
// It is cached apart, in .bench/big-ledger-1m.db with its own stamp, keyed by SMALL_PARAMS.
//
//   node bench/big-ledger.mjs [--force] [--records 1m]   builds one (once; a few minutes) and prints its stamp
//
// What it holds: millions of usage rows (one per API response) over 365 days up to the build time,
// thousands of sessions in hundreds of projects (popularity skewed, as real projects are), subagents
// with their agent types and spawns, Claude Code's cost-state per session, plans → sections → work items
// with estimates and session/project spans whose rows are attributed, file cursors and directory
// listings for ~30k transcript files, problems, import runs.
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import Database from 'better-sqlite3';
import { loadRng, log, ROOT, WORK } from './common.mjs';

export const BIG_LEDGER = path.join(WORK, 'big-ledger.db');

export const BIG_PARAMS = {
  version: 4,
  seed: 20261122,
  // usage rows are added until the file holds this much (the other tables come on top)
  usageBytes: Math.round(1.09 * 2 ** 30),
  minBytes: 2 ** 30,
  days: 365,
  sessions: 7_000,
  projects: 300,
  plans: 6,
  sectionsPerPlan: 3,
  itemsPerSection: 4,
  // sessions that run under a work item's session span
  spannedSessionsPerItem: [2, 10],
};

/**
 * The ledger of about a million usage rows: the big one scaled down by a third. Its sessions alone
 * come to about 0.9M rows; top-up sessions are added until the usage rows reach `usageRows`.
 */
export const SMALL_PARAMS = {
  version: 1,
  seed: 20261207,
  usageRows: 1_000_000,
  days: 365,
  sessions: 2_400,
  projects: 100,
  plans: 3,
  sectionsPerPlan: 3,
  itemsPerSection: 4,
  spannedSessionsPerItem: [2, 10],
};

/** The ledgers by the name `--records` takes: the default (≥ 1 GiB, about 3M rows) and `1m`. */
export const LEDGERS = {
  big: { name: 'big', file: BIG_LEDGER, stamp: path.join(WORK, 'big-ledger.json'), params: BIG_PARAMS },
  '1m': {
    name: '1m',
    file: path.join(WORK, 'big-ledger-1m.db'),
    stamp: path.join(WORK, 'big-ledger-1m.json'),
    params: SMALL_PARAMS,
  },
};

/** The ledger a `--records` value names (undefined, `3m` or `big`: the big one). */
export function ledgerNamed(records) {
  if (records === undefined || records === '3m' || records === 'big') return LEDGERS.big;
  const l = LEDGERS[records];
  if (l === undefined) throw new Error(`--records takes 1m or 3m, not ${records}`);
  return l;
}

/** `--records VALUE` from an argument list, or undefined. */
export function recordsOption(args) {
  const i = args.indexOf('--records');
  return i >= 0 ? args[i + 1] : undefined;
}

/** The stages of subagent types the attribute step uses (bench/analysis.mjs attributes the same way). */
export const BIG_STAGE_MAP = { Explore: 'research', Plan: 'plan', 'code-reviewer': 'review' };

const DAY_MS = 86_400_000;
const BUCKET_MS = 900_000;
const MODELS_MAIN = [
  ['claude-sonnet-4-5-20250929', 5],
  ['claude-opus-4-6', 3],
  ['claude-opus-4-5-20251101', 1],
  ['claude-sonnet-4-6', 1],
];
const MODELS_OLD = [
  ['claude-sonnet-4-20250514', 4],
  ['claude-opus-4-1-20250805', 1],
  ['claude-3-7-sonnet-20250219', 1],
];
const MODELS_SUB = [
  ['claude-haiku-4-5-20251001', 5],
  ['claude-sonnet-4-5-20250929', 3],
  ['claude-opus-4-6', 1],
];
const AGENT_TYPES = [
  ['Explore', 6],
  ['general-purpose', 5],
  ['Plan', 2],
  ['code-reviewer', 2],
  ['implementer', 2],
  ['analyst', 1],
];
const BRANCHES = ['main', 'main', 'main', 'develop', 'feat/ledger', 'fix/dedupe', 'HEAD', 'release/2.x'];
const PROJECT_GROUPS = ['work', 'client work', 'oss', 'personal', 'infra', 'research'];
const PROBLEMS = [
  'line is not valid JSON (Unexpected end of JSON input); skipped',
  'two JSON objects on one line; the first was used',
  'usage.output_tokens is negative (-1); line skipped',
  'invalid UTF-8 in the line; replaced',
  'line is over 64 MiB; skipped',
];

const mib = (b) => `${(b / 2 ** 20).toFixed(0)} MiB`;

function readStamp(file) {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch {
    return null;
  }
}

/**
 * The cached big ledger (or with `records: '1m'` the ledger of about a million rows), built first when
 * missing or built with other params. Returns its path, its stamp file and what it holds (rows,
 * sessions, range, and the ids the hook benchmark attributes its live session to).
 */
export async function ensureBigLedger(options = {}) {
  const ledger = ledgerNamed(options.records);
  const stamp = readStamp(ledger.stamp);
  const schema = await schemaKey();
  const out = { file: ledger.file, stampFile: ledger.stamp, name: ledger.name };
  if (
    options.force !== true &&
    stamp !== null &&
    JSON.stringify(stamp.params) === JSON.stringify(ledger.params) &&
    stamp.schema === schema &&
    fs.existsSync(ledger.file) &&
    fs.statSync(ledger.file).size === stamp.info.bytes
  )
    return { ...out, info: stamp.info };
  const info = await build(ledger);
  fs.writeFileSync(ledger.stamp, `${JSON.stringify({ params: ledger.params, schema, info }, null, 2)}\n`);
  return { ...out, info };
}

/**
 * The SQLite schema the build writes: its migrations' versions and names. A cached ledger built by an
 * older tokenledger would be migrated when a benchmark first opens it, timing the migration instead of
 * the command (and leaving the cache stale), so a new migration rebuilds it.
 */
async function schemaKey() {
  const { MIGRATIONS } = await import(
    pathToFileURL(path.join(ROOT, 'dist/ledger/sqlite/migrations.js')).href
  );
  return MIGRATIONS.map((m) => `${m.version}:${m.name}`).join('\n');
}

async function build(ledger) {
  const P = ledger.params;
  const FILE = ledger.file;
  const { SqliteStore } = await import(
    pathToFileURL(path.join(ROOT, 'dist/ledger/sqlite/sqlite-store.js')).href
  );
  fs.mkdirSync(WORK, { recursive: true });
  const tmp = FILE.replace(/\.db$/, '.building.db');
  for (const f of [FILE, tmp]) for (const s of ['', '-wal', '-shm']) fs.rmSync(f + s, { force: true });
  const t0 = performance.now();
  const secs = () => `${((performance.now() - t0) / 1000).toFixed(0)} s`;
  log(
    P.usageRows === undefined
      ? `building the big ledger in ${FILE} (≥ ${mib(P.minBytes)}; about 3 minutes, once) …`
      : `building the ledger of ${P.usageRows.toLocaleString('en-US')} usage rows in ${FILE} (about a minute, once) …`,
  );

  // The real schema and indexes.
  await (await SqliteStore.open(tmp)).close();

  const db = new Database(tmp);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = OFF');
  db.pragma('cache_size = -3000000');
  db.pragma('wal_autocheckpoint = 20000');
  db.pragma('temp_store = MEMORY');

  const Rng = await loadRng();
  const rng = new Rng(P.seed);
  const end = Math.floor(Date.now() / 3_600_000) * 3_600_000;
  const start = end - P.days * DAY_MS;

  // Projects, popularity skewed (Zipf-like): a few get most sessions.
  const projects = [];
  for (let i = 0; i < P.projects; i++) {
    const group = rng.pick(PROJECT_GROUPS);
    projects.push({
      path: `/home/dev/src/${group}/${rng.pick(['app', 'svc', 'lib', 'tool', 'site'])}-${i}`,
      weight: 1 / (i + 1) ** 0.9,
    });
  }
  const projectWeights = projects.map((p, i) => [i, p.weight]);

  db.prepare('INSERT INTO origins (machine, user_name) VALUES (?, ?)').run('laptop', 'dev');
  db.prepare('INSERT INTO origins (machine, user_name) VALUES (?, ?)').run('workstation', 'dev');

  const insertUsage =
    db.prepare(`INSERT INTO usage (dedup_key, source, ts, session_id, agent_id, sidechain, model,
    input_tokens, output_tokens, cache_write_tokens, cache_write_1h_tokens, cache_read_tokens, web_search_requests,
    output_final, speed, geo, reported_cost, project, git_branch, agent_version, origin_id, attributed)
    VALUES (?, 'claude-code', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, ?, ?, ?, ?, ?, 1)`);
  const insertFile =
    db.prepare(`INSERT INTO files (path, identity, size, mtime_ms, read_offset, head_hash, head_length, tail_hash, updated_at)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`);
  const insertAgent = db.prepare(
    'INSERT OR IGNORE INTO agents (session_id, agent_id, agent_type, priority) VALUES (?, ?, ?, ?)',
  );
  const insertSpawn = db.prepare(
    'INSERT OR IGNORE INTO agent_spawns (session_id, tool_use_id, agent_id, agent_type) VALUES (?, ?, ?, ?)',
  );
  const insertCostState = db.prepare(
    "INSERT OR REPLACE INTO cost_checkpoints (source, session_id, total_cost_usd, models, file, byte_offset, updated_at) VALUES ('claude-code', ?, ?, ?, ?, ?, ?)",
  );
  const insertListing = db.prepare(
    'INSERT OR REPLACE INTO dir_listings (path, mtime_ms, listed_at, entries) VALUES (?, ?, ?, ?)',
  );
  const insertProblem =
    db.prepare(`INSERT OR IGNORE INTO problems (file, line, byte_offset, severity, reason, first_seen, last_seen)
    VALUES (?, ?, ?, ?, ?, ?, ?)`);

  const sha = () => `${rng.b62(27)}=`;
  const version = (ts) => {
    const f = (ts - start) / (end - start);
    if (f < 0.25) return `1.0.${Math.floor(40 + f * 200)}`;
    if (f < 0.6) return `2.0.${Math.floor((f - 0.25) * 220)}`;
    return `2.1.${Math.floor((f - 0.6) * 830)}`;
  };
  const modelFor = (ts, sub) =>
    sub
      ? rng.weighted(MODELS_SUB)
      : (ts - start) / (end - start) < 0.35
        ? rng.weighted(MODELS_OLD)
        : rng.weighted(MODELS_MAIN);
  const usage = (model, turn) => {
    const big = rng.chance(0.01);
    const cacheWrite = rng.chance(0.7) ? rng.int(0, 12_000) : 0;
    return [
      rng.int(1, 400),
      rng.int(20, model.includes('haiku') ? 900 : 3_000),
      cacheWrite,
      rng.chance(0.15) ? Math.floor(cacheWrite / 2) : 0,
      big ? rng.int(200_001, 400_000) : Math.min(190_000, 8_000 + turn * rng.int(200, 1_500)),
      rng.chance(0.01) ? rng.int(1, 3) : 0,
    ];
  };

  // Sessions: start times over the year (fewer at weekends and at night), lengths log-normal.
  const plans = [];
  for (let i = 0; i < P.sessions; i++) {
    let ts;
    for (;;) {
      ts = start + Math.floor(rng.next() * (end - start));
      const d = new Date(ts);
      const weekend = d.getUTCDay() === 0 || d.getUTCDay() === 6;
      const hour = d.getUTCHours();
      const p = (weekend ? 0.3 : 1) * (hour >= 7 && hour < 20 ? 1 : 0.2);
      if (rng.chance(p)) break;
    }
    plans.push({
      id: rng.uuid(),
      project: rng.weighted(projectWeights),
      start: ts,
      responses: Math.max(3, Math.round(180 * Math.exp(1.0 * rng.normal()))),
      branch: rng.pick(BRANCHES),
      origin: rng.chance(0.12) ? 2 : 1,
    });
  }
  plans.sort((a, b) => a.start - b.start);

  let rows = 0;
  let sessions = 0;
  let agents = 0;
  let files = 0;
  let msgCounter = 0;
  const sessionRows = []; // { id, project, first, last, rows }
  const sessionDirs = new Map(); // project slug dir -> entries
  const writeSession = (plan) => {
    const proj = projects[plan.project].path;
    const slug = proj.replace(/[^a-zA-Z0-9]/g, '-');
    const projectDir = `/home/dev/.claude/projects/${slug}`;
    const mainFile = `${projectDir}/${plan.id}.jsonl`;
    const model = modelFor(plan.start, false);
    const models = new Map();
    const track = (m, u) => {
      const c = models.get(m) ?? {
        inputTokens: 0,
        outputTokens: 0,
        cacheReadInputTokens: 0,
        cacheCreationInputTokens: 0,
        webSearchRequests: 0,
        costUSD: 0,
      };
      c.inputTokens += u[0];
      c.outputTokens += u[1];
      c.cacheCreationInputTokens += u[2];
      c.cacheReadInputTokens += u[4];
      c.webSearchRequests += u[5];
      c.costUSD += (u[0] * 3 + u[1] * 15 + u[2] * 3.75 + u[4] * 0.3) / 1e6;
      models.set(m, c);
    };
    const reported = (ts) => (ts - start) / (end - start) < 0.08;
    const row = (ts, agentId, m, turn) => {
      msgCounter++;
      const n = msgCounter.toString(36).padStart(6, '0');
      const key = rng.chance(0.97)
        ? `msg_01${rng.b62(16)}${n}:req_011C${rng.b62(14)}${n}`
        : `msg_01${rng.b62(16)}${n}`;
      const u = usage(m, turn);
      track(m, u);
      insertUsage.run(
        key,
        ts,
        plan.id,
        agentId,
        agentId === null ? 0 : 1,
        m,
        u[0],
        u[1],
        u[2],
        u[3],
        u[4],
        u[5],
        rng.chance(0.995) ? 1 : 0,
        reported(ts) ? null : 'standard',
        reported(ts) ? (u[0] * 3 + u[1] * 15 + u[2] * 3.75 + u[4] * 0.3) / 1e6 : null,
        proj,
        plan.branch,
        version(ts),
        plan.origin,
      );
      rows++;
    };
    // The main thread: a response every few seconds to minutes, now and then a pause.
    let ts = plan.start;
    const subs = [];
    let mainBytes = 0;
    for (let turn = 0; turn < plan.responses && ts < end; turn++) {
      row(ts, null, model, turn);
      mainBytes += rng.int(3_000, 12_000);
      // Subagents: spawned from about 1 in 150 main responses.
      if (rng.chance(1 / 150)) subs.push({ at: ts, turn });
      ts += rng.int(4, 75) * 1000 + (rng.chance(0.02) ? rng.int(5, 45) * 60_000 : 0);
    }
    const last = Math.min(ts, end - 1);
    const entries = [];
    for (const s of subs) {
      const agentId = rng.hex(17);
      const type = rng.weighted(AGENT_TYPES);
      const m = modelFor(s.at, true);
      const n = Math.max(2, Math.round(30 * Math.exp(0.8 * rng.normal())));
      let t = s.at + 1500;
      let bytes = 0;
      for (let i = 0; i < n && t < end; i++) {
        row(t, agentId, m, i);
        bytes += rng.int(2_000, 9_000);
        t += rng.int(2, 30) * 1000;
      }
      const toolUse = `toolu_01${rng.b62(22)}`;
      insertAgent.run(plan.id, agentId, type, 2);
      insertSpawn.run(plan.id, toolUse, agentId, type);
      const sub = `${projectDir}/${plan.id}/subagents/agent-${agentId}`;
      const mtime = t + rng.int(0, 5_000);
      insertFile.run(
        `${sub}.jsonl`,
        `2049:${rng.int(1e6, 9e7)}`,
        bytes,
        mtime,
        bytes,
        sha(),
        4096,
        sha(),
        mtime + 60_000,
      );
      insertFile.run(
        `${sub}.meta.json`,
        `2049:${rng.int(1e6, 9e7)}`,
        180,
        mtime,
        180,
        '',
        0,
        '',
        mtime + 60_000,
      );
      entries.push(`fagent-${agentId}.jsonl`, `fagent-${agentId}.meta.json`);
      agents++;
      files += 2;
    }
    if (entries.length > 0)
      insertListing.run(`${projectDir}/${plan.id}/subagents`, last, last + 120_000, entries.join('\n'));
    insertFile.run(
      mainFile,
      `2049:${rng.int(1e6, 9e7)}`,
      mainBytes,
      last,
      mainBytes,
      sha(),
      4096,
      sha(),
      last + 60_000,
    );
    files++;
    const costModels = Object.fromEntries(
      [...models].map(([m, c]) => [
        m,
        {
          input: c.inputTokens,
          output: c.outputTokens,
          cacheWrite: c.cacheCreationInputTokens,
          cacheWrite1h: 0,
          cacheRead: c.cacheReadInputTokens,
          webSearch: c.webSearchRequests,
          costUsd: c.costUSD,
        },
      ]),
    );
    const total = [...models.values()].reduce((s, c) => s + c.costUSD, 0);
    if ((plan.start - start) / (end - start) > 0.5)
      insertCostState.run(
        plan.id,
        total,
        JSON.stringify(costModels),
        mainFile,
        mainBytes - 400,
        last + 60_000,
      );
    if (rng.chance(0.03))
      insertProblem.run(
        mainFile,
        rng.int(1, 3000),
        rng.int(0, mainBytes),
        'error',
        rng.pick(PROBLEMS),
        last,
        last,
      );
    let dir = sessionDirs.get(projectDir);
    if (dir === undefined) {
      dir = [];
      sessionDirs.set(projectDir, dir);
    }
    dir.push(`f${plan.id}.jsonl`);
    if (entries.length > 0) dir.push(`d${plan.id}`);
    sessionRows.push({ id: plan.id, project: proj, first: plan.start, last, origin: plan.origin });
    sessions++;
  };

  const usageBytes = () => {
    const pages = db.pragma('page_count', { simple: true });
    const free = db.pragma('freelist_count', { simple: true });
    return (pages - free) * db.pragma('page_size', { simple: true });
  };
  let batch = [];
  const flush = db.transaction((list) => {
    for (const p of list) writeSession(p);
  });
  let lastReport = performance.now();
  for (const plan of plans) {
    batch.push(plan);
    if (batch.length >= 40) {
      flush(batch);
      batch = [];
      if (performance.now() - lastReport > 5000) {
        lastReport = performance.now();
        log(
          `  ${rows.toLocaleString('en-US')} usage rows, ${sessions} sessions, ${mib(usageBytes())} (${secs()})`,
        );
      }
    }
  }
  flush(batch);
  batch = [];
  // Top up with more sessions over the year until the usage alone reaches the target size.
  let topUps = 0;
  // (The ledger of a million rows tops up until its usage rows reach that count instead.)
  const short = () => (P.usageRows === undefined ? usageBytes() < P.usageBytes : rows < P.usageRows);
  while (short()) {
    const more = [];
    for (let i = 0; i < 40; i++) {
      const ts = start + Math.floor(rng.next() * (end - start));
      more.push({
        id: rng.uuid(),
        project: rng.weighted(projectWeights),
        start: ts,
        responses: Math.max(3, Math.round(180 * Math.exp(1.0 * rng.normal()))),
        branch: rng.pick(BRANCHES),
        origin: 1,
      });
    }
    flush(more);
    topUps += more.length;
    if (performance.now() - lastReport > 5000) {
      lastReport = performance.now();
      log(`  topping up: ${rows.toLocaleString('en-US')} usage rows, ${mib(usageBytes())} (${secs()})`);
    }
  }
  log(
    `  ${rows.toLocaleString('en-US')} usage rows in ${sessions} sessions (${topUps} top-up), ${agents} subagents, ${mib(usageBytes())} (${secs()})`,
  );

  // Directory listings, import runs.
  db.transaction(() => {
    const projectEntries = [];
    for (const [dir, entries] of sessionDirs) {
      insertListing.run(dir, end - rng.int(0, 30) * DAY_MS, end, entries.join('\n'));
      projectEntries.push(`d${path.basename(dir)}`);
    }
    insertListing.run('/home/dev/.claude/projects', end, end, projectEntries.join('\n'));
    const run = db.prepare(
      'INSERT INTO import_runs (started_at, finished_at, files_seen, files_read, bytes_read, records, problems) VALUES (?, ?, ?, ?, ?, ?, ?)',
    );
    for (let d = 0; d < P.days; d++) {
      const at = start + d * DAY_MS + rng.int(8, 18) * 3_600_000;
      run.run(
        at,
        at + rng.int(80, 900),
        Math.round((files * d) / P.days),
        rng.int(1, 80),
        rng.int(1e5, 5e7),
        rng.int(10, 9000),
        0,
      );
    }
  })();

  // Tasks: plans → sections → work items with estimates; work items run under session spans (from
  // TOKENLEDGER_TASK at SessionStart, or a task id in a prompt) and some under project spans (`task start`).
  const taskRows = [];
  const spanSessions = new Set();
  let spanCount = 0;
  let live = null;
  db.transaction(() => {
    const insTask =
      db.prepare(`INSERT INTO tasks (id, title, parent_id, status, estimate_tokens, estimate_usd, labels, stage, project, created_at, started_at, ended_at)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
    const insSpan =
      db.prepare(`INSERT INTO spans (scope, session_id, agent_id, project, from_ts, to_ts, task_id, stage, labels, source, created_at)
      VALUES (?, ?, NULL, ?, ?, ?, ?, ?, ?, ?, ?)`);
    const byProject = new Map();
    for (const s of sessionRows) {
      let list = byProject.get(s.project);
      if (list === undefined) {
        list = [];
        byProject.set(s.project, list);
      }
      list.push(s);
    }
    const busy = [...byProject.entries()].filter(([, l]) => l.length >= 20).map(([p]) => p);
    let item = 100;
    for (let p = 1; p <= P.plans; p++) {
      const planId = `PLAN-${p}`;
      const planProject = busy[(p * 7) % busy.length];
      const planStart = end - rng.int(60, 300) * DAY_MS;
      insTask.run(
        planId,
        `Plan ${p}`,
        null,
        p <= 2 ? 'active' : 'done',
        null,
        rng.int(80, 400) * 10,
        null,
        null,
        planProject,
        planStart,
        planStart,
        null,
      );
      taskRows.push(planId);
      for (let s = 1; s <= P.sectionsPerPlan; s++) {
        const sectionId = `${planId}-S${s}`;
        insTask.run(
          sectionId,
          `Section ${s} of plan ${p}`,
          planId,
          'active',
          null,
          rng.int(20, 120) * 10,
          null,
          null,
          planProject,
          planStart,
          planStart,
          null,
        );
        taskRows.push(sectionId);
        for (let w = 0; w < P.itemsPerSection; w++) {
          item++;
          const id = `T-${item}`;
          const candidates = byProject
            .get(planProject)
            .filter((x) => x.first >= planStart && !spanSessions.has(x.id));
          const [lo, hi] = P.spannedSessionsPerItem;
          const chosen = [];
          for (let k = rng.int(lo, hi); k > 0 && candidates.length > 0; k--)
            chosen.push(...candidates.splice(rng.int(0, candidates.length - 1), 1));
          const first = chosen.reduce((m, x) => Math.min(m, x.first), end);
          const lastTs = chosen.reduce((m, x) => Math.max(m, x.last), first);
          const active = p <= 2 && w === P.itemsPerSection - 1;
          const labels = rng.chance(0.5)
            ? JSON.stringify({ category: rng.pick(['feature', 'bugfix', 'tooling', 'docs']) })
            : null;
          insTask.run(
            id,
            `Work item ${item}`,
            sectionId,
            active ? 'active' : 'done',
            rng.int(5, 200) * 1_000_000,
            rng.chance(0.6) ? rng.int(5, 150) : null,
            labels,
            null,
            planProject,
            first,
            first,
            active ? null : lastTs,
          );
          taskRows.push(id);
          for (const x of chosen) {
            const source = rng.chance(0.6) ? 'hook' : 'prompt';
            insSpan.run(
              'session',
              x.id,
              null,
              x.first - 1000,
              x.last + 2000,
              id,
              rng.chance(0.3) ? rng.pick(['plan', 'implement', 'review']) : null,
              null,
              source,
              x.first,
            );
            spanSessions.add(x.id);
            spanCount++;
          }
          // Some items also ran as the project's active task (`tokenledger task start`) for a while.
          if (chosen.length > 0 && (active || rng.chance(0.25))) {
            insSpan.run(
              'project',
              null,
              planProject,
              first - 60_000,
              active ? null : lastTs + 60_000,
              id,
              null,
              labels,
              'task',
              first,
            );
            spanCount++;
          }
          // The live session of the hook benchmark works on the busiest active item.
          if (active && (live === null || chosen.length > live.sessions))
            live = { task: id, project: planProject, sessions: chosen.length };
        }
      }
    }
    db.prepare(
      "INSERT INTO meta (key, value) VALUES ('attribution', 'on') ON CONFLICT (key) DO UPDATE SET value = 'on'",
    ).run();
    // Rows under a span wait for the attribute step (as `openSpan` marks them).
    const mark = db.prepare('UPDATE usage SET attributed = 0 WHERE session_id = ?');
    for (const id of spanSessions) mark.run(id);
    db.prepare(`UPDATE usage SET attributed = 0 WHERE attributed = 1 AND EXISTS (SELECT 1 FROM spans s
      WHERE s.scope = 'project' AND s.project = usage.project AND usage.ts >= s.from_ts AND (s.to_ts IS NULL OR usage.ts < s.to_ts))`).run();
    // Every bucket is new to the rollup.
    db.prepare(
      `INSERT OR IGNORE INTO rollup_dirty (bucket) SELECT DISTINCT ts / ${BUCKET_MS} FROM usage`,
    ).run();
  })();
  log(
    `  ${taskRows.length} tasks, ${spanCount} spans over ${spanSessions.size} sessions; ${files} file cursors (${secs()})`,
  );
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.close();

  // The store's own code: rollups, then the attribute step.
  const store = SqliteStore.open(tmp, { bulk: true });
  // A bulk connection skips automatic WAL checkpoints: finishing the bulk import checkpoints once.
  const bulk = await store.startBulkImport();
  await store.refreshRollup();
  log(`  rollups refreshed (${secs()})`);
  const attributed = await store.attributePending(BIG_STAGE_MAP);
  log(`  ${attributed.toLocaleString('en-US')} rows attributed (${secs()})`);
  const stats = await store.stats();
  await bulk.finish();
  await store.close();

  const fin = new Database(tmp);
  // Estimates near what the work took (done items within 0.6–2.5× of it, active ones still under it),
  // sections and plans about the sum of their children's: a plan's warnings are the exception.
  fin.transaction(() => {
    const actual = new Map(
      fin
        .prepare(
          `SELECT task_id, sum(input_tokens + output_tokens + cache_write_tokens + cache_read_tokens) AS tokens,
             sum(input_tokens * 3 + output_tokens * 15 + cache_write_tokens * 3.75 + cache_read_tokens * 0.3) / 1e6 AS usd
           FROM usage WHERE task_id IS NOT NULL GROUP BY task_id`,
        )
        .all()
        .map((r) => [r.task_id, r]),
    );
    const tasks = fin.prepare('SELECT id, parent_id, status FROM tasks ORDER BY id').all();
    const set = fin.prepare('UPDATE tasks SET estimate_tokens = ?, estimate_usd = ? WHERE id = ?');
    const sums = new Map();
    for (const t of tasks.filter((x) => x.id.startsWith('T-'))) {
      const a = actual.get(t.id) ?? { tokens: 20_000_000, usd: 20 };
      const f = t.status === 'active' ? 1.2 + rng.next() * 1.8 : 0.6 + rng.next() * 1.9;
      const tokens = Math.round((a.tokens * f) / 1e6) * 1e6;
      const usd = rng.chance(0.6) ? Math.round(a.usd * f) : null;
      set.run(tokens, usd, t.id);
      for (let p = t.parent_id; p !== null; p = tasks.find((x) => x.id === p)?.parent_id ?? null) {
        const s = sums.get(p) ?? { tokens: 0, usd: 0 };
        s.tokens += tokens;
        s.usd += usd ?? a.usd * f;
        sums.set(p, s);
      }
    }
    for (const [id, s] of sums) {
      const f = 0.9 + rng.next() * 0.4;
      set.run(rng.chance(0.5) ? Math.round((s.tokens * f) / 1e6) * 1e6 : null, Math.round(s.usd * f), id);
    }
  })();
  fin.pragma('wal_checkpoint(TRUNCATE)');
  // No ANALYZE: tokenledger never runs it, so real ledgers have no sqlite_stat1 and neither does this one.
  const count = (sql) => fin.prepare(sql).pluck().get();
  const info = {
    built: new Date().toISOString(),
    buildSeconds: Math.round((performance.now() - t0) / 1000),
    fromMs: start,
    toMs: end,
    usageRows: stats.records,
    sessions: stats.sessions,
    projects: count('SELECT count(DISTINCT project) FROM usage'),
    subagents: count('SELECT count(*) FROM agents'),
    tasks: count('SELECT count(*) FROM tasks'),
    spans: count('SELECT count(*) FROM spans'),
    files: count('SELECT count(*) FROM files'),
    attributedRows: count('SELECT count(*) FROM usage WHERE task_id IS NOT NULL'),
    rollupRows: count('SELECT count(*) FROM usage_rollup'),
    liveTask: live?.task ?? null,
    liveProject: live?.project ?? null,
    bytes: 0,
  };
  fin.close();
  for (const s of ['-wal', '-shm']) fs.rmSync(tmp + s, { force: true });
  fs.renameSync(tmp, FILE);
  info.bytes = fs.statSync(FILE).size;
  if (P.minBytes !== undefined && info.bytes < P.minBytes)
    throw new Error(`the big ledger is only ${mib(info.bytes)}; raise P.usageBytes`);
  log(
    `${ledger.name === 'big' ? 'big ledger' : `ledger ${ledger.name}`} ready: ${mib(info.bytes)}, ${info.usageRows.toLocaleString('en-US')} usage rows, ${info.sessions} sessions, ${info.files} files, in ${secs()}`,
  );
  return info;
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  const { file, info } = await ensureBigLedger({
    force: process.argv.includes('--force'),
    records: recordsOption(process.argv),
  });
  process.stdout.write(`${JSON.stringify({ file, ...info }, null, 2)}\n`);
}
