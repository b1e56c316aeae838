/**
 * The demo's ledger (`tokenledger demo`): a separate ledger and config (never the real ones) filled
 * with generated Claude Code history (subagents, forks, relayed progress lines, older transcript
 * styles), imported through the real pipeline, attributed to a plan of tasks with stages and
 * estimates, and one task recorded as declared telemetry. Made once, and again with `reset` or when
 * an older version made it.
 * @module
 */
import fs from 'node:fs';
import path from 'node:path';
import { dataHome, demoLedgerPath } from '../config/paths.js';
import { openLedger } from '../ledger/open-ledger.js';
import { generateHistory } from '../synthetic/history-generator.js';
import {
  addDemoPlan,
  DEMO_PLAN,
  DEMO_STAGES,
  DEMO_TELEMETRY_TASK,
  recordDemoTelemetry,
} from './demo-plan.js';
import { type ImportSummary, importClaudeHistory } from './import/import-claude.js';

export interface DemoLedger {
  /** The demo ledger file. */
  db: string;
  /** The demo's config file. */
  config: string;
  /** Its generated Claude config dir. */
  claudeDir: string;
  /** True when the history was generated (again) this time. */
  fresh: boolean;
}

/** A step done while preparing, for the user to follow. */
export type DemoProgress =
  | { step: 'generating'; claudeDir: string }
  | { step: 'imported'; summary: ImportSummary }
  | { step: 'attributed'; plan: string }
  | { step: 'telemetry'; task: string };

export interface DemoLedgerOptions {
  /** Generate the history again even if it is there. */
  reset?: boolean | undefined;
  /** Where the declared task's `.token-usage/` tree is written. */
  tree: string;
  /** Told each step, before (generating) or after (the others) it is done. */
  onProgress?: (progress: DemoProgress) => Promise<void> | void;
  now?: Date;
}

/** The demo's config: its Claude dir, its own machine and user, and the stages of the generated subagent types. */
function writeDemoConfig(file: string, claudeDir: string): void {
  const config = { claudeDirs: [claudeDir], machine: 'demo-machine', user: 'demo', stages: DEMO_STAGES };
  fs.writeFileSync(file, `${JSON.stringify(config, null, 2)}\n`);
}

/** Makes the demo ledger if needed and imports what its history gained. */
export async function prepareDemoLedger(options: DemoLedgerOptions): Promise<DemoLedger> {
  const tell = async (p: DemoProgress) => options.onProgress?.(p);
  const home = path.join(dataHome(), 'demo');
  const claudeDir = path.join(home, 'claude');
  const db = demoLedgerPath();
  const config = path.join(home, 'config.json');
  // A demo made by an older version (no config) is made again.
  const fresh =
    options.reset === true || !fs.existsSync(path.join(claudeDir, 'projects')) || !fs.existsSync(config);
  if (fresh) {
    fs.rmSync(home, { recursive: true, force: true });
    await tell({ step: 'generating', claudeDir });
    generateHistory({
      configDir: claudeDir,
      seed: 2026,
      targetBytes: 6 << 20,
      fileCount: 70,
      // The sessions start on the 35 days up to yesterday (UTC), so none lies in the future: one made
      // for later today would count as usage not yet spent (and fill the active 5-hour block).
      endDate: new Date((options.now ?? new Date()).getTime() - 86_400_000),
      days: 35,
      progressCopies: true,
      forkCopies: true,
    });
    writeDemoConfig(config, claudeDir);
  }
  const store = await openLedger({ kind: 'file', path: db });
  try {
    const summary = await importClaudeHistory(store, {
      origin: { machine: 'demo-machine', user: 'demo' },
      env: { CLAUDE_CONFIG_DIR: claudeDir },
      stageMap: DEMO_STAGES,
    });
    if (summary.filesRead > 0) await tell({ step: 'imported', summary });
    if (fresh) {
      await addDemoPlan(store, DEMO_STAGES);
      await tell({ step: 'attributed', plan: DEMO_PLAN });
    }
  } finally {
    await store.close();
  }
  if (fresh) {
    await recordDemoTelemetry({ ledger: db, config, root: options.tree }, options.now ?? new Date());
    await tell({ step: 'telemetry', task: DEMO_TELEMETRY_TASK });
  }
  return { db, config, claudeDir, fresh };
}
