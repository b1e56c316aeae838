/**
 * Runs a headless agent command (`claude -p --output-format stream-json …`), copies its stdout where
 * the caller wants it while {@link ClaudeStreamParser} reads the same bytes, and returns the exit
 * status with the parsed usage. The engine of both `tokenledger run` and the library's run helper.
 * @module
 */
import { type ChildProcess, spawn } from 'node:child_process';
import type { Writable } from 'node:stream';
import { ClaudeStreamParser } from './stream/stream-parser.js';
import type { ClaudeRunResult } from './stream/types.js';

export interface RunCommandOptions {
  cwd?: string;
  /** The child's environment (default: this process's). */
  env?: NodeJS.ProcessEnv;
  /**
   * Where the child's stdout goes besides the parser: a stream (written with back-pressure: the child
   * is paused while it is full; if it fails, e.g. a closed pipe, the child is still drained), or
   * `'ignore'`. Default `'ignore'`.
   */
  stdout?: Writable | 'ignore';
  /** The child's stdin and stderr: this process's (`'inherit'`, the default) or none (`'ignore'`). */
  stdin?: 'inherit' | 'ignore';
  stderr?: 'inherit' | 'ignore';
  /**
   * Each stdout chunk as it arrives (after the parser has seen it). If it throws, it is not called
   * again and the error is returned in {@link CommandRun.chunkError}; the run goes on.
   */
  onChunk?: (chunk: Buffer) => void;
  /** Pass SIGINT, SIGTERM and SIGHUP sent to this process on to the child. Default true. */
  forwardSignals?: boolean;
}

export interface CommandRun {
  /** The exit code, or null when the child was killed by a signal or could not start. */
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  /** What the parser read from stdout (`source: 'none'` when it held no Claude output). */
  result: ClaudeRunResult;
  /** Why the command could not start (ENOENT: not found), or null. */
  spawnError: NodeJS.ErrnoException | null;
  /** What `onChunk` threw, or null. */
  chunkError: Error | null;
  startedAt: number;
  endedAt: number;
}

const FORWARDED: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

/** Runs `command args…` to its end. Never rejects: a failure to start is in `spawnError`, a throwing `onChunk` in `chunkError`. */
export function runClaudeCommand(
  command: string,
  args: readonly string[],
  options: RunCommandOptions = {},
): Promise<CommandRun> {
  const startedAt = Date.now();
  const parser = new ClaudeStreamParser();
  let chunkError: Error | null = null;
  const done = (
    exitCode: number | null,
    signal: NodeJS.Signals | null,
    spawnError: NodeJS.ErrnoException | null,
  ): CommandRun => ({
    exitCode,
    signal,
    result: parser.end(),
    spawnError,
    chunkError,
    startedAt,
    endedAt: Date.now(),
  });

  return new Promise((resolve) => {
    let child: ChildProcess;
    try {
      child = spawn(command, [...args], {
        cwd: options.cwd,
        env: options.env ?? process.env,
        stdio: [options.stdin ?? 'inherit', 'pipe', options.stderr ?? 'inherit'],
      });
    } catch (error) {
      resolve(done(null, null, error as NodeJS.ErrnoException));
      return;
    }
    const forward = options.forwardSignals !== false;
    const onSignal = (signal: NodeJS.Signals) => {
      // Ctrl-C reaches the whole process group already; a signal sent to us alone is passed on.
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    };
    if (forward) for (const s of FORWARDED) process.on(s, onSignal);

    const out = options.stdout === 'ignore' || options.stdout === undefined ? null : options.stdout;
    let outBroken = false;
    const resume = () => child.stdout?.resume();
    const onOutError = () => {
      // The reader went away (e.g. `| head`): keep draining the child so it is not blocked. A drain
      // it was waiting for will never come.
      outBroken = true;
      out?.removeListener('drain', resume);
      child.stdout?.resume();
    };
    out?.on('error', onOutError);
    child.stdout?.on('data', (chunk: Buffer) => {
      parser.write(chunk);
      if (options.onChunk !== undefined && chunkError === null) {
        try {
          options.onChunk(chunk);
        } catch (error) {
          chunkError = error instanceof Error ? error : new Error(String(error));
        }
      }
      if (out === null || outBroken) return;
      if (!out.write(chunk)) {
        child.stdout?.pause();
        out.once('drain', resume);
      }
    });
    let spawnError: NodeJS.ErrnoException | null = null;
    child.on('error', (error: NodeJS.ErrnoException) => {
      spawnError = error;
    });
    child.on('close', (code, signal) => {
      if (forward) for (const s of FORWARDED) process.off(s, onSignal);
      // The error listener stays: a write still queued may fail after the child is gone (EPIPE).
      out?.removeListener('drain', resume);
      resolve(done(spawnError === null ? code : null, signal, spawnError));
    });
  });
}
