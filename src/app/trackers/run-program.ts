/**
 * Running an external program for a tracker (`bd`, an `onTaskEnd` command): an argument vector,
 * never a string a shell splits; a hard time cap (the child is killed at it); output kept small.
 * @module
 */
import { execFile } from 'node:child_process';

export interface ProgramResult {
  /** Exited with status 0. */
  ok: boolean;
  code: number | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
  /** The program could not be started (e.g. `ENOENT`: not on PATH), or null. */
  startError: string | null;
}

export interface RunProgramOptions {
  cwd: string;
  timeoutMs: number;
  env?: NodeJS.ProcessEnv;
}

const MAX_OUTPUT = 4 << 20;

/** Runs `argv[0]` with the rest as its arguments. Never throws. */
export function runProgram(argv: readonly string[], options: RunProgramOptions): Promise<ProgramResult> {
  const [program, ...args] = argv;
  if (program === undefined || program === '')
    return Promise.resolve({
      ok: false,
      code: null,
      stdout: '',
      stderr: '',
      timedOut: false,
      startError: 'no program',
    });
  return new Promise((resolve) => {
    execFile(
      program,
      args,
      {
        cwd: options.cwd,
        env: options.env ?? process.env,
        timeout: Math.max(1, Math.round(options.timeoutMs)),
        killSignal: 'SIGKILL',
        maxBuffer: MAX_OUTPUT,
        shell: false,
        windowsHide: true,
      },
      (error, stdout, stderr) => {
        if (error === null) {
          resolve({ ok: true, code: 0, stdout, stderr, timedOut: false, startError: null });
          return;
        }
        const e = error as NodeJS.ErrnoException & { killed?: boolean; code?: number | string };
        const startError =
          typeof e.code === 'string' && e.code !== 'ERR_CHILD_PROCESS_STDIO_MAXBUFFER' ? e.code : null;
        resolve({
          ok: false,
          code: typeof e.code === 'number' ? e.code : null,
          stdout,
          stderr,
          timedOut: e.killed === true && startError === null,
          startError,
        });
      },
    );
  });
}

/** Why a run failed, in a few words for the error log. */
export function failureText(argv0: string, r: ProgramResult, timeoutMs: number): string {
  if (r.startError === 'ENOENT') return `${argv0} is not on PATH`;
  if (r.startError !== null) return `${argv0} could not be started (${r.startError})`;
  if (r.timedOut) return `${argv0} was stopped at its ${timeoutMs} ms time cap`;
  const err = r.stderr.trim().split('\n').slice(-1)[0]?.slice(0, 200) ?? '';
  return `${argv0} exited with status ${r.code ?? '?'}${err ? ` (${err})` : ''}`;
}
