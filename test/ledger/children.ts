/**
 * Child OS processes for the concurrency tests: each runs a small `.mjs` script from this dir, says
 * "ready" once its modules are loaded, and starts work at the moment it is told ("go <epoch ms>"), so
 * several start at once.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const IMPORT_CHILD = fileURLToPath(new URL('./import-child.mjs', import.meta.url));
export const APPEND_CHILD = fileURLToPath(new URL('./append-child.mjs', import.meta.url));

export interface ChildResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface Child {
  pid: number | undefined;
  /** Resolves when the child has printed "ready". */
  ready: Promise<void>;
  /** Tells the child to start at `at` (epoch ms). */
  go(at: number): void;
  /** Resolves when the child has exited. */
  done: Promise<ChildResult>;
}

export function startChild(script: string, args: readonly string[]): Child {
  const proc: ChildProcess = spawn(process.execPath, [script, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  let onReady: () => void = () => {};
  const ready = new Promise<void>((resolve) => {
    onReady = resolve;
  });
  proc.stdout?.setEncoding('utf8');
  proc.stderr?.setEncoding('utf8');
  proc.stdout?.on('data', (chunk: string) => {
    stdout += chunk;
    if (stdout.startsWith('ready\n')) onReady();
  });
  proc.stderr?.on('data', (chunk: string) => {
    stderr += chunk;
  });
  const done = new Promise<ChildResult>((resolve) => {
    proc.on('exit', (code, signal) => {
      // A child that dies before "ready" must not leave the caller waiting for it.
      onReady();
      resolve({ code, signal, stdout, stderr });
    });
  });
  // stdout/stderr may still hold data after 'exit': wait for 'close' as well.
  const closed = new Promise<void>((resolve) => proc.on('close', () => resolve()));
  return {
    pid: proc.pid,
    ready,
    go: (at: number) => {
      proc.stdin?.end(`go ${at}\n`);
    },
    done: Promise.all([done, closed]).then(([r]) => ({ ...r, stdout, stderr })),
  };
}

/** The JSON line a child prints last. */
export function lastJson<T>(stdout: string): T {
  const lines = stdout.trim().split('\n');
  return JSON.parse(lines[lines.length - 1] ?? 'null') as T;
}

/** 'ok' for a child that exited with 0, else the error line it died with (or how it ended). */
export function outcome(r: ChildResult): string {
  if (r.code === 0) return 'ok';
  return r.stderr.match(/^\w*Error.*$/m)?.[0] ?? `exit ${r.code ?? r.signal}`;
}
