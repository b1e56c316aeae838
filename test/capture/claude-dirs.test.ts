/**
 * Which Claude dirs are read: CLAUDE_CONFIG_DIR (comma-separated), the configured dirs, or the
 * defaults. A dir the user named that does not exist is a UserError naming it and saying what to
 * set; default dirs that do not exist are simply skipped.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { importClaudeHistory } from '../../src/app/import/import-claude.js';
import { resolveClaudeRoots } from '../../src/capture/claude/paths.js';
import { ExitCode, UserError } from '../../src/util/errors.js';
import {
  cleanupTemp,
  copyFixture,
  importDirs,
  ORIGIN,
  openTempLedger,
  overallTotals,
  readExpected,
  type Totals,
  tempDir,
  totalsBy,
} from '../helpers/ledger.js';

afterEach(async () => {
  vi.unstubAllEnvs();
  await cleanupTemp();
});

const resumeTotal = readExpected<{ total: Totals }>('resume').total;
const forkTotal = readExpected<{ total: Totals }>('fork').total;

function sum(a: Totals, b: Totals): Totals {
  return {
    input: a.input + b.input,
    output: a.output + b.output,
    cacheWrite: a.cacheWrite + b.cacheWrite,
    cacheWrite1h: a.cacheWrite1h + b.cacheWrite1h,
    cacheRead: a.cacheRead + b.cacheRead,
    webSearch: a.webSearch + b.webSearch,
    responses: a.responses + b.responses,
    lowerBound: a.lowerBound + b.lowerBound,
  };
}

/** Rejections of a promise as a plain object, so a test can compare them in one expect. */
async function rejection(p: Promise<unknown>) {
  const error: unknown = await p.then(
    () => null,
    (e: unknown) => e,
  );
  return {
    isUserError: error instanceof UserError,
    exitCode: error instanceof UserError ? error.exitCode : null,
    message: error instanceof Error ? error.message : String(error),
  };
}

describe('CLAUDE_CONFIG_DIR', () => {
  it('a comma-separated list: both dirs are imported', async () => {
    const a = copyFixture('resume');
    const b = copyFixture('fork');
    const store = openTempLedger();
    const summary = await importClaudeHistory(store, {
      origin: { ...ORIGIN },
      env: { CLAUDE_CONFIG_DIR: ` ${a} , ${b} ,` },
      threads: 0,
    });
    expect(summary.roots.origin).toBe('env');
    expect(summary.roots.roots).toEqual([fs.realpathSync(a), fs.realpathSync(b)]);
    expect(await overallTotals(store)).toEqual(sum(resumeTotal, forkTotal));
    expect(Object.keys(await totalsBy(store, 'project')).sort()).toEqual([
      '/home/dev/forky',
      '/home/dev/resumed',
    ]);
  });

  it('the same dir listed twice, once through a symlink, is read once', async () => {
    const a = copyFixture('resume');
    const link = path.join(tempDir(), 'link');
    fs.symlinkSync(a, link);
    const store = openTempLedger();
    const summary = await importDirs(store, [a, link, a]);
    expect(summary.roots.roots).toEqual([fs.realpathSync(a)]);
    expect(await overallTotals(store)).toEqual(resumeTotal);
  });

  it('a dir that does not exist: a one-line UserError naming it and the variable to set', async () => {
    const a = copyFixture('resume');
    const missing = path.join(tempDir(), 'no-such-claude');
    const store = openTempLedger();
    const got = await rejection(importDirs(store, [a, missing]));
    expect(got).toEqual({ isUserError: true, exitCode: ExitCode.config, message: expect.any(String) });
    expect(got.message).toContain(missing);
    expect(got.message).toContain('does not exist');
    expect(got.message).toContain('CLAUDE_CONFIG_DIR');
    expect(got.message).not.toContain('\n');
    expect((await overallTotals(store)).responses).toBe(0);
  });

  it('a path that is a file, not a dir', async () => {
    const file = path.join(tempDir(), 'claude.json');
    fs.writeFileSync(file, '{}');
    const got = await rejection(importDirs(openTempLedger(), file));
    expect(got.isUserError).toBe(true);
    expect(got.message).toContain(file);
    expect(got.message).toContain('not a directory');
  });

  it('wins over configured dirs', async () => {
    const a = copyFixture('resume');
    const roots = resolveClaudeRoots([path.join(tempDir(), 'configured-but-missing')], {
      CLAUDE_CONFIG_DIR: a,
    });
    expect(roots).toEqual({ roots: [fs.realpathSync(a)], searched: [a], origin: 'env', warnings: [] });
  });

  it('~ is the home dir', () => {
    const home = tempDir();
    fs.mkdirSync(path.join(home, 'cfg'));
    vi.stubEnv('HOME', home);
    expect(resolveClaudeRoots(undefined, { HOME: home, CLAUDE_CONFIG_DIR: '~/cfg' }).roots).toEqual([
      fs.realpathSync(path.join(home, 'cfg')),
    ]);
  });
});

describe('a named dir without projects/', () => {
  it('CLAUDE_CONFIG_DIR pointing at the projects/ folder itself: a hint to use its parent', async () => {
    const a = copyFixture('resume');
    const projects = path.join(a, 'projects');
    const store = openTempLedger();
    const summary = await importDirs(store, projects);
    expect(summary.roots.warnings).toEqual([
      `CLAUDE_CONFIG_DIR names ${projects}, a projects/ folder: Claude Code keeps transcripts in <Claude config dir>/projects/, so set CLAUDE_CONFIG_DIR to its parent, ${a}.`,
    ]);
    // Nothing is read from it (as before), and the parent reads everything.
    expect((await overallTotals(store)).responses).toBe(0);
    await importDirs(store, a);
    expect(await overallTotals(store)).toEqual(resumeTotal);
  });

  it('a dir with no projects/ folder: a warning naming it and the variable; the others are still read', async () => {
    const a = copyFixture('resume');
    const empty = tempDir();
    const store = openTempLedger();
    const summary = await importDirs(store, [a, empty]);
    expect(summary.roots.warnings).toHaveLength(1);
    expect(summary.roots.warnings[0]).toContain(
      `CLAUDE_CONFIG_DIR names ${empty}, which has no projects/ folder`,
    );
    expect(await overallTotals(store)).toEqual(resumeTotal);
  });

  it('a configured dir (claudeDirs) with no projects/ folder names the setting', () => {
    const empty = tempDir();
    const roots = resolveClaudeRoots([empty], { HOME: tempDir() });
    expect(roots.origin).toBe('config');
    expect(roots.warnings).toEqual([
      `"claudeDirs" in the config file names ${empty}, which has no projects/ folder, so no Claude Code history is read from it. Set that entry of "claudeDirs" to the dir that holds projects/ (e.g. ~/.claude).`,
    ]);
  });

  it('default dirs never warn', () => {
    const home = tempDir();
    fs.mkdirSync(path.join(home, '.claude'));
    const roots = resolveClaudeRoots(undefined, { HOME: home, XDG_CONFIG_HOME: tempDir() });
    expect(roots.roots).toEqual([fs.realpathSync(path.join(home, '.claude'))]);
    expect(roots.warnings).toEqual([]);
  });
});

describe('configured dirs (config file)', () => {
  it('a configured dir that does not exist names it and the setting to fix', async () => {
    const missing = path.join(tempDir(), 'gone');
    const got = await rejection(
      importClaudeHistory(openTempLedger(), {
        origin: { ...ORIGIN },
        env: {},
        threads: 0,
        claudeDirs: [missing],
      }),
    );
    expect(got.isUserError).toBe(true);
    expect(got.exitCode).toBe(ExitCode.config);
    expect(got.message).toContain(missing);
    expect(got.message).toContain('claudeDirs');
    expect(got.message).not.toContain('\n');
  });

  it('configured dirs are all imported', async () => {
    const a = copyFixture('resume');
    const b = copyFixture('fork');
    const store = openTempLedger();
    const summary = await importClaudeHistory(store, {
      origin: { ...ORIGIN },
      env: {},
      threads: 0,
      claudeDirs: [a, b],
    });
    expect(summary.roots.origin).toBe('config');
    expect(await overallTotals(store)).toEqual(sum(resumeTotal, forkTotal));
  });
});

describe('default dirs', () => {
  it('default dirs that do not exist: no error, zero files', async () => {
    const home = tempDir();
    const xdg = path.join(tempDir(), 'xdg');
    vi.stubEnv('HOME', home);
    const store = openTempLedger();
    const summary = await importClaudeHistory(store, {
      origin: { ...ORIGIN },
      env: { HOME: home, XDG_CONFIG_HOME: xdg },
      threads: 0,
    });
    expect(summary.roots.origin).toBe('default');
    expect(summary.roots.roots).toEqual([]);
    expect({ filesSeen: summary.filesSeen, records: summary.records, problems: summary.problems }).toEqual({
      filesSeen: 0,
      records: 0,
      problems: 0,
    });
  });

  it('both defaults are read: $XDG_CONFIG_HOME/claude and ~/.claude', async () => {
    const home = tempDir();
    const xdg = tempDir();
    fs.cpSync(copyFixture('resume'), path.join(xdg, 'claude'), { recursive: true });
    fs.cpSync(copyFixture('fork'), path.join(home, '.claude'), { recursive: true });
    vi.stubEnv('HOME', home);
    const store = openTempLedger();
    await importClaudeHistory(store, {
      origin: { ...ORIGIN },
      env: { HOME: home, XDG_CONFIG_HOME: xdg },
      threads: 0,
    });
    expect(await overallTotals(store)).toEqual(sum(resumeTotal, forkTotal));
  });

  it('the defaults come from the env passed in, not from the process environment', () => {
    const home = tempDir();
    const xdg = tempDir();
    expect(resolveClaudeRoots(undefined, { HOME: home, XDG_CONFIG_HOME: xdg }).searched).toEqual([
      path.join(xdg, 'claude'),
      path.join(home, '.claude'),
    ]);
  });
});
