/** Driving the CLI through every prompt of a {@link ScenarioPlan}, resuming the session between them. */
import { type ClaudeRun, type RunClaudeOptions, runClaude } from './run-claude.js';
import type { ScenarioPlan } from './scenarios.js';
import { createWorkDir, type WorkDir } from './work-dir.js';

/** Options for {@link runPlan}: those of `runClaude` that are not taken from the plan. */
export type RunPlanOptions = Omit<RunClaudeOptions, 'prompt' | 'model' | 'resume' | 'workDir'> & {
  workDir?: WorkDir;
};

/** Every prompt's run, and the work dir they shared. */
export interface PlanRun {
  runs: ClaudeRun[];
  workDir: WorkDir;
}

/**
 * Runs each prompt of `plan` in one work dir; the second and later prompts `--resume` the session
 * the previous run reported. Stops early when a run reports no session.
 */
export async function runPlan(plan: ScenarioPlan, opts: RunPlanOptions): Promise<PlanRun> {
  const workDir = opts.workDir ?? createWorkDir();
  const runs: ClaudeRun[] = [];
  let session: string | null = null;
  for (const [i, prompt] of plan.prompts.entries()) {
    if (i > 0 && session === null) break;
    const run = await runClaude({
      ...opts,
      workDir,
      prompt,
      model: plan.model,
      args: [...plan.args, ...(opts.args ?? [])],
      env: { ...plan.env, ...opts.env },
      ...(session !== null ? { resume: session } : {}),
    });
    runs.push(run);
    session = run.sessionId;
  }
  return { runs, workDir };
}
