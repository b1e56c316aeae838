/**
 * Ready-made scenarios for the fake Anthropic API, with the prompts, CLI arguments and environment
 * that make Claude Code 2.1.330 walk through them.
 *
 * Token numbers: response `j` (0-based, in the order of a scenario's turns) reports, with d = 10^j,
 * input 1·d, output 2·d, 5-minute cache writes 3·d and, where a turn has them, 1-hour cache writes
 * 4·d and cache reads 5·d. So any sum over a subset of a scenario's responses reads off digit by digit
 * (input 1001 = responses 0 and 3; a 2 means a response was counted twice), and no response's
 * context comes near the window (which would make the CLI compact).
 */
import { sumUsage, toApiUsage, type UsageTotals } from './api-usage.js';
import type { ContentSpec, FallbackTurn, Scenario, ScriptedTurn, TurnUsage } from './scenario-types.js';

/** The main agent's model in every scenario. */
export const SONNET = 'claude-sonnet-4-5-20250929';
/** The subagents' model (what `model: "haiku"` resolves to through ANTHROPIC_DEFAULT_HAIKU_MODEL). */
export const HAIKU = 'claude-haiku-4-5-20251001';

/** A scenario plus how to drive the CLI through it. */
export interface ScenarioPlan {
  scenario: Scenario;
  /** Prompts, one `claude -p` each, in order; every one after the first resumes the session. */
  prompts: string[];
  model: string;
  /** Extra CLI arguments for every prompt. */
  args: string[];
  /** Extra environment for every prompt. */
  env: Record<string, string>;
  /** `result` events each prompt's run prints. */
  resultsPerPrompt: number[];
  /** Whether the fallback may legitimately answer some request. */
  allowUnmatched: boolean;
}

const fallback: FallbackTurn = {
  id: 'fallback',
  content: [{ type: 'text', text: 'fallback reply' }],
  usage: { input: 7, output: 3 },
};

function text(t: string): ContentSpec {
  return { type: 'text', text: t };
}

function bash(id: string, command: string): ContentSpec {
  return { type: 'tool_use', id, name: 'Bash', input: { command, description: 'Print a marker' } };
}

function agent(id: string, prompt: string, runInBackground: boolean): ContentSpec {
  return {
    type: 'tool_use',
    id,
    name: 'Agent',
    input: {
      description: 'Delegate a greeting',
      prompt,
      subagent_type: 'general-purpose',
      model: 'haiku',
      run_in_background: runInBackground,
    },
  };
}

/** Usage of response `j` (see the module comment); `write1h` and `read` add those cache numbers. */
export function digitUsage(j: number, extra: { write1h?: boolean; read?: boolean } = {}): TurnUsage {
  const d = 10 ** j;
  return {
    input: d,
    output: 2 * d,
    cacheWrite5m: 3 * d,
    cacheWrite1h: extra.write1h === true ? 4 * d : 0,
    cacheRead: extra.read === true ? 5 * d : 0,
  };
}

function plan(
  p: Omit<ScenarioPlan, 'args' | 'env' | 'allowUnmatched'> & Partial<ScenarioPlan>,
): ScenarioPlan {
  return { args: [], env: {}, allowUnmatched: false, ...p };
}

/** (a) One prompt, one API call: a text answer. */
export function singleTurnScenario(): ScenarioPlan {
  const turns: ScriptedTurn[] = [
    {
      id: 'single-1',
      match: { hasTools: true, lastUserIncludes: 'SINGLE-TURN' },
      content: [text('Hello from the single turn.')],
      usage: digitUsage(0, { write1h: true, read: true }),
    },
  ];
  return plan({
    scenario: { name: 'single-turn', turns, fallback },
    prompts: ['SINGLE-TURN: say hello'],
    model: SONNET,
    resultsPerPrompt: [1],
  });
}

/**
 * (b) Sonnet main agent spawns a haiku subagent in the foreground (`run_in_background: false`); the
 * subagent runs Bash, then answers; the main agent finishes. Four API calls, one result event.
 */
export function foregroundSubagentScenario(): ScenarioPlan {
  const turns: ScriptedTurn[] = [
    {
      id: 'fg-main-1',
      match: { modelIncludes: 'sonnet', lastUserIncludes: 'FG-DELEGATE', hasToolResult: false },
      content: [
        text('Delegating to a subagent.'),
        agent('toolu_fg_agent_01', 'FG-SUBTASK: greet after bash', false),
      ],
      usage: digitUsage(0),
    },
    {
      id: 'fg-sub-1',
      match: { modelIncludes: 'haiku', lastUserIncludes: 'FG-SUBTASK', hasToolResult: false },
      content: [bash('toolu_fg_subbash_01', 'echo fg-sub-bash')],
      usage: digitUsage(1),
    },
    {
      id: 'fg-sub-2',
      match: { modelIncludes: 'haiku', toolResultFor: 'toolu_fg_subbash_01' },
      content: [text('FG-SUB-DONE: hello after bash')],
      usage: digitUsage(2, { read: true }),
    },
    {
      id: 'fg-main-2',
      match: { modelIncludes: 'sonnet', toolResultFor: 'toolu_fg_agent_01' },
      content: [text('The subagent greeted.')],
      usage: digitUsage(3, { write1h: true, read: true }),
    },
  ];
  return plan({
    scenario: { name: 'subagent-foreground', turns, fallback },
    prompts: ['FG-DELEGATE: ask a subagent to greet'],
    model: SONNET,
    args: ['--allowedTools', 'Bash'],
    env: { ANTHROPIC_DEFAULT_HAIKU_MODEL: HAIKU },
    resultsPerPrompt: [1],
  });
}

/**
 * (c) Like (b) but `run_in_background: true`: the main agent gets an "agent launched" tool result at
 * once and finishes its turn; when the subagent completes, the CLI feeds the main agent a
 * task-notification turn. Five API calls; the one `-p` run prints two result events.
 */
export function backgroundSubagentScenario(): ScenarioPlan {
  const turns: ScriptedTurn[] = [
    {
      id: 'bg-main-1',
      match: { modelIncludes: 'sonnet', lastUserIncludes: 'BG-DELEGATE', hasToolResult: false },
      content: [
        text('Starting a background agent.'),
        agent('toolu_bg_agent_01', 'BG-SUBTASK: greet after bash', true),
      ],
      usage: digitUsage(0),
    },
    {
      id: 'bg-sub-1',
      match: { modelIncludes: 'haiku', lastUserIncludes: 'BG-SUBTASK', hasToolResult: false },
      content: [bash('toolu_bg_subbash_01', 'echo bg-sub-bash')],
      usage: digitUsage(1),
      // Keeps the order deterministic: the main agent's answer to "launched" comes before the
      // subagent finishes (otherwise the notification could ride along in that request).
      delayMs: 300,
    },
    {
      id: 'bg-sub-2',
      match: { modelIncludes: 'haiku', toolResultFor: 'toolu_bg_subbash_01' },
      content: [text('BG-SUB-DONE: hello after bash')],
      usage: digitUsage(2, { read: true }),
    },
    {
      id: 'bg-main-2',
      match: { modelIncludes: 'sonnet', toolResultFor: 'toolu_bg_agent_01' },
      content: [text('The agent is running in the background.')],
      usage: digitUsage(3, { read: true }),
    },
    {
      id: 'bg-main-3',
      match: { modelIncludes: 'sonnet', lastUserIncludes: '<task-notification>', hasToolResult: false },
      content: [text('The background agent greeted.')],
      usage: digitUsage(4),
    },
  ];
  return plan({
    scenario: { name: 'subagent-background', turns, fallback },
    prompts: ['BG-DELEGATE: ask a background subagent to greet'],
    model: SONNET,
    args: ['--allowedTools', 'Bash'],
    env: { ANTHROPIC_DEFAULT_HAIKU_MODEL: HAIKU },
    resultsPerPrompt: [2],
  });
}

/** (d) Two prompts in one session: the second `claude -p` resumes the first's session. */
export function resumeScenario(): ScenarioPlan {
  const turns: ScriptedTurn[] = [
    {
      id: 'resume-1',
      match: { hasTools: true, lastUserIncludes: 'RESUME-FIRST' },
      content: [text('First answer.')],
      usage: digitUsage(0),
    },
    {
      id: 'resume-2',
      match: { hasTools: true, lastUserIncludes: 'RESUME-SECOND' },
      content: [text('Second answer, same session.')],
      usage: digitUsage(1, { write1h: true, read: true }),
    },
  ];
  return plan({
    scenario: { name: 'resume', turns, fallback },
    prompts: ['RESUME-FIRST: say one thing', 'RESUME-SECOND: say another thing'],
    model: SONNET,
    resultsPerPrompt: [1, 1],
  });
}

/** (e) The first streamed answer is cut right after `message_start`; the CLI retries and gets it whole. */
export function streamCutScenario(): ScenarioPlan {
  const turns: ScriptedTurn[] = [
    {
      id: 'cut-1',
      match: { hasTools: true, lastUserIncludes: 'CUT-STREAM' },
      content: [text('Answer after a cut stream.')],
      usage: digitUsage(0, { write1h: true, read: true }),
      breakStreamTimes: 1,
    },
  ];
  return plan({
    scenario: { name: 'stream-cut', turns, fallback },
    prompts: ['CUT-STREAM: say hello'],
    model: SONNET,
    resultsPerPrompt: [1],
  });
}

/**
 * (f) Two `claude -p` steps of one task on two models (examples/two-step-orchestrator.mjs): a
 * stream-json step on sonnet, then a json step on haiku. One API call each.
 */
export function twoStepScenario(): ScenarioPlan {
  const turns: ScriptedTurn[] = [
    {
      id: 'step-plan',
      match: { modelIncludes: 'sonnet', lastUserIncludes: 'STEP-PLAN' },
      content: [text('Plan: do it.')],
      usage: digitUsage(0, { read: true }),
    },
    {
      id: 'step-build',
      match: { modelIncludes: 'haiku', lastUserIncludes: 'STEP-BUILD' },
      content: [text('Done.')],
      usage: digitUsage(1, { write1h: true }),
    },
  ];
  return plan({
    scenario: { name: 'two-step', turns, fallback },
    prompts: ['STEP-PLAN: write a one-line plan', 'STEP-BUILD: carry out the plan'],
    model: SONNET,
    resultsPerPrompt: [1, 1],
  });
}

/** The summed usage the given turns of `plan` report (throws on an unknown id). */
export function turnsUsage(plan: ScenarioPlan, ids: readonly string[]): UsageTotals {
  return sumUsage(
    ids.map((id) => {
      const turn = plan.scenario.turns.find((t) => t.id === id);
      if (turn === undefined) throw new Error(`scenario ${plan.scenario.name} has no turn ${id}`);
      return toApiUsage(turn.usage);
    }),
  );
}

/** Every ready-made scenario, by name. */
export const SCENARIOS = {
  singleTurn: singleTurnScenario,
  foregroundSubagent: foregroundSubagentScenario,
  backgroundSubagent: backgroundSubagentScenario,
  resume: resumeScenario,
  streamCut: streamCutScenario,
  twoStep: twoStepScenario,
} as const;

/**
 * (f) Like (b), with the subagent's prompt naming a task id (e.g. a beads id): a foreground subagent
 * on haiku whose prompt starts with `taskId`, four API calls.
 */
export function namedTaskSubagentScenario(taskId: string): ScenarioPlan {
  const turns: ScriptedTurn[] = [
    {
      id: 'nt-main-1',
      match: { modelIncludes: 'sonnet', lastUserIncludes: 'NT-DELEGATE', hasToolResult: false },
      content: [
        text('Delegating to a subagent.'),
        agent('toolu_nt_agent_01', `${taskId}: greet after bash`, false),
      ],
      usage: digitUsage(0),
    },
    {
      id: 'nt-sub-1',
      match: { modelIncludes: 'haiku', lastUserIncludes: taskId, hasToolResult: false },
      content: [bash('toolu_nt_subbash_01', 'echo nt-sub-bash')],
      usage: digitUsage(1),
    },
    {
      id: 'nt-sub-2',
      match: { modelIncludes: 'haiku', toolResultFor: 'toolu_nt_subbash_01' },
      content: [text('NT-SUB-DONE: hello after bash')],
      usage: digitUsage(2, { read: true }),
    },
    {
      id: 'nt-main-2',
      match: { modelIncludes: 'sonnet', toolResultFor: 'toolu_nt_agent_01' },
      content: [text('The subagent greeted.')],
      usage: digitUsage(3, { write1h: true, read: true }),
    },
  ];
  return plan({
    scenario: { name: 'subagent-named-task', turns, fallback },
    prompts: ['NT-DELEGATE: ask a subagent to greet'],
    model: SONNET,
    args: ['--allowedTools', 'Bash'],
    env: { ANTHROPIC_DEFAULT_HAIKU_MODEL: HAIKU },
    resultsPerPrompt: [1],
  });
}
