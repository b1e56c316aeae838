#!/usr/bin/env node
// Throughput of the transcript import's parse step (src/capture, compiled to dist/): every file of a
// generated Claude Code history read by importClaudeFile, single-threaded, no ledger.
//
//   npm run build && node bench/transcripts.mjs [--mb 120] [--runs 5] [--dir <scratch dir>]
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { importClaudeFile } from '../dist/capture/claude/adapter.js';
import { generateHistory } from '../dist/synthetic/history-generator.js';

const { values: args } = parseArgs({
  options: {
    mb: { type: 'string', default: '120' },
    runs: { type: 'string', default: '5' },
    dir: { type: 'string', default: path.join(os.tmpdir(), 'tokenledger-bench-transcripts') },
  },
});
const params = {
  seed: 7,
  targetBytes: Number(args.mb) * 2 ** 20,
  fileCount: 300,
  endDate: new Date('2026-11-20T00:00:00Z'),
  days: 30,
};
const stamp = path.join(args.dir, 'params.json');
if (!fs.existsSync(stamp) || fs.readFileSync(stamp, 'utf8') !== JSON.stringify(params)) {
  fs.rmSync(args.dir, { recursive: true, force: true });
  generateHistory({ ...params, configDir: args.dir });
  fs.writeFileSync(stamp, JSON.stringify(params));
}
const files = [];
(function walk(d) {
  for (const e of fs.readdirSync(d, { withFileTypes: true })) {
    const p = path.join(d, e.name);
    if (e.isDirectory()) walk(p);
    else if (e.name.endsWith('.jsonl')) files.push(p);
  }
})(path.join(args.dir, 'projects'));
const bytes = files.reduce((n, f) => n + fs.statSync(f).size, 0);
const rates = [];
let records = 0;
let activities = 0;
for (let run = 0; run < Number(args.runs); run++) {
  const t0 = performance.now();
  records = 0;
  activities = 0;
  for (const f of files) {
    const kind = f.includes(`${path.sep}subagents${path.sep}`) ? 'subagent' : 'main';
    const r = importClaudeFile({ path: f, previous: null, kind, sessionHint: null, agentHint: null });
    records += r.records.length;
    activities += r.activities?.length ?? 0;
  }
  rates.push(bytes / 1e6 / ((performance.now() - t0) / 1000));
}
rates.sort((a, b) => a - b);
const median = rates[Math.floor(rates.length / 2)];
console.log(
  `transcripts: ${files.length} files, ${(bytes / 1e6).toFixed(0)} MB, ${records} records, ${activities} tool-activity rows; runs (MB/s): ${rates.map((r) => r.toFixed(0)).join(' ')}; median ${median.toFixed(0)} MB/s`,
);
