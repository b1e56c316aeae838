/**
 * The built CLI as the tests run it: `node BIN …` (BIN from built-cli.ts: the unit suite's private copy
 * of the build) in an environment built from scratch. Only PATH comes from this process; nothing else
 * of the shell that started the tests leaks in: no TOKENLEDGER_* variable, no NODE_EXTRA_CA_CERTS (it
 * costs every Node start tens of milliseconds), no COLUMNS, NO_COLOR, FORCE_COLOR, TZ or XDG_* dir.
 *
 * A {@link Sandbox} is a temp dir with its own home (so every default dir, the XDG ones included, is
 * inside it), Claude config dir and tokenledger data dir, and runs the CLI there: `run` (what it did),
 * `ok` (exit 0, its stdout), `json` (exit 0, its parsed stdout), `runBytes` (stdout as bytes) and
 * `spawn` (a child that keeps running). Runs that need something else (a pseudo-terminal through
 * `script`, an MCP client, the real Claude Code CLI) take the sandbox's `env()`.
 * @module
 */
import {
  type ChildProcess,
  type ChildProcessByStdio,
  type ChildProcessWithoutNullStreams,
  spawn,
  spawnSync,
} from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { afterAll, afterEach, beforeAll, beforeEach, expect } from 'vitest';
import { BIN } from './built-cli.js';

/** Environment variables to set; `undefined` leaves one out. */
export type EnvVars = Readonly<Record<string, string | undefined>>;

/** Output the tests may read from one run (the default of 1 MiB is too small for some). */
const MAX_OUTPUT = 256 << 20;

/** The layers merged in turn (later ones win), without the variables left out. */
function merge(layers: readonly EnvVars[]): Record<string, string> {
  const merged: Record<string, string | undefined> = {};
  for (const layer of layers) Object.assign(merged, layer);
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(merged)) if (value !== undefined) env[name] = value;
  return env;
}

/** An environment from scratch: this process's PATH, then each layer in turn (later ones win). */
export function cleanEnv(...layers: EnvVars[]): Record<string, string> {
  return merge([{ PATH: process.env.PATH ?? '/usr/bin:/bin' }, ...layers]);
}

/** What one run did. */
export interface CliResult {
  status: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** How to make one run. */
export interface CliOptions {
  /** The working directory; the sandbox's by default. */
  cwd?: string;
  /** Standard input; empty by default. */
  input?: string | Buffer;
  /** Variables over the sandbox's for this run; `undefined` leaves one out. */
  env?: EnvVars;
}

/** `node BIN ARGS` to its end, in exactly `env`; `bin` runs another copy of the CLI. */
export function runCli(
  args: readonly string[],
  o: { env: Record<string, string>; cwd?: string; input?: string | Buffer; bin?: string },
): CliResult {
  const r = spawnSync(process.execPath, [o.bin ?? BIN, ...args], {
    cwd: o.cwd,
    env: o.env,
    input: o.input,
    encoding: 'utf8',
    maxBuffer: MAX_OUTPUT,
  });
  if (r.error !== undefined) throw r.error;
  return { status: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr };
}

/** Where a sandbox is and what it holds. */
export interface SandboxOptions {
  /** The start of its temp dir's name; `tl-` by default. */
  prefix?: string;
  /** The dir to make it in; the OS temp dir by default. */
  parent?: string;
  /** Dirs to create in it besides `home`, relative to its root (e.g. `claude`, `tl`, `proj/.git`). */
  dirs?: readonly string[];
  /** The Claude config dir (CLAUDE_CONFIG_DIR), relative to the root or absolute; `claude` by default. */
  claude?: string;
  /** Where commands run, relative to the root or absolute; the root by default. */
  cwd?: string;
  /** Variables over the defaults for every run (or a function of the sandbox that gives them). */
  env?: EnvVars | ((sandbox: Sandbox) => EnvVars);
}

/**
 * A temp dir tree for the CLI: `home` (HOME), `claude` (CLAUDE_CONFIG_DIR, created only when listed
 * in `dirs`: a named Claude dir that is missing, or has no `projects/`, is a case of its own) and
 * `tl` (TOKENLEDGER_HOME), with TZ=UTC. `open()` makes it, `remove()` removes it; {@link useSandbox}
 * does both around each test or each file.
 */
export class Sandbox {
  #root: string | undefined;

  constructor(readonly options: SandboxOptions = {}) {}

  /** Makes a fresh temp dir (or takes the existing dir `at` as the root) with `home` and the dirs asked for. */
  open(at?: string): this {
    const prefix = this.options.prefix ?? 'tl-';
    this.#root = at ?? fs.realpathSync(fs.mkdtempSync(path.join(this.options.parent ?? os.tmpdir(), prefix)));
    for (const dir of ['home', ...(this.options.dirs ?? [])])
      fs.mkdirSync(this.path(dir), { recursive: true });
    return this;
  }

  /** Removes the whole tree. */
  remove(): void {
    if (this.#root !== undefined) fs.rmSync(this.#root, { recursive: true, force: true });
    this.#root = undefined;
  }

  get root(): string {
    if (this.#root === undefined) throw new Error('the sandbox is not open: open() it first');
    return this.#root;
  }

  get home(): string {
    return this.path('home');
  }

  get claude(): string {
    return this.path(this.options.claude ?? 'claude');
  }

  get tlHome(): string {
    return this.path('tl');
  }

  get cwd(): string {
    return this.path(this.options.cwd ?? '.');
  }

  /** A path in the sandbox. */
  path(...parts: string[]): string {
    return path.resolve(this.root, ...parts);
  }

  /** The variables that point a run at this sandbox, without PATH (e.g. for Claude Code's environment). */
  vars(extra: EnvVars = {}): Record<string, string> {
    return merge(this.#layers(extra));
  }

  /** The whole environment of a run in this sandbox (see {@link cleanEnv}). */
  env(extra: EnvVars = {}): Record<string, string> {
    return cleanEnv(...this.#layers(extra));
  }

  #layers(extra: EnvVars): EnvVars[] {
    const own = { HOME: this.home, CLAUDE_CONFIG_DIR: this.claude, TOKENLEDGER_HOME: this.tlHome, TZ: 'UTC' };
    const common = typeof this.options.env === 'function' ? this.options.env(this) : this.options.env;
    return [own, common ?? {}, extra];
  }

  /** `tokenledger ARGS` to its end. */
  run(args: readonly string[], o: CliOptions = {}): CliResult {
    return runCli(args, { env: this.env(o.env), cwd: o.cwd ?? this.cwd, input: o.input });
  }

  /** `tokenledger ARGS` to its end, with stdout as bytes. */
  runBytes(args: readonly string[], o: CliOptions = {}): Omit<CliResult, 'stdout'> & { stdout: Buffer } {
    const r = spawnSync(process.execPath, [BIN, ...args], {
      cwd: o.cwd ?? this.cwd,
      env: this.env(o.env),
      input: o.input,
      maxBuffer: MAX_OUTPUT,
    });
    if (r.error !== undefined) throw r.error;
    return { status: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr.toString('utf8') };
  }

  /** `tokenledger ARGS`, which must exit 0: its stdout. */
  ok(args: readonly string[], o: CliOptions = {}): string {
    const r = this.run(args, o);
    expect(r.status, `${args.join(' ')}: ${r.stderr}`).toBe(0);
    return r.stdout;
  }

  /** `tokenledger ARGS`, which must exit 0: its stdout parsed as JSON. */
  json<T>(args: readonly string[], o: CliOptions = {}): T {
    return JSON.parse(this.ok(args, o)) as T;
  }

  /** `tokenledger ARGS` as a child that keeps running, stdout and stderr piped; stdin piped unless ignored. */
  spawn(
    args: readonly string[],
    o?: Omit<CliOptions, 'input'> & { stdin?: 'pipe' },
  ): ChildProcessWithoutNullStreams;
  spawn(
    args: readonly string[],
    o: Omit<CliOptions, 'input'> & { stdin: 'ignore' },
  ): ChildProcessByStdio<null, Readable, Readable>;
  spawn(
    args: readonly string[],
    o: Omit<CliOptions, 'input'> & { stdin?: 'pipe' | 'ignore' } = {},
  ): ChildProcess {
    return spawn(process.execPath, [BIN, ...args], {
      cwd: o.cwd ?? this.cwd,
      env: this.env(o.env),
      stdio: [o.stdin ?? 'pipe', 'pipe', 'pipe'],
    });
  }
}

/** A sandbox opened before each test (or, with `per: 'file'`, once for the file) and removed after it. */
export function useSandbox(
  prefix: string,
  options: SandboxOptions & { per?: 'test' | 'file' } = {},
): Sandbox {
  const { per = 'test', ...rest } = options;
  const sandbox = new Sandbox({ prefix, ...rest });
  if (per === 'file') {
    beforeAll(() => {
      sandbox.open();
    });
    afterAll(() => sandbox.remove());
  } else {
    beforeEach(() => {
      sandbox.open();
    });
    afterEach(() => sandbox.remove());
  }
  return sandbox;
}
