#!/usr/bin/env node
// `npm run bench:anomalies`: times `tokenledger anomalies --json` (warm: the ledger already holds the
// history) on the benchmark corpus, over the corpus's last 7 days against the 28 before them.
//
//   node bench/anomalies.mjs [--runs 5] [--quick] [--small]
//
// --quick uses a tenth of the corpus; --small generates a small history in a temp dir instead (a few
// seconds: it checks that this script works, and is no measurement). Prints one JSON line of results.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { BIN, CORPUS, log, ROOT } from './common.mjs';
import { corpusParams, ensureCorpus } from './corpus.mjs';

const args = process.argv.slice(2);
const flag = (name, fallback) => {
  const i = args.indexOf(name);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};
const quick = args.includes('--quick');
const small = args.includes('--small');
const RUNS = flag('--runs', small ? 2 : 5);

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

function run(cmd, cmdArgs, env) {
  const t0 = performance.now();
  const r = spawnSync(cmd, cmdArgs, {
    env: { PATH: process.env.PATH, ...env },
    encoding: 'utf8',
    maxBuffer: 1 << 30,
  });
  const wall = (performance.now() - t0) / 1000;
  if (r.status !== 0) {
    log(r.stderr);
    throw new Error(`${cmdArgs.join(' ')} exited with ${r.status}`);
  }
  return { wall, stdout: r.stdout };
}

/** A small generated history (a few MB), for checking the script. */
async function smallCorpus(dir) {
  const { generateHistory } = await import(path.join(ROOT, 'dist', 'synthetic', 'history-generator.js'));
  const params = { ...corpusParams(true), targetBytes: 4 * 2 ** 20, fileCount: 30 };
  generateHistory({ ...params, configDir: dir, endDate: new Date(`${params.endDate}T00:00:00Z`) });
  return params;
}

async function main() {
  if (!fs.existsSync(path.join(ROOT, 'dist', 'bin', 'main.cjs'))) {
    log('dist/ is missing: run `npm run build` first.');
    process.exit(1);
  }
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'tl-bench-anomalies-'));
  try {
    let claude = CORPUS;
    let params = corpusParams(quick);
    if (small) {
      claude = path.join(work, 'claude');
      params = await smallCorpus(claude);
    } else {
      await ensureCorpus(params);
    }
    const env = {
      CLAUDE_CONFIG_DIR: claude,
      TZ: 'UTC',
      TOKENLEDGER_HOME: path.join(work, 'home'),
      NO_COLOR: '1',
    };
    const imported = run(process.execPath, [BIN, 'import', '--json'], env);
    const records = JSON.parse(imported.stdout).records;
    log(`imported ${records} records in ${imported.wall.toFixed(2)} s`);
    const cmd = [BIN, 'anomalies', '--json', '--no-import', '--until', params.endDate, '--days', '7'];
    const times = [];
    let found = 0;
    for (let i = 0; i < RUNS; i++) {
      const r = run(process.execPath, cmd, env);
      times.push(r.wall);
      found = JSON.parse(r.stdout).anomalies.length;
      log(`anomalies run ${i + 1}: ${r.wall.toFixed(2)} s, ${found} anomalies`);
    }
    process.stdout.write(
      `${JSON.stringify({ corpus: small ? 'small' : quick ? 'quick' : 'full', records, runs: RUNS, anomaliesSeconds: median(times), anomalies: found })}\n`,
    );
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

await main();
