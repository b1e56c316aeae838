/**
 * Files read again and again, end to end on one backend: Claude Code transcripts with a planted
 * re-read file are imported by the CLI and given their tasks; `anomalies` flags the file with its
 * reads, counts, baseline and the calls the repeat reads drove (in `--json`, the text and the MCP
 * tool alike); `review` proposes the policy rule with a saving from those calls' tokens at their
 * prices, as a diff real `git apply --check` accepts; a clean control raises and proposes nothing.
 * @module
 */
import fs from 'node:fs';
import path from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { expect } from 'vitest';
import type { Anomaly } from '../../src/analysis/anomalies/anomaly.js';
import type { ReviewResult } from '../../src/app/review-proposals.js';
import type { LedgerStore } from '../../src/ledger/store.js';
import { formatInt, formatUsdPlain } from '../../src/util/format.js';
import { BIN } from '../helpers/built-cli.js';
import type { Sandbox } from '../helpers/cli.js';
import {
  attributeSessions,
  type RereadTruth,
  rereadSessions,
  writeRereadTranscripts,
} from '../helpers/planted-rereads.js';
import { applyCheck, fixtureRepo } from '../helpers/planted-review.js';

export interface RereadLedgers {
  db: string;
  cleanDb: string;
  open: (db: string) => Promise<LedgerStore>;
}

/** Sonnet 4.5 per million tokens: input 3, cache write 3.75, cache read 0.3, output 15. */
function sonnetUsd(c: { input: number; cacheWrite: number; cacheRead: number; output: number }): number {
  return (c.input * 3 + c.cacheWrite * 3.75 + c.cacheRead * 0.3 + c.output * 15) / 1e6;
}

async function load(cli: Sandbox, ledgers: RereadLedgers, db: string, truth: RereadTruth, dir: string) {
  const claude = cli.path(dir);
  writeRereadTranscripts(claude, truth);
  cli.ok(['import', '--db', db], { env: { CLAUDE_CONFIG_DIR: claude } });
  const store = await ledgers.open(db);
  try {
    await attributeSessions(store, truth);
  } finally {
    await store.close();
  }
}

/** The MCP tool's answer (it imports the Claude dir first: nothing new there). */
async function mcpAnomalies(cli: Sandbox, db: string, until: string, claude: string): Promise<unknown> {
  const client = new Client({ name: 'reread-test', version: '1.0.0' });
  await client.connect(
    new StdioClientTransport({
      command: process.execPath,
      args: [BIN, 'mcp', '--db', db],
      env: cli.env({ CLAUDE_CONFIG_DIR: claude }),
    }),
  );
  try {
    const r = await client.callTool({ name: 'anomalies', arguments: { until, days: 7, timezone: 'UTC' } });
    const content = r.content as { type: string; text: string }[];
    return JSON.parse(content[0]?.text ?? 'null');
  } finally {
    await client.close();
  }
}

/** A time's UTC year, month (0-based) and day. */
function utcDate(ms: number): [number, number, number] {
  const d = new Date(ms);
  return [d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()];
}

export async function fileRereadFlow(cli: Sandbox, ledgers: RereadLedgers): Promise<void> {
  // The sessions end at most at noon UTC today, so that no session crosses into another's day
  // (a clean session an hour after R1's time of day would otherwise fall on R2's date after 23:00).
  const real = Date.now();
  const now = Math.min(real, Date.UTC(...utcDate(real), 12));
  const until = new Date(now).toISOString().slice(0, 10);
  // The sessions ran in the repository the review proposes its diffs for.
  const repo = fixtureRepo(cli.path('repo'));
  const truth = rereadSessions(now, true, repo);
  const clean = rereadSessions(now, false, repo);
  await load(cli, ledgers, ledgers.db, truth, 'claude-planted');
  await load(cli, ledgers, ledgers.cleanDb, clean, 'claude-clean');
  const range = ['--until', until, '--days', '7', '-z', 'UTC', '--no-import'];

  // anomalies: the file, its counts, every read, the baseline and the driven calls.
  const report = cli.json<{ anomalies: Anomaly[] }>(['anomalies', '--json', ...range, '--db', ledgers.db]);
  const flags = report.anomalies.filter((a) => a.kind === 'file-reread');
  expect(flags.map((a) => a.subject)).toEqual([{ file: truth.foundation }]);
  const flag = flags[0] as Anomaly;
  expect(flag.evidence.facts).toEqual({
    reads: 13,
    tasks: 6,
    sessions: 7,
    maxReadsInOneTask: 4,
    repeatReads: 7,
    drivenCalls: 7,
    unlinkedReads: 0,
  });
  expect(truth.foundationReads).toHaveLength(13);
  expect(flag.evidence.reads).toEqual(
    truth.foundationReads.map((r) => ({ ...r, repeat: truth.repeatReads.includes(r.dedupKey) })),
  );
  expect(flag.evidence.records.map((r) => r.dedupKey)).toEqual(truth.drivenCalls.map((c) => c.dedupKey));
  const drivenTotal = truth.drivenCalls.reduce(
    (n, c) => n + c.input + c.cacheWrite + c.cacheRead + c.output,
    0,
  );
  expect(flag.evidence.tokens.total).toBe(drivenTotal);
  // Every (file, task) pair of the 35 days: 10 clean tasks × 4 files, R0's two files, R1's two, R2's one.
  expect(flag.baseline).toEqual({
    metric: 'readsPerTask',
    median: 1,
    mad: 0,
    n: 45,
    groupedBy: {},
    scaledBy: null,
  });
  expect(flag.value).toBe(4);
  expect(flag.ratio).toBe(4);
  expect(flag.overrun).toEqual({ unit: 'reads', expected: 6, excess: 7 });
  expect(flag.summary).toContain(
    'foundation.md read 13 times across 6 tasks (7 sessions), up to 4 reads in one task',
  );
  expect(flag.summary).toContain(`drove 7 API calls of ${formatInt(drivenTotal)} tokens`);
  const text = cli.ok(['anomalies', ...range, '--db', ledgers.db], { env: { COLUMNS: '200' } });
  expect(text).toContain('file reread');
  expect(text.replace(/\s+/g, ' ')).toContain(flag.summary.replace(/\s+/g, ' '));
  for (const r of truth.foundationReads) expect(text).toContain(r.dedupKey);
  // The daily file of R2's day lists the flag among its anomalies (the same detectors, one day).
  const r2 = truth.sessions.find((x) => x.task === 'T-R2')?.calls ?? [];
  const day = new Date(r2[0]?.ts ?? 0).toISOString().slice(0, 10);
  const onDay = truth.sessions.flatMap((x) =>
    x.calls.filter((c) => c.read === truth.foundation && new Date(c.ts).toISOString().startsWith(day)),
  );
  // Only R2 reads it that day: its three reads, minutes apart before 12:04 UTC.
  expect(onDay).toHaveLength(3);
  const tree = cli.path('tree');
  cli.ok(['files', 'sync', '--db', ledgers.db, '--all-projects', '--root', tree]);
  const daily = fs.readFileSync(path.join(tree, `usage-${day}.md`), 'utf8');
  const section = daily.slice(daily.indexOf('## Anomalies'), daily.indexOf('## Optimization Candidates'));
  expect(section).toContain(
    '- foundation.md read 3 times in task T-R2 (1 session), up to 3 reads in one task',
  );
  // Its optimization candidates carry the review's file_reread rule on that day alone (the same
  // rule, the whole tree's files named as the agent wrote them): 3 reads in 1 task, and a saving
  // from the calls R2's two repeat reads drove, at their prices.
  const r2Keys = new Set(r2.map((c) => c.dedupKey));
  const r2Driven = truth.drivenCalls.filter((c) => r2Keys.has(c.dedupKey));
  expect(r2Driven).toHaveLength(2);
  const r2Usd = r2Driven.reduce((n, c) => n + sonnetUsd(c), 0);
  const candidates = daily.slice(daily.indexOf('## Optimization Candidates')).split('\n');
  expect(candidates.filter((l) => l.includes('once per task'))).toEqual([
    `- Read ${truth.foundation} once per task: read 3 times across 1 task; est. saving up to ${formatUsdPlain(r2Usd)}.`,
  ]);
  // One project's tree (synced from inside it) names the file relative to the project.
  const own = cli.path('own-tree');
  cli.ok(['files', 'sync', '--db', ledgers.db, '--root', own], { cwd: repo });
  const ownDaily = fs.readFileSync(path.join(own, `usage-${day}.md`), 'utf8');
  expect(ownDaily).toContain(
    `- Read docs/foundation.md once per task: read 3 times across 1 task; est. saving up to ${formatUsdPlain(r2Usd)}.`,
  );
  expect(await mcpAnomalies(cli, ledgers.db, until, cli.path('claude-planted'))).toEqual(
    cli.json(['anomalies', '--json', ...range, '--db', ledgers.db]),
  );

  // review: the policy rule, its saving from the driven calls' tokens and prices, a diff git applies.
  const review = cli.json<ReviewResult>([
    'review',
    '--json',
    '--no-import',
    '--db',
    ledgers.db,
    '--repo',
    repo,
  ]);
  const rereads = review.recommendations.filter((r) => r.kind === 'file_reread');
  expect(rereads.map((r) => [r.type, r.target, r.file])).toEqual([
    ['context_reuse', 'docs/foundation.md', 'CLAUDE.md'],
  ]);
  const item = rereads[0];
  const expectedUsd = truth.drivenCalls.reduce((n, c) => n + sonnetUsd(c), 0);
  expect(item?.savingUsd).toBeCloseTo(expectedUsd, 9);
  expect(item?.diff).toContain(
    '+- Read `docs/foundation.md` once per task and reuse what you learned; it was read 13 times across 6 tasks from ',
  );
  expect(item?.evidence).toContain(`issued by ${truth.repeatReads.join(', ')}`);
  expect(applyCheck(repo, item?.diff ?? '')).toBe('');

  // The clean control: one file read twice in one task is not "again and again".
  const quiet = cli.json<{ anomalies: Anomaly[] }>([
    'anomalies',
    '--json',
    ...range,
    '--db',
    ledgers.cleanDb,
  ]);
  expect(quiet.anomalies).toEqual([]);
  const cleanReview = cli.json<ReviewResult>([
    'review',
    '--json',
    '--no-import',
    '--db',
    ledgers.cleanDb,
    '--repo',
    repo,
  ]);
  expect(cleanReview.recommendations).toEqual([]);
  const cleanTree = cli.path('clean-tree');
  cli.ok(['files', 'sync', '--db', ledgers.cleanDb, '--all-projects', '--root', cleanTree]);
  for (const f of fs.readdirSync(cleanTree).filter((n) => /^usage-.*\.md$/.test(n)))
    expect(fs.readFileSync(path.join(cleanTree, f), 'utf8')).not.toContain('once per task');
}
