/**
 * `tokenledger demo`: fills a separate demo ledger (never the real one) with generated Claude Code
 * history — subagents, forks, relayed progress lines, older transcript styles — imports it through
 * the real pipeline, and shows every report on it.
 * @module
 */
import fs from 'node:fs';
import path from 'node:path';
import { addDays } from '../../analysis/zoned-time.js';
import { dataHome, demoLedgerPath } from '../../config/paths.js';
import { importClaudeHistory } from '../../ledger/import-claude.js';
import { openLedger } from '../../ledger/open-ledger.js';
import { generateHistory } from '../../synthetic/history-generator.js';
import { writeOut } from '../io.js';
import { runPeriod } from './period.js';
import { runReport } from './report.js';
import { runSession } from './session.js';
import { runSummary } from './summary.js';

export async function runDemo(opts: { reset?: boolean; color?: boolean }): Promise<number> {
  const claudeDir = path.join(dataHome(), 'demo', 'claude');
  const db = demoLedgerPath();
  if (opts.reset === true || !fs.existsSync(path.join(claudeDir, 'projects'))) {
    fs.rmSync(path.join(dataHome(), 'demo'), { recursive: true, force: true });
    await writeOut(`Generating demo history in ${claudeDir} …\n`);
    generateHistory({
      configDir: claudeDir,
      seed: 2026,
      targetBytes: 6 << 20,
      fileCount: 70,
      endDate: new Date(),
      days: 35,
      progressCopies: true,
      forkCopies: true,
    });
  }
  const store = openLedger(db);
  try {
    const s = await importClaudeHistory(store, {
      origin: { machine: 'demo-machine', user: 'demo' },
      env: { CLAUDE_CONFIG_DIR: claudeDir },
    });
    if (s.filesRead > 0)
      await writeOut(`Imported ${s.records} API calls from ${s.filesRead} files into the demo ledger.\n`);
  } finally {
    await store.close();
  }
  const common = { db, import: false, color: opts.color, mode: 'auto' as const };
  const today = new Date().toISOString().slice(0, 10);
  const section = (cmd: string) => writeOut(`\n── tokenledger ${cmd} --db ${db}\n\n`);
  await section('');
  await runSummary(common);
  await section(`daily --since ${addDays(today, -6)}`);
  await runPeriod('day', { ...common, since: addDays(today, -6) });
  await section('monthly --breakdown');
  await runPeriod('month', { ...common, breakdown: true });
  await section(`session --since ${addDays(today, -2)} --order desc`);
  await runSession({ ...common, order: 'desc', since: addDays(today, -2) });
  await section('report --by agent');
  await runReport({ ...common, by: 'agent' });
  await section('report --by project,branch');
  await runReport({ ...common, by: 'project,branch' });
  await writeOut(
    `\nThis was generated history in a separate ledger (${db}); your real ledger is untouched.\nTry any report on it yourself, e.g. \`tokenledger report --by model,agent --db ${db} --no-import\`, or add --json.\n`,
  );
  return 0;
}
