#!/usr/bin/env node
// A small orchestrator built only on tokenledger's public API: two steps of one
// task, on two models, each run through `runClaude`, which tees the CLI's output into the step's log,
// parses its usage and records it in the ledger on the task and stage. The orchestrator then keeps
// per-model usage in its state files, appends the usage footer to each log, prints a running total
// after each step and writes usage-report.json at the end.
//
//   node examples/two-step-orchestrator.mjs [--out DIR] [--task ID] [--claude PATH]
//
// The models come from TL_EXAMPLE_PLAN_MODEL and TL_EXAMPLE_BUILD_MODEL (defaults: sonnet, haiku).
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import {
  formatLogFooter,
  mergeSequenceTokenUsage,
  mergeTaskTokenUsage,
  PlanUsageTracker,
  runClaude,
  usageFromRun,
} from 'tokenledger';

const { values } = parseArgs({
  options: {
    out: { type: 'string', default: '.orchestrator' },
    task: { type: 'string', default: 'EXAMPLE-1' },
    claude: { type: 'string', default: 'claude' },
  },
});
const out = path.resolve(values.out);
fs.mkdirSync(path.join(out, 'logs'), { recursive: true });

const steps = [
  {
    stage: 'plan',
    model: process.env.TL_EXAMPLE_PLAN_MODEL ?? 'sonnet',
    prompt: 'STEP-PLAN: write a one-line plan',
    format: 'stream-json',
  },
  {
    stage: 'build',
    model: process.env.TL_EXAMPLE_BUILD_MODEL ?? 'haiku',
    prompt: 'STEP-BUILD: carry out the plan',
    format: 'json',
  },
];

const taskState = path.join(out, `${values.task}.state.json`);
const sequenceState = path.join(out, 'sequence.state.json');
if (!fs.existsSync(taskState))
  fs.writeFileSync(taskState, `${JSON.stringify({ task: values.task, phase: 'running' }, null, 2)}\n`);
if (!fs.existsSync(sequenceState))
  fs.writeFileSync(sequenceState, `${JSON.stringify({ completedTasks: [], stats: null }, null, 2)}\n`);

const tracker = new PlanUsageTracker();
let failed = false;
for (const step of steps) {
  const logFile = path.join(out, 'logs', `${values.task}-${step.stage}.log`);
  const log = fs.createWriteStream(logFile);
  const args = ['-p', step.prompt, '--model', step.model, '--output-format', step.format];
  if (step.format === 'stream-json') args.push('--verbose');
  const run = await runClaude({
    command: values.claude,
    args,
    stdin: 'ignore',
    stdout: log,
    record: { task: values.task, stage: step.stage },
  });
  const usage = usageFromRun(run.result);
  await new Promise((resolve) => log.end(resolve));
  fs.appendFileSync(
    logFile,
    formatLogFooter({
      endTime: new Date(run.endedAt),
      durationSec: (run.endedAt - run.startedAt) / 1000,
      exitCode: run.exitCode,
      signal: run.signal,
      usage,
    }),
  );
  // Each step's usage goes into both files once, so a rerun into the same --out adds only itself.
  mergeTaskTokenUsage(taskState, usage);
  mergeSequenceTokenUsage(sequenceState, usage);
  tracker.record(`${values.task}-${step.stage}`, run.result, { section: values.task });
  process.stderr.write(`${tracker.runningTotalsLine()}\n`);
  if (run.recordError) process.stderr.write(`not recorded in the ledger: ${run.recordError.message}\n`);
  if (run.spawnError || run.exitCode !== 0) {
    process.stderr.write(
      `step ${step.stage} failed (${run.spawnError?.message ?? `exit ${run.exitCode}`})\n`,
    );
    failed = true;
    break;
  }
}
tracker.writeReport(path.join(out, 'usage-report.json'), { planName: 'two-step-example' });
process.exitCode = failed ? 1 : 0;
