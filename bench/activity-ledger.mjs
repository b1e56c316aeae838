#!/usr/bin/env node
// A ledger of API calls with the tool uses their responses asked for, for timing reports by tool,
// skill, MCP server and file (`report --by tool`): sessions of a main thread and subagents over a
// year, each call asking for 0–3 tool uses (tools, MCP tools, skills, files from a few thousand).
// Written through the store's own import path (writeFiles, as a cold import does), so the links and
// rollups are whatever the store keeps.
//
//   node bench/activity-ledger.mjs <ledger file or postgres:// URL> [records] [seed]   (default 1,000,000)
//
// Into a ledger that has usage already (another seed), it is an incremental import of new sessions.
//
// Needs a build (it loads dist/). Identifiers only, as everywhere in the ledger.
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { loadRng, log, ROOT } from './common.mjs';

const [target, countArg, seedArg] = process.argv.slice(2);
if (target === undefined) {
  log('usage: node bench/activity-ledger.mjs <ledger file or postgres:// URL> [records]');
  process.exit(2);
}
const RECORDS = Number(countArg ?? 1_000_000);
const dist = (p) => import(pathToFileURL(path.join(ROOT, 'dist', p)).href);
const { openLedger } = await dist('ledger/open-ledger.js');
const { parseLedgerLocation } = await dist('config/ledger-location.js');
const Rng = await loadRng();
const rng = new Rng(Number(seedArg ?? 20261207));

const DAY_MS = 86_400_000;
const END = Date.UTC(2026, 11, 1);
const START = END - 365 * DAY_MS;
const TOOLS = [
  'Read',
  'Read',
  'Read',
  'Edit',
  'Bash',
  'Bash',
  'Grep',
  'Glob',
  'Write',
  'TodoWrite',
  'WebFetch',
  'Task',
];
const MCP = [
  ['github', 'create_issue'],
  ['github', 'get_pull_request'],
  ['linear', 'list_issues'],
  ['playwright', 'browser_click'],
];
const SKILLS = ['pdf', 'xlsx', 'docx', 'frontend-design'];
const MODELS = ['claude-sonnet-4-5-20250929', 'claude-opus-4-6', 'claude-haiku-4-5-20251001'];
const FILES = Array.from({ length: 3000 }, (_, i) => `/home/dev/p${i % 60}/src/f${i}.ts`);
const pick = (list) => list[Math.floor(rng.next() * list.length)];

function toolUse(dedupKey, id) {
  const r = rng.next();
  const base = {
    dedupKey,
    toolUseId: id,
    tool: null,
    mcpServer: null,
    skill: null,
    agentType: null,
    file: null,
    fileOp: null,
  };
  if (r < 0.1) {
    const [server, tool] = pick(MCP);
    return { ...base, tool, mcpServer: server };
  }
  if (r < 0.14) return { ...base, tool: 'Skill', skill: pick(SKILLS) };
  const tool = pick(TOOLS);
  if (tool === 'Task') return { ...base, tool, agentType: 'Explore' };
  if (['Read', 'Edit', 'Write', 'Grep', 'Glob'].includes(tool))
    return {
      ...base,
      tool,
      file: pick(FILES),
      fileOp: tool === 'Read' ? 'read' : tool === 'Edit' || tool === 'Write' ? 'edit' : 'search',
    };
  return { ...base, tool };
}

/** One session: a main thread and 0–3 subagents, as file writes. */
function session(n, calls) {
  const sessionId = `s${n}-${rng.b62(8)}`;
  const project = `/home/dev/p${Math.floor(rng.next() * 60)}`;
  let t = START + Math.floor(rng.next() * (END - START - DAY_MS));
  const threads = [{ agentId: null, sidechain: false }];
  for (let i = Math.floor(rng.next() * 4); i > 0; i--)
    threads.push({ agentId: `a${rng.b62(10)}`, sidechain: true });
  const writes = threads.map((th) => ({ th, records: [], activities: [] }));
  for (let i = 0; i < calls; i++) {
    const w = writes[i % 3 === 0 ? Math.floor(rng.next() * writes.length) : 0];
    t += 1000 + Math.floor(rng.next() * 20_000);
    const dedupKey = `msg_${rng.b62(20)}:req_${rng.b62(12)}`;
    w.records.push({
      dedupKey,
      source: 'claude-code',
      ts: t,
      sessionId,
      agentId: w.th.agentId,
      sidechain: w.th.sidechain,
      model: w.th.sidechain ? MODELS[2] : pick(MODELS.slice(0, 2)),
      input: 1 + Math.floor(rng.next() * 50),
      output: 10 + Math.floor(rng.next() * 2000),
      cacheWrite: Math.floor(rng.next() * 5000),
      cacheWrite1h: 0,
      cacheRead: Math.floor(rng.next() * 150_000),
      webSearch: 0,
      outputFinal: true,
      speed: null,
      geo: null,
      reportedCost: null,
      project,
      gitBranch: 'main',
      agentVersion: '2.1.0',
    });
    const uses = Math.floor(rng.next() * 4);
    if (uses === 0) w.activities.push(toolUse(dedupKey, ''));
    for (let u = 0; u < uses; u++) w.activities.push(toolUse(dedupKey, `toolu_${rng.b62(16)}`));
  }
  return writes.map((w, i) => ({
    path: `/bench/${sessionId}${i === 0 ? '' : `/subagents/agent-${w.th.agentId}`}.jsonl`,
    cursor: null,
    fromStart: true,
    readAt: Date.now(),
    bytesRead: 0,
    bytesLeft: 0,
    records: w.records,
    costCheckpoints: [],
    agentFacts: [],
    problems: [],
    activities: w.activities.map((a) => (a.toolUseId === '' ? a : a)),
  }));
}

const store = await openLedger(parseLedgerLocation(target));
const started = Date.now();
const bulk = await store.startBulkImport();
try {
  let written = 0;
  let n = 0;
  while (written < RECORDS) {
    const files = [];
    let batch = 0;
    while (batch < 5000 && written + batch < RECORDS) {
      const calls = Math.min(RECORDS - written - batch, 100 + Math.floor(rng.next() * 800));
      files.push(...session(n++, calls));
      batch += calls;
    }
    await store.writeFiles(files, { machine: 'bench', user: 'bench' });
    written += batch;
    if (n % 200 < 10) log(`${written} records, ${((Date.now() - started) / 1000).toFixed(0)} s`);
  }
} finally {
  await bulk.finish();
}
const t = Date.now();
await store.refreshRollup();
log(
  `written in ${((t - started) / 1000).toFixed(1)} s; rollups and links refreshed in ${((Date.now() - t) / 1000).toFixed(1)} s`,
);
await store.close();
