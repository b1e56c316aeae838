/**
 * Running tokenledger never rebuilds it, and a build never breaks a tokenledger running meanwhile.
 *
 * - `npm run build` in the clone while the CLI (its bundles) and the library (dist/*.js) run from the
 *   same clone over and over: every run succeeds. (The build moves finished files into dist/ by
 *   rename; it used to empty dist/bin first and write files in place, and runs in that window failed
 *   with "Cannot find module dist/bin/main.cjs".)
 * - The first `npx tokenledger` in the clone (a fresh npx cache: npx links the clone and runs npm's
 *   `prepare`, which used to rebuild dist/) answers without building: dist/ stays as it was.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanEnv } from '../helpers/cli.js';
import { npmEnv, REPO, VERSION } from './harness/npm.js';

const BIN = path.join(REPO, 'bin', 'tokenledger.js');
let tmp: string;

beforeAll(() => {
  tmp = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'tl-build-while-running-')));
  fs.mkdirSync(path.join(tmp, 'claude', 'projects'), { recursive: true });
});
afterAll(() => {
  fs.rmSync(tmp, { recursive: true, force: true });
});

interface Exit {
  code: number;
  stdout: string;
  stderr: string;
}

function exec(file: string, args: string[], env: NodeJS.ProcessEnv, cwd = tmp): Promise<Exit> {
  return new Promise((resolve) => {
    execFile(
      file,
      args,
      { cwd, env, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === 'number' ? error.code : -1;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

/** A user's environment in temp dirs. */
function userEnv(): NodeJS.ProcessEnv {
  return cleanEnv({
    HOME: path.join(tmp, 'home'),
    XDG_DATA_HOME: path.join(tmp, 'data'),
    XDG_CONFIG_HOME: path.join(tmp, 'config'),
    XDG_CACHE_HOME: path.join(tmp, 'cache'),
    CLAUDE_CONFIG_DIR: path.join(tmp, 'claude'),
    TZ: 'UTC',
  });
}

/** The runs made while the build runs: each must succeed and say what it should. */
const RUNS: { name: string; args: string[]; ok: (stdout: string) => boolean }[] = [
  { name: 'tokenledger --version', args: [BIN, '--version'], ok: (out) => out.trim() === VERSION },
  {
    name: 'tokenledger daily --json',
    args: [BIN, 'daily', '--json', '--db', 'ledger.db'],
    ok: (out) => Array.isArray((JSON.parse(out) as { daily?: unknown }).daily),
  },
  {
    name: "import('tokenledger') (dist/index.js)",
    args: [
      '--input-type=module',
      '-e',
      `const m = await import(${JSON.stringify(path.join(REPO, 'dist', 'index.js'))}); console.log(typeof m.parseClaudeOutput);`,
    ],
    ok: (out) => out.trim() === 'function',
  },
];

describe('a build beside running tokenledger', () => {
  it('npm run build while the CLI and the library run from the clone: every run succeeds', async () => {
    let building = true;
    const build = exec('npm', ['run', 'build'], npmEnv(), REPO).finally(() => {
      building = false;
    });
    const failures: string[] = [];
    let runs = 0;
    const loop = async (offset: number) => {
      for (let i = offset; building; i++) {
        const run = RUNS[i % RUNS.length]!;
        const r = await exec(process.execPath, run.args, userEnv());
        runs++;
        let ok = false;
        try {
          ok = r.code === 0 && run.ok(r.stdout);
        } catch {
          ok = false;
        }
        if (!ok)
          failures.push(
            `${run.name}: exit ${r.code}: ${(r.stderr || r.stdout).split('\n').slice(0, 3).join(' | ')}`,
          );
      }
    };
    await Promise.all([loop(0), loop(1)]);
    const built = await build;
    expect(built.code, built.stderr).toBe(0);
    expect(failures).toEqual([]);
    expect(runs).toBeGreaterThanOrEqual(RUNS.length * 2);
  }, 600_000);

  it('the first npx tokenledger in the clone runs without rebuilding it', async () => {
    const watched = ['dist/bin/main.cjs', 'dist/index.js', 'dist/prices.checked.json'].map((f) =>
      path.join(REPO, f),
    );
    const stamp = () =>
      watched.map((f) => {
        const st = fs.statSync(f);
        return `${f} ${st.ino} ${st.mtimeMs} ${st.size}`;
      });
    const before = stamp();
    const npmCache = path.join(tmp, 'npm-cache');
    const r = await exec(
      'npx',
      ['--yes', 'tokenledger', '--version'],
      npmEnv({ npm_config_cache: npmCache, XDG_CACHE_HOME: path.join(tmp, 'cache') }),
      REPO,
    );
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.trim()).toBe(VERSION);
    // npx did prepare the clone as a fresh link in its cache: the case that used to rebuild dist/.
    const npx = path.join(npmCache, '_npx');
    const linked = fs.readdirSync(npx).map((h) => path.join(npx, h, 'node_modules', 'tokenledger'));
    expect(linked.some((p) => fs.existsSync(p) && fs.realpathSync(p) === fs.realpathSync(REPO))).toBe(true);
    expect(stamp()).toEqual(before);
  });
});
