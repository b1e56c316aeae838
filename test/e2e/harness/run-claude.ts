/**
 * Runs the installed Claude Code CLI (scripts/install-claude.mjs) fully offline against a fake
 * Messages API: a throwaway home/config/tmp, an environment built from scratch that points every
 * endpoint (API, OTLP, proxy) at 127.0.0.1, a timeout, and cleanup of every process the run started.
 */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { cleanEnv } from '../../helpers/cli.js';
import { isResultEvent, parseClaudeOutput, type ResultEvent, type StreamEvent } from './claude-output.js';
import { findMarkedProcesses, groupAlive, killPids, RUN_MARKER_VAR, signalGroup } from './process-cleanup.js';
import { createWorkDir, listTranscripts, type WorkDir } from './work-dir.js';

/** The Claude Code version the harness is pinned to. */
export const CLAUDE_CODE_VERSION = '2.1.330';

/** The repository root. */
export const REPO_ROOT = path.resolve(import.meta.dirname, '../../..');

/** Where scripts/install-claude.mjs puts the CLI. */
export const CLAUDE_BIN = path.join(REPO_ROOT, '.e2e', 'claude-code', 'node_modules', '.bin', 'claude');

/** The fake API key the CLI is given. */
export const FAKE_API_KEY = 'sk-ant-fake-000000000000';

/** How to run one `claude -p` invocation. */
export interface RunClaudeOptions {
  /** Base URL of the fake API (e.g. `FakeServer.url`). */
  baseUrl: string;
  prompt: string;
  /** Reuse a work dir (e.g. for `--resume`); a fresh one is created otherwise. */
  workDir?: WorkDir;
  /** Working directory; default `workDir.proj`. */
  cwd?: string;
  /** Default `stream-json` (which adds `--verbose`). */
  outputFormat?: 'stream-json' | 'json';
  model?: string;
  /** Session id to `--resume`. */
  resume?: string;
  /** Further CLI arguments (e.g. `--allowedTools Bash`). */
  args?: string[];
  /** Extra environment variables (e.g. `TOKENLEDGER_HOME`); they override the defaults. */
  env?: Record<string, string>;
  /** A command run in front of the CLI, e.g. `[process.execPath, 'bin/tokenledger.js', 'run', '--']`. */
  prefix?: string[];
  /** Export OTLP metrics and events (http/json) to `baseUrl`. Default false. */
  otel?: boolean;
  /** Default 90 s; then the whole process tree is killed and `timedOut` is true. */
  timeoutMs?: number;
  /** How long processes the CLI left behind may linger after it exits before they are killed; default 3 s. */
  lingerMs?: number;
  /** Default {@link CLAUDE_BIN}. */
  claudeBin?: string;
}

/** What one invocation did. */
export interface ClaudeRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  timedOut: boolean;
  durationMs: number;
  /** The full command line run. */
  command: string[];
  /** The environment the command got. */
  env: Record<string, string>;
  stdout: string;
  stderr: string;
  /** Every parsed stdout event. */
  events: StreamEvent[];
  /** The `result` events (2.1.330 prints two when a background agent's notification gets a turn). */
  results: ResultEvent[];
  /** From the last result event (or the init event when there is none). */
  sessionId: string | null;
  /** Every transcript under `<config>/projects`, after the run. */
  transcripts: string[];
  /** Pids still alive after the CLI exited and the linger time, which the harness then killed. */
  killedLeftovers: number[];
  workDir: WorkDir;
}

const liveGroups = new Set<number>();
process.on('exit', () => {
  for (const pgid of liveGroups) signalGroup(pgid, 'SIGKILL');
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The environment a run gets, built from scratch (nothing of this process leaks in, not even PATH). */
export function claudeEnv(
  baseUrl: string,
  dir: WorkDir,
  opts: { otel?: boolean; claudeBin?: string; env?: Record<string, string> } = {},
): Record<string, string> {
  const bin = opts.claudeBin ?? CLAUDE_BIN;
  const env: Record<string, string> = {
    PATH: [path.dirname(process.execPath), path.dirname(bin), '/usr/local/bin', '/usr/bin', '/bin'].join(':'),
    HOME: dir.home,
    CLAUDE_CONFIG_DIR: dir.config,
    TMPDIR: dir.tmp,
    LANG: 'C.UTF-8',
    ANTHROPIC_BASE_URL: baseUrl,
    ANTHROPIC_API_KEY: FAKE_API_KEY,
    CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
    DISABLE_TELEMETRY: '1',
    DISABLE_AUTOUPDATER: '1',
    DISABLE_ERROR_REPORTING: '1',
    // Egress guard: a proxy-aware client trying any other host reaches the fake server, which
    // records the attempt and refuses it.
    HTTPS_PROXY: baseUrl,
    HTTP_PROXY: baseUrl,
    https_proxy: baseUrl,
    http_proxy: baseUrl,
    NO_PROXY: '127.0.0.1,localhost',
    no_proxy: '127.0.0.1,localhost',
  };
  if (opts.otel === true) {
    Object.assign(env, {
      CLAUDE_CODE_ENABLE_TELEMETRY: '1',
      OTEL_METRICS_EXPORTER: 'otlp',
      OTEL_LOGS_EXPORTER: 'otlp',
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
      OTEL_EXPORTER_OTLP_ENDPOINT: baseUrl,
      OTEL_METRIC_EXPORT_INTERVAL: '1000',
      OTEL_LOGS_EXPORT_INTERVAL: '500',
    });
  }
  return cleanEnv(env, opts.env ?? {});
}

/** The CLI arguments of one invocation. */
export function claudeArgs(opts: RunClaudeOptions): string[] {
  const format = opts.outputFormat ?? 'stream-json';
  const args = ['-p', opts.prompt, '--output-format', format];
  if (format === 'stream-json') args.push('--verbose');
  if (opts.model !== undefined) args.push('--model', opts.model);
  if (opts.resume !== undefined) args.push('--resume', opts.resume);
  return [...args, ...(opts.args ?? [])];
}

/**
 * Runs `claude -p <prompt>` (behind `prefix`, if given) in its own process group and waits for it.
 * Processes it leaves behind get `lingerMs` to finish, then are killed; on timeout the whole tree is.
 */
export async function runClaude(opts: RunClaudeOptions): Promise<ClaudeRun> {
  const workDir = opts.workDir ?? createWorkDir();
  const format = opts.outputFormat ?? 'stream-json';
  const bin = opts.claudeBin ?? CLAUDE_BIN;
  const marker = randomUUID();
  const env = {
    ...claudeEnv(opts.baseUrl, workDir, { otel: opts.otel, claudeBin: bin, env: opts.env }),
    [RUN_MARKER_VAR]: marker,
  };
  const command = [...(opts.prefix ?? []), bin, ...claudeArgs(opts)];
  const [file, ...rest] = command;
  if (file === undefined) throw new Error('runClaude: empty command');
  const started = Date.now();
  const child = spawn(file, rest, {
    cwd: opts.cwd ?? workDir.proj,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  const pgid = child.pid;
  if (pgid !== undefined) liveGroups.add(pgid);
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (s: string) => {
    stdout += s;
  });
  child.stderr.setEncoding('utf8').on('data', (s: string) => {
    stderr += s;
  });
  const closed = new Promise<void>((resolve) => child.once('close', () => resolve()));

  let timedOut = false;
  let killTimer: NodeJS.Timeout | undefined;
  const timer = setTimeout(() => {
    timedOut = true;
    if (pgid === undefined) return;
    signalGroup(pgid, 'SIGTERM');
    killTimer = setTimeout(() => signalGroup(pgid, 'SIGKILL'), 2000);
  }, opts.timeoutMs ?? 90_000);

  const exit = await new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('error', (err) => {
      stderr += `\nrunClaude: ${err.message}\n`;
      resolve({ code: null, signal: null });
    });
    child.once('exit', (code, signal) => resolve({ code, signal }));
  });
  clearTimeout(timer);
  const durationMs = Date.now() - started;

  // Whatever the CLI left behind (its group, or anything carrying this run's marker) gets a moment
  // to finish on its own, then is killed.
  const lingerUntil = Date.now() + (opts.lingerMs ?? 3000);
  const anyLeft = () => (pgid !== undefined && groupAlive(pgid)) || findMarkedProcesses(marker).length > 0;
  while (anyLeft() && Date.now() < lingerUntil) await sleep(50);
  const killedLeftovers = findMarkedProcesses(marker);
  if (pgid !== undefined) signalGroup(pgid, 'SIGKILL');
  killPids(killedLeftovers);
  clearTimeout(killTimer);
  if (pgid !== undefined) liveGroups.delete(pgid);
  await Promise.race([closed, sleep(2000)]);

  const events = parseClaudeOutput(stdout, format);
  const results = events.filter(isResultEvent);
  const init = events.find((e) => e.type === 'system' && e.subtype === 'init');
  const lastResult = results.at(-1);
  const sessionId =
    lastResult?.session_id ??
    (init !== undefined && typeof init.session_id === 'string' ? init.session_id : null);
  return {
    code: exit.code,
    signal: exit.signal,
    timedOut,
    durationMs,
    command,
    env,
    stdout,
    stderr,
    events,
    results,
    sessionId,
    transcripts: listTranscripts(workDir),
    killedLeftovers,
    workDir,
  };
}
