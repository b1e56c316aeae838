#!/usr/bin/env node
// `npm run bench`: tokenledger against ccusage 20.0.24 on a synthetic heavy-user history, side by side
// in one run (these machines are noisy: compare ratios, not absolute times).
//
//   npm run bench [-- --runs 5] [--warm-runs 15] [--incr-runs 5] [--quick] [--skip-hooks | --hooks-only] [--skip-pg] [--skip-analysis] [--analysis-records 1m|3m]
//
// Measures, for issue 2's criteria:
//   cold   import + `daily --json` on an empty ledger, vs `ccusage claude daily --offline --json`
//   warm   `daily --json` with nothing new (p50), vs ccusage (which re-reads everything every time)
//   incr   `daily --json` after appending 1% new lines, as a share of the cold time
//   totals ours == ccusage == the generator's ground truth, before and after the append
//   blocks `blocks --json` (warm) vs `ccusage blocks --offline --json`: timed, and compared block by
//          block (starts, gaps, entries, token counts; bench/blocks.mjs)
// Then, for issue 3, `tokenledger hook` and `statusline` on a 1 GiB ledger (bench/hooks.mjs; skip it
// with --skip-hooks, or run only it with --hooks-only), its figures merged in as `hooks`. Then, for
// issue 12, the PostgreSQL ledger beside SQLite (bench/pg.mjs; skip it with --skip-pg), as `postgres`.
// Then every analysis command on a ledger of 1M usage records (the criterion's size; the ledger of
// about 3M with --analysis-records 3m), on SQLite and PostgreSQL (bench/analysis.mjs; skip it with
// --skip-analysis), as `analysis`.
// Writes bench/results/latest.json and prints a Markdown block for BENCHMARKS.md.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { blocksMarkdown, runBlocksBench } from './blocks.mjs';
import { BIN, CORPUS, log, machine, PEER_BIN, PEER_DIR, PEER_VERSION, ROOT } from './common.mjs';
import { corpusParams, ensureCorpus, STAMP } from './corpus.mjs';

const GNU_TIME = fs.existsSync('/usr/bin/time') ? '/usr/bin/time' : null;

const args = process.argv.slice(2);
const flag = (name, fallback) => {
  const i = args.indexOf(name);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};
const quick = args.includes('--quick');
const hooksOnly = args.includes('--hooks-only');
const skipHooks = args.includes('--skip-hooks');
const skipPg = args.includes('--skip-pg');
const skipAnalysis = args.includes('--skip-analysis');
const analysisRecords = args.includes('--analysis-records')
  ? args[args.indexOf('--analysis-records') + 1]
  : '1m';
const RUNS = flag('--runs', quick ? 1 : 5);
const WARM_RUNS = flag('--warm-runs', quick ? 5 : 15);
const INCR_RUNS = flag('--incr-runs', quick ? 1 : 5);
const CORPUS_PARAMS = corpusParams(quick);

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

function ensureBuild() {
  if (!fs.existsSync(path.join(ROOT, 'dist', 'bin', 'main.cjs'))) {
    log('dist/ is missing: run `npm run build` first (npm run bench does it through prebench).');
    process.exit(1);
  }
}

function ensurePeer() {
  if (fs.existsSync(PEER_BIN)) return { bin: PEER_BIN, version: PEER_VERSION };
  log(`installing ccusage@${PEER_VERSION} (the peer) into ${PEER_DIR} …`);
  fs.mkdirSync(PEER_DIR, { recursive: true });
  const r = spawnSync(
    'npm',
    ['install', '--prefix', PEER_DIR, '--no-save', '--no-audit', '--no-fund', `ccusage@${PEER_VERSION}`],
    { stdio: ['ignore', 'inherit', 'inherit'] },
  );
  if (r.status !== 0 || !fs.existsSync(PEER_BIN))
    return { bin: null, version: PEER_VERSION, reason: 'npm install failed' };
  return { bin: PEER_BIN, version: PEER_VERSION };
}

/** Runs a command; returns wall seconds, peak RSS in MB (when GNU time is available), stdout. */
function timed(cmd, cmdArgs, env) {
  const full = GNU_TIME ? [GNU_TIME, ['-f', '__TL_RSS__%M', cmd, ...cmdArgs]] : [cmd, cmdArgs];
  const t0 = performance.now();
  const r = spawnSync(full[0], full[1], {
    env: { ...process.env, ...env },
    encoding: 'utf8',
    maxBuffer: 256 << 20,
  });
  const wall = (performance.now() - t0) / 1000;
  const m = /__TL_RSS__(\d+)/.exec(r.stderr ?? '');
  if (r.status !== 0) throw new Error(`${cmd} ${cmdArgs.join(' ')} failed (${r.status}):\n${r.stderr}`);
  return { wall, rssMb: m ? Number(m[1]) / 1024 : null, stdout: r.stdout };
}

const totalsOf = (json) => {
  const t = JSON.parse(json).totals;
  return {
    input: t.inputTokens,
    output: t.outputTokens,
    cacheCreation: t.cacheCreationTokens,
    cacheRead: t.cacheReadTokens,
  };
};
const truthTotals = (t) => ({
  input: t.inputTokens,
  output: t.outputTokens,
  cacheCreation: t.cacheCreationTokens,
  cacheRead: t.cacheReadTokens,
});
const same = (a, b) =>
  a.input === b.input &&
  a.output === b.output &&
  a.cacheCreation === b.cacheCreation &&
  a.cacheRead === b.cacheRead;

async function main() {
  ensureBuild();
  const peer = ensurePeer();
  const truth = await ensureCorpus(CORPUS_PARAMS);
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'tl-bench-'));
  const env = { CLAUDE_CONFIG_DIR: CORPUS, TZ: 'UTC', TOKENLEDGER_HOME: home, NO_COLOR: '1' };
  const ours = ['daily', '--json'];
  const theirs = ['claude', 'daily', '--offline', '--json'];
  const result = {
    date: new Date().toISOString(),
    machine: machine(),
    corpus: { files: truth.files, bytes: truth.bytes, lines: truth.lines, responses: truth.totals.responses },
    peer: `ccusage ${peer.version}`,
  };
  const checks = [];
  try {
    // Cold: alternate the two tools so machine noise hits both alike.
    const cold = { ours: [], peer: [] };
    let oursTotals = null;
    let peerTotals = null;
    for (let i = 0; i < RUNS; i++) {
      fs.rmSync(home, { recursive: true, force: true });
      fs.mkdirSync(home);
      const o = timed(process.execPath, [BIN, ...ours], env);
      cold.ours.push(o);
      oursTotals = totalsOf(o.stdout);
      if (peer.bin) {
        const p = timed(peer.bin, theirs, env);
        cold.peer.push(p);
        peerTotals = totalsOf(p.stdout);
      }
      log(
        `cold run ${i + 1}: ours ${o.wall.toFixed(2)} s (${o.rssMb?.toFixed(0)} MB)${peer.bin ? `, ccusage ${cold.peer[i].wall.toFixed(2)} s (${cold.peer[i].rssMb?.toFixed(0)} MB)` : ''}`,
      );
    }
    // Warm: nothing new.
    // Interleaved with a bare `node -e 0`, the floor any Node CLI pays here: it shows how loaded the
    // machine is while the absolute figure is taken.
    const warm = [];
    const floor = [];
    // The same without NODE_EXTRA_CA_CERTS, which this machine sets for its proxy and which makes
    // Node 20 parse certificate bundles at every start (nodejs/node#40524): for comparison only.
    const clean = { ...env, NODE_EXTRA_CA_CERTS: '' };
    const floorClean = [];
    const warmClean = [];
    for (let i = 0; i < WARM_RUNS; i++) {
      floor.push(timed(process.execPath, ['-e', '0'], env).wall);
      floorClean.push(timed(process.execPath, ['-e', '0'], clean).wall);
      warmClean.push(timed(process.execPath, [BIN, ...ours], clean).wall);
      warm.push(timed(process.execPath, [BIN, ...ours], env).wall);
    }
    // Blocks: on the clean corpus and the warm ledger, before the append.
    const blocks = runBlocksBench({ timed, env, peer, runs: RUNS, median, log });
    result.blocks = blocks.result;
    checks.push(...blocks.checks);
    const coldOurs = median(cold.ours.map((r) => r.wall));
    const coldPeer = peer.bin ? median(cold.peer.map((r) => r.wall)) : null;
    const warmP50 = median(warm);
    // Incremental: append 1% new lines to existing sessions, then report.
    const { appendToHistory } = await import(path.join(ROOT, 'dist', 'synthetic', 'history-appender.js'));
    const sizes = new Map();
    const stamp = JSON.parse(fs.readFileSync(STAMP, 'utf8'));
    fs.writeFileSync(STAMP, JSON.stringify({ ...stamp, clean: false }));
    const appendLines = Math.round(truth.lines * 0.01);
    const snapshot = (files) => {
      for (const f of files) if (!sizes.has(f)) sizes.set(f, fs.statSync(f).size);
    };
    let appended;
    // Remember sizes before appending, so the corpus can be restored exactly afterwards.
    // Every transcript, subagent files included: the appender may write to any of them.
    const transcripts = () =>
      fs
        .readdirSync(path.join(CORPUS, 'projects'), { recursive: true, encoding: 'utf8' })
        .filter((rel) => rel.endsWith('.jsonl'))
        .map((rel) => path.join(CORPUS, 'projects', rel));
    snapshot(transcripts());
    const restoreCorpus = () => {
      for (const f of transcripts()) {
        const size = sizes.get(f);
        if (size === undefined) fs.rmSync(f);
        else if (fs.statSync(f).size !== size) fs.truncateSync(f, size);
      }
    };
    // The same append on the same ledger INCR_RUNS times (corpus and ledger restored in between):
    // one sample is too noisy on these machines.
    const backup = fs.mkdtempSync(path.join(os.tmpdir(), 'tl-bench-ledger-'));
    const ledgerFiles = () => fs.readdirSync(home).filter((f) => f.startsWith('ledger.db'));
    for (const f of ledgerFiles()) fs.copyFileSync(path.join(home, f), path.join(backup, f));
    try {
      const walls = [];
      let incr;
      for (let i = 0; i < INCR_RUNS; i++) {
        if (i > 0) {
          restoreCorpus();
          for (const f of ledgerFiles()) fs.rmSync(path.join(home, f));
          for (const f of fs.readdirSync(backup)) fs.copyFileSync(path.join(backup, f), path.join(home, f));
        }
        appended = appendToHistory({
          configDir: CORPUS,
          lines: appendLines,
          files: 30,
          seed: 7,
          at: new Date(`${CORPUS_PARAMS.endDate}T12:00:00Z`),
        });
        incr = timed(process.execPath, [BIN, ...ours], env);
        walls.push(incr.wall);
      }
      const incrWall = median(walls);
      const after = totalsOf(incr.stdout);
      const want = {
        input: truth.totals.inputTokens + appended.inputTokens,
        output: truth.totals.outputTokens + appended.outputTokens,
        cacheCreation: truth.totals.cacheCreationTokens + appended.cacheCreationTokens,
        cacheRead: truth.totals.cacheReadTokens + appended.cacheReadTokens,
      };
      checks.push(['totals after the append equal the ground truth', same(after, want)]);
      if (peer.bin)
        checks.push([
          'totals after the append equal ccusage',
          same(after, totalsOf(timed(peer.bin, theirs, env).stdout)),
        ]);
      result.incremental = {
        appendedLines: appended.lines,
        files: appended.files.length,
        wall: incrWall,
        runs: walls,
        shareOfCold: incrWall / coldOurs,
      };
      log(
        `incremental (+${appended.lines} lines in ${appended.files.length} files): ${walls.map((w) => w.toFixed(3)).join(', ')} s, median ${((incrWall / coldOurs) * 100).toFixed(1)}% of cold`,
      );
    } finally {
      fs.rmSync(backup, { recursive: true, force: true });
      restoreCorpus();
      fs.writeFileSync(STAMP, JSON.stringify({ ...stamp, clean: true }));
    }
    checks.push(['our cold totals equal the ground truth', same(oursTotals, truthTotals(truth.totals))]);
    if (peer.bin) checks.push(['our cold totals equal ccusage', same(oursTotals, peerTotals)]);
    const peakRss = Math.max(...cold.ours.map((r) => r.rssMb ?? 0));
    Object.assign(result, {
      cold: {
        ours: coldOurs,
        peer: coldPeer,
        ratio: coldPeer ? coldOurs / coldPeer : null,
        oursPeakRssMb: GNU_TIME ? peakRss : null,
        peerPeakRssMb: GNU_TIME && peer.bin ? Math.max(...cold.peer.map((r) => r.rssMb ?? 0)) : null,
      },
      warm: {
        p50: warmP50,
        min: Math.min(...warm),
        floorP50: median(floor),
        caVarSet: (process.env.NODE_EXTRA_CA_CERTS ?? '') !== '',
        withoutCaVar: { p50: median(warmClean), floorP50: median(floorClean) },
        peerMedian: coldPeer,
        speedup: coldPeer ? coldPeer / warmP50 : null,
      },
      totals: { ours: oursTotals, peer: peerTotals, truth: truthTotals(truth.totals) },
      checks: Object.fromEntries(checks),
    });
    const criteria = [
      [
        'cold import + daily: ratio to ccusage ≤ 1.5',
        result.cold.ratio === null || result.cold.ratio <= 1.5,
        result.cold.ratio?.toFixed(2),
      ],
      [
        'cold peak RSS ≤ 200 MB',
        result.cold.oursPeakRssMb === null || result.cold.oursPeakRssMb <= 200,
        result.cold.oursPeakRssMb?.toFixed(0),
      ],
      ['warm daily p50 ≤ 150 ms', warmP50 <= 0.15, `${(warmP50 * 1000).toFixed(0)} ms`],
      [
        'warm daily ≥ 15× faster than ccusage',
        result.warm.speedup === null || result.warm.speedup >= 15,
        result.warm.speedup?.toFixed(1),
      ],
      [
        'after +1% lines ≤ 5% of cold',
        result.incremental.shareOfCold <= 0.05,
        `${(result.incremental.shareOfCold * 100).toFixed(1)}%`,
      ],
      ...checks.map(([name, ok]) => [name, ok, ok ? 'yes' : 'NO']),
    ];
    result.criteria = criteria.map(([name, ok, value]) => ({ name, ok, value }));
    fs.mkdirSync(path.join(ROOT, 'bench', 'results'), { recursive: true });
    fs.writeFileSync(
      path.join(ROOT, 'bench', 'results', 'latest.json'),
      `${JSON.stringify(result, null, 2)}\n`,
    );
    printMarkdown(result);
    process.exitCode = criteria.every(([, ok]) => ok) ? 0 : 1;
  } finally {
    fs.rmSync(home, { recursive: true, force: true });
  }
}

function printMarkdown(r) {
  const s = (x) => (x === null || x === undefined ? 'n/a' : `${x.toFixed(2)} s`);
  const lines = [
    `### ${r.date.slice(0, 10)} — ${r.machine.cores} cores (${r.machine.cpu}), ${r.machine.memoryGiB} GiB, ${r.machine.os}, Node ${r.machine.node}`,
    '',
    `Corpus: ${r.corpus.files} files, ${(r.corpus.bytes / 2 ** 30).toFixed(2)} GiB, ${r.corpus.lines.toLocaleString('en-US')} lines, ${r.corpus.responses.toLocaleString('en-US')} API responses. Peer: ${r.peer}. Medians of ${RUNS} cold runs, ${WARM_RUNS} warm runs, ${INCR_RUNS} incremental runs.`,
    '',
    '| measure | tokenledger | ccusage | ratio / criterion |',
    '| --- | ---: | ---: | --- |',
    `| cold import + \`daily --json\` | ${s(r.cold.ours)} | ${s(r.cold.peer)} | ${r.cold.ratio?.toFixed(2) ?? 'n/a'} (≤ 1.5) |`,
    `| peak RSS, cold | ${r.cold.oursPeakRssMb?.toFixed(0) ?? 'n/a'} MB | ${r.cold.peerPeakRssMb?.toFixed(0) ?? 'n/a'} MB | ≤ 200 MB |`,
    `| warm \`daily --json\`, nothing new (p50) | ${(r.warm.p50 * 1000).toFixed(0)} ms | ${s(r.warm.peerMedian)} | ${r.warm.speedup?.toFixed(1) ?? 'n/a'}× faster (≥ 15×, ≤ 150 ms) |`,
    `| bare \`node -e 0\` (the floor, interleaved with the warm runs, p50) | ${(r.warm.floorP50 * 1000).toFixed(0)} ms | — | warm = ${(r.warm.p50 / r.warm.floorP50).toFixed(2)}× the floor |`,
    `| the same two with NODE_EXTRA_CA_CERTS cleared${r.warm.caVarSet ? ' (this machine sets it)' : ''}: warm, floor | ${(r.warm.withoutCaVar.p50 * 1000).toFixed(0)} ms, ${(r.warm.withoutCaVar.floorP50 * 1000).toFixed(0)} ms | — | for comparison |`,
    `| after appending 1% new lines | ${s(r.incremental.wall)} | — | ${(r.incremental.shareOfCold * 100).toFixed(1)}% of cold (≤ 5%) |`,
    ...blocksMarkdown(r.blocks).rows,
    '',
    ...blocksMarkdown(r.blocks).notes.flatMap((n) => [n, '']),
    ...r.criteria.map((c) => `- ${c.ok ? '✅' : '❌'} ${c.name}: ${c.value}`),
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}

/** Issue 3's section (bench/hooks.mjs): its figures go into latest.json as `hooks`, its Markdown after ours. */
async function hooks(merge) {
  if (!merge) ensurePeer();
  const { runHooksBench, toJson } = await import('./hooks.mjs');
  const { result, markdown, ok } = await runHooksBench({ quick });
  const latest = path.join(ROOT, 'bench', 'results', 'latest.json');
  if (merge && fs.existsSync(latest)) {
    const all = JSON.parse(fs.readFileSync(latest, 'utf8'));
    fs.writeFileSync(latest, toJson({ ...all, hooks: result }));
  }
  process.stdout.write(`${merge ? '\n' : ''}${markdown}`);
  if (!ok) process.exitCode = 1;
}

/** The PostgreSQL ledger beside SQLite (bench/pg.mjs), merged in as `postgres`. */
async function postgres() {
  const { runPgBench, pgMarkdown } = await import('./pg.mjs');
  const result = await runPgBench({ quick });
  const latest = path.join(ROOT, 'bench', 'results', 'latest.json');
  if (fs.existsSync(latest)) {
    const all = JSON.parse(fs.readFileSync(latest, 'utf8'));
    fs.writeFileSync(latest, `${JSON.stringify({ ...all, postgres: result }, null, 2)}\n`);
  }
  process.stdout.write(`\n${pgMarkdown(result)}\n`);
  if (result.skipped === undefined && !result.criteria.every((c) => c.ok)) process.exitCode = 1;
}

/** Every analysis command on the 1M (or 3M) ledger, SQLite and PostgreSQL (bench/analysis.mjs), merged in as `analysis`. */
async function analysis() {
  const { runAnalysisBench, analysisMarkdown, analysisResultsFile } = await import('./analysis.mjs');
  const result = await runAnalysisBench({ quick, skipPg, records: analysisRecords });
  fs.writeFileSync(
    path.join(ROOT, 'bench', 'results', analysisResultsFile(analysisRecords)),
    `${JSON.stringify(result, null, 2)}\n`,
  );
  const latest = path.join(ROOT, 'bench', 'results', 'latest.json');
  if (fs.existsSync(latest)) {
    const all = JSON.parse(fs.readFileSync(latest, 'utf8'));
    fs.writeFileSync(latest, `${JSON.stringify({ ...all, analysis: result }, null, 2)}\n`);
  }
  process.stdout.write(`\n${analysisMarkdown(result)}\n`);
  if (!result.criteria.every((c) => c.ok)) process.exitCode = 1;
}

if (!hooksOnly) await main();
if (!skipHooks) await hooks(!hooksOnly);
if (!hooksOnly && !skipPg) await postgres();
if (!hooksOnly && !skipAnalysis) await analysis();
