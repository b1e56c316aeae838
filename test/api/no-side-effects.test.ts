/**
 * Importing the library (`import … from 'tokenledger'`, i.e. dist/index.js) has no side effects: it
 * prints nothing, creates no file (HOME, XDG dirs, TOKENLEDGER_HOME, CLAUDE_CONFIG_DIR and TMPDIR all
 * point into an empty temp dir), and does not load the ledger (better-sqlite3). The build is the unit
 * suite's copy of the clone's (test/helpers/built-cli.ts; `npm test` builds first). Also: the runtime exports are exactly the value exports the
 * type checker finds in src/index.ts (the ones docs/API.md documents).
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import ts from 'typescript';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { BUILD_ROOT, REPO } from '../helpers/built-cli.js';
import { rereadSessions, writeRereadTranscripts } from '../helpers/planted-rereads.js';
import { fixtureRepo } from '../helpers/planted-review.js';

/** The package root `import 'tokenledger'` resolves in. */
const ROOT = BUILD_ROOT;
const ENTRY = path.join(REPO, 'src/index.ts');

/** Runs in the child after the import under test: reports through fd 3, so stdout stays untouched. */
const PROBE = `
const { createRequire } = await import('node:module');
const fs = await import('node:fs');
const cache = Object.keys(createRequire(process.cwd() + '/').cache);
const report = process.report.getReport();
fs.writeSync(3, JSON.stringify({
  exports: Object.keys(mod).sort(),
  sqliteModules: cache.filter((p) => p.includes('better-sqlite3') || p.includes('better_sqlite3')),
  sqliteAddons: (report.sharedObjects ?? []).filter((p) => p.includes('better_sqlite3')),
}));
`;

interface Probe {
  exports: string[];
  sqliteModules: string[];
  sqliteAddons: string[];
}

interface ChildRun {
  status: number | null;
  stdout: string;
  stderr: string;
  probe: Probe;
}

let tmp: string;

function isolatedEnv(): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH ?? '',
    HOME: path.join(tmp, 'home'),
    XDG_DATA_HOME: path.join(tmp, 'xdg-data'),
    XDG_CONFIG_HOME: path.join(tmp, 'xdg-config'),
    XDG_CACHE_HOME: path.join(tmp, 'xdg-cache'),
    XDG_STATE_HOME: path.join(tmp, 'xdg-state'),
    TOKENLEDGER_HOME: path.join(tmp, 'tokenledger'),
    CLAUDE_CONFIG_DIR: path.join(tmp, 'claude'),
    TMPDIR: tmp,
  };
}

/** `node --input-type=module -e "const mod = await import(specifier); <probe>"` in /work/main. */
function importInChild(specifier: string): ChildRun {
  const code = `const mod = await import(${JSON.stringify(specifier)});\n${PROBE}`;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', code], {
    cwd: ROOT,
    env: isolatedEnv(),
    stdio: ['ignore', 'pipe', 'pipe', 'pipe'],
    encoding: 'utf8',
    timeout: 20_000,
  });
  const probeText = String(r.output?.[3] ?? '');
  if (r.status !== 0 || probeText === '') {
    throw new Error(`child failed (status ${r.status}, ${r.error?.message ?? ''}): ${r.stderr}`);
  }
  return { status: r.status, stdout: r.stdout, stderr: r.stderr, probe: JSON.parse(probeText) as Probe };
}

/**
 * Runs `code` (an async module body; `lib` is the built entry) in a child with the isolated
 * environment, from `cwd`; its stdout, stderr and exit status.
 */
function runInChild(code: string, cwd: string): { status: number | null; stdout: string; stderr: string } {
  const entry = pathToFileURL(path.join(ROOT, 'dist/index.js')).href;
  const r = spawnSync(
    process.execPath,
    ['--input-type=module', '-e', `const lib = await import(${JSON.stringify(entry)});\n${code}`],
    { cwd, env: isolatedEnv(), encoding: 'utf8', timeout: 60_000 },
  );
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Every path under `dir`, relative. */
function listTree(dir: string): string[] {
  return fs.readdirSync(dir, { recursive: true, encoding: 'utf8' }).sort();
}

/** The names src/index.ts exports as values (functions, classes, constants), per the type checker. */
function valueExports(): string[] {
  const program = ts.createProgram([ENTRY], {
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    target: ts.ScriptTarget.ES2022,
    strict: true,
    noEmit: true,
    skipLibCheck: true,
    types: ['node'],
  });
  const checker = program.getTypeChecker();
  const source = program.getSourceFile(ENTRY);
  const moduleSymbol = source === undefined ? undefined : checker.getSymbolAtLocation(source);
  if (moduleSymbol === undefined) throw new Error(`cannot load ${ENTRY}`);
  return checker
    .getExportsOfModule(moduleSymbol)
    .filter((s) => {
      const target = s.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(s) : s;
      return (target.flags & ts.SymbolFlags.Value) !== 0;
    })
    .map((s) => s.getName())
    .sort();
}

beforeAll(() => {
  if (!fs.existsSync(path.join(ROOT, 'dist/index.js'))) {
    throw new Error('dist/index.js is missing: run `npm run build` (npm test does it in pretest)');
  }
});

beforeEach(() => {
  tmp = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'tl-no-side-effects-')));
});

afterEach(() => {
  fs.rmSync(tmp, { recursive: true, force: true });
});

describe("import('tokenledger')", () => {
  it('resolves to the built dist/index.js', () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
    expect(pkg.name).toBe('tokenledger');
    expect(pkg.exports['.'].import).toBe('./dist/index.js');
    expect(fs.existsSync(path.join(ROOT, 'dist/index.d.ts'))).toBe(true);
  });

  it('prints nothing, creates no file and does not load better-sqlite3', () => {
    const run = importInChild('tokenledger');
    expect(run.status).toBe(0);
    expect(run.stdout).toBe('');
    expect(run.stderr).toBe('');
    expect(listTree(tmp)).toEqual([]);
    expect(run.probe.sqliteModules).toEqual([]);
    expect(run.probe.sqliteAddons).toEqual([]);
  });

  it('exports at run time exactly the value exports of src/index.ts', () => {
    const { probe } = importInChild('tokenledger');
    const expected = valueExports();
    expect(expected.length).toBeGreaterThan(10);
    expect(probe.exports).toEqual(expected);
  });

  it('its ledger functions print nothing and write nothing outside the ledger', () => {
    // Transcripts with a file read again and again (imported by the first call), and a repository.
    const repo = fixtureRepo(path.join(tmp, 'repo'));
    writeRereadTranscripts(path.join(tmp, 'claude'), rereadSessions(Date.now(), true, repo));
    const work = path.join(tmp, 'work');
    fs.mkdirSync(work);
    const before = listTree(tmp);
    const run = runInChild(
      `
const fs = await import('node:fs');
const out = {};
out.saved = await lib.setBudget({ name: 'weekly', limit: '2M', per: 'week' });
out.status = await lib.budgetStatus();
out.anomalies = await lib.findAnomalies({ days: 7 });
out.report = await lib.usageReport({ by: ['tool', 'file'] });
out.review = await lib.reviewUsage({ repo: ${JSON.stringify(repo)} });
out.compare = await lib.compareCohorts({ a: 'all', b: 'label:team=x' });
out.estimate = await lib.estimateUsage({ labels: { team: 'x' }, by: 'stage' });
out.list = await lib.listBudgets();
await lib.removeBudget('weekly');
out.after = await lib.listBudgets();
fs.writeFileSync(${JSON.stringify(path.join(tmp, 'results.json'))}, JSON.stringify(out));
`,
      work,
    );
    expect(run.stderr).toBe('');
    expect(run.stdout).toBe('');
    expect(run.status).toBe(0);
    const results = JSON.parse(fs.readFileSync(path.join(tmp, 'results.json'), 'utf8'));
    // The calls did their work: the transcripts were imported and analysed.
    expect(results.status.budgets[0].spent).toBeGreaterThan(0);
    expect(results.anomalies.anomalies.map((a: { kind: string }) => a.kind)).toContain('file-reread');
    expect(results.review.recommendations.map((r: { kind: string }) => r.kind)).toContain('file_reread');
    expect(results.review.reportPath).toBeNull();
    expect(results.report.rows.map((r: { tool: string }) => r.tool)).toContain('Read');
    expect(results.list.budgets).toHaveLength(1);
    expect(results.after.budgets).toEqual([]);
    // What is new: the results file (the probe's), and the ledger in TOKENLEDGER_HOME.
    const added = listTree(tmp).filter((p) => !before.includes(p));
    expect(added.filter((p) => p !== 'results.json' && !p.startsWith('tokenledger'))).toEqual([]);
    expect(added).toContain(path.join('tokenledger', 'ledger.db'));
    expect(fs.readdirSync(work)).toEqual([]);
    expect(fs.readFileSync(path.join(repo, 'CLAUDE.md'), 'utf8')).toBe(
      '# Project notes\n\n## Build\n\nRun `npm test` before committing.\n',
    );
  }, 90_000);

  it('the probe does detect better-sqlite3 when a module that uses it is imported (control)', () => {
    const run = importInChild('./dist/ledger/open-ledger.js');
    expect(run.probe.sqliteModules.length).toBeGreaterThan(0);
    expect(listTree(tmp)).toEqual([]);
  });
});
