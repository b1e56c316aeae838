/**
 * `tokenledger demo`: fills a separate demo ledger (never the real one) with generated Claude Code
 * history — subagents, forks, relayed progress lines, older transcript styles — imports it through
 * the real pipeline, attributes recent sessions to a plan of tasks with stages and estimates, records
 * one task as declared telemetry, and shows every report on it, step by step: each step is the real
 * command, run on the demo ledger and config, and prints the command line a user would type.
 * @module
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { addDays } from '../../analysis/zoned-time.js';
import { type DemoProgress, prepareDemoLedger } from '../../app/demo-ledger.js';
import { DEMO_PLAN } from '../../app/demo-plan.js';
import { formatInt } from '../../util/format.js';
import { describeImported } from '../import-counts.js';
import { writeOut } from '../io.js';
import { runBlocks } from './blocks.js';
import { runFilesSync } from './files.js';
import { runPeriod } from './period.js';
import { runReport } from './report.js';
import { runSession } from './session.js';
import { runStatus } from './status.js';
import { runSummary } from './summary.js';
import { runTaskList, runTaskShow } from './task.js';
import { runVariance } from './variance.js';

/** What every step runs with: the demo ledger and config, no import (the demo imported already). */
export interface DemoContext {
  db: string;
  config: string;
  /** Where the `.token-usage/` tree is written this time (a fresh temp dir). */
  tree: string;
  today: string;
  common: { db: string; config: string; import: false; color: boolean | undefined; mode: 'auto' };
}

/** One step: the command line a user would type (without `tokenledger` and `--db`), and its run. */
export interface DemoStep {
  command: (c: DemoContext) => string;
  run: (c: DemoContext) => Promise<number>;
}

const step = (command: string | ((c: DemoContext) => string), run: DemoStep['run']): DemoStep => ({
  command: typeof command === 'string' ? () => command : command,
  run,
});

/** The demo, in order. Every report the CLI has appears here. */
export const DEMO_STEPS: readonly DemoStep[] = [
  step('', (c) => runSummary(c.common)),
  step(
    (c) => `daily --since ${addDays(c.today, -6)}`,
    (c) => runPeriod('day', { ...c.common, since: addDays(c.today, -6) }),
  ),
  step('weekly', (c) => runPeriod('week', c.common)),
  step('monthly --breakdown', (c) => runPeriod('month', { ...c.common, breakdown: true })),
  step(
    (c) => `session --since ${addDays(c.today, -2)} --order desc`,
    (c) => runSession({ ...c.common, order: 'desc', since: addDays(c.today, -2) }),
  ),
  step('blocks --recent --token-limit max', (c) =>
    runBlocks({ ...c.common, recent: true, tokenLimit: 'max', sessionLength: '5', refreshInterval: '5' }),
  ),
  step('report --by agent', (c) => runReport({ ...c.common, by: 'agent' })),
  step('report --by project,branch', (c) => runReport({ ...c.common, by: 'project,branch' })),
  step('task list', (c) => runTaskList(c.common)),
  step(`task show ${DEMO_PLAN}`, (c) => runTaskShow(DEMO_PLAN, c.common)),
  step('report --by task,stage', (c) => runReport({ ...c.common, by: 'task,stage' })),
  step('variance --by parent', (c) => runVariance({ ...c.common, by: 'parent' })),
  step(
    (c) => `files sync --all-projects --root ${c.tree}`,
    (c) => runFilesSync({ ...c.common, root: c.tree, allProjects: true }),
  ),
  step('status', (c) => runStatus(c.common)),
];

/** The files of the tree, relative to it, one per line. */
function treeListing(root: string): string {
  if (!fs.existsSync(root)) return '  (nothing written)';
  const files = fs
    .readdirSync(root, { recursive: true, encoding: 'utf8' })
    .filter((f) => fs.statSync(path.join(root, f)).isFile())
    .sort();
  return files.map((f) => `  ${f}`).join('\n');
}

/** What the demo tells while its ledger is prepared. */
async function progressLine(p: DemoProgress): Promise<void> {
  if (p.step === 'generating') await writeOut(`Generating demo history in ${p.claudeDir} …\n`);
  else if (p.step === 'imported')
    await writeOut(
      `Imported ${describeImported(p.summary)} from ${formatInt(p.summary.filesRead)} transcript files into the demo ledger.\n`,
    );
  else if (p.step === 'attributed')
    await writeOut(
      `Attributed ${p.plan}'s three tasks to recent sessions, with stages and estimates (one of them overruns).\n`,
    );
  else await writeOut(`Recorded task ${p.task} as an agent declares it (usage-tracker telemetry).\n`);
}

export async function runDemo(opts: { reset?: boolean; color?: boolean }): Promise<number> {
  const tree = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'tokenledger-demo-')), '.token-usage');
  const { db, config } = await prepareDemoLedger({ reset: opts.reset, tree, onProgress: progressLine });
  const c: DemoContext = {
    db,
    config,
    tree,
    today: new Date().toISOString().slice(0, 10),
    common: { db, config, import: false, color: opts.color, mode: 'auto' },
  };
  for (const s of DEMO_STEPS) {
    const command = s.command(c);
    await writeOut(`\n── tokenledger ${command}${command === '' ? '' : ' '}--db ${db}\n\n`);
    await s.run(c);
  }
  await writeOut(
    `\nThe .token-usage/ tree was written to ${tree} (a temp dir; delete it when you are done):\n${treeListing(tree)}\n`,
  );
  await writeOut(
    `\nThis was generated history in a separate ledger (${db}, config ${config}); your real ledger is untouched.\nTry any report on it yourself, e.g. \`tokenledger report --by model,agent --db ${db} --config ${config} --no-import\`, or add --json.\n`,
  );
  return 0;
}
