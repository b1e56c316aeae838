// `npm run build`: dist/ (tsc: the library and its types; scripts/bundle.mjs: the CLI bundles in
// dist/bin and dist/prices.checked.json), built so that no reader ever sees it half-built.
//
// A build may run while tokenledger runs from this same clone: a test suite, a hook Claude Code starts,
// `npm install -g .` or `npm pack` in another terminal. Writing dist/ in place would let those read a
// file that is missing (esbuild's output dir is emptied first) or half-written. So everything is built
// into a staging dir beside dist/, then moved into dist/ file by file with rename(2), which replaces a
// file atomically: every file in dist/ is always a complete file of one build. The CLI's entry bundles
// go last, so a process that starts after them finds all files of the new build. Files the new build
// no longer has are removed afterwards. A failed build leaves dist/ as it was.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const DIST = path.join(ROOT, 'dist');
const STAGING_PREFIX = '.dist-staging-';
/** What bin/tokenledger.js loads first; moved in after every other file. */
const ENTRIES = [
  'bin/import-worker.cjs',
  'bin/mcp-main.cjs',
  'bin/hook-main.cjs',
  'bin/statusline-main.cjs',
  'bin/main.cjs',
];

function run(args) {
  const r = spawnSync(process.execPath, args, { cwd: ROOT, stdio: 'inherit' });
  if (r.status !== 0) {
    throw new Error(
      `build: \`node ${args.join(' ')}\` failed (${r.error?.message ?? `exit ${r.status ?? r.signal}`}); dist/ is unchanged`,
    );
  }
}

/** Every file under `dir`, as paths relative to it with `/` separators. */
function filesUnder(dir, rel = '') {
  const out = [];
  for (const entry of fs.readdirSync(path.join(dir, rel), { withFileTypes: true })) {
    const child = rel === '' ? entry.name : `${rel}/${entry.name}`;
    if (entry.isDirectory()) out.push(...filesUnder(dir, child));
    else out.push(child);
  }
  return out;
}

function removeEmptyDirs(dir) {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    if (!entry.isDirectory()) continue;
    const sub = path.join(dir, entry.name);
    removeEmptyDirs(sub);
    if (fs.readdirSync(sub).length === 0) fs.rmdirSync(sub);
  }
}

/** Moves every file of `from` into `to` by rename, the entry bundles last, then drops stale files. */
function swapIn(from, to) {
  const files = filesUnder(from);
  const order = [...files.filter((f) => !ENTRIES.includes(f)), ...ENTRIES.filter((f) => files.includes(f))];
  for (const rel of order) {
    const target = path.join(to, rel);
    fs.mkdirSync(path.dirname(target), { recursive: true });
    // A directory where the new build has a file (a layout change) cannot be renamed over.
    if (fs.lstatSync(target, { throwIfNoEntry: false })?.isDirectory())
      fs.rmSync(target, { recursive: true });
    fs.renameSync(path.join(from, rel), target);
  }
  const kept = new Set(files);
  for (const rel of filesUnder(to)) if (!kept.has(rel)) fs.rmSync(path.join(to, rel), { force: true });
  removeEmptyDirs(to);
}

/** Staging dirs left by builds that were killed (their process is gone). */
function removeAbandonedStaging() {
  for (const name of fs.readdirSync(ROOT)) {
    if (!name.startsWith(STAGING_PREFIX)) continue;
    const pid = Number.parseInt(name.slice(STAGING_PREFIX.length), 10);
    let alive = false;
    try {
      process.kill(pid, 0);
      alive = true;
    } catch (error) {
      alive = error.code === 'EPERM';
    }
    if (!alive) fs.rmSync(path.join(ROOT, name), { recursive: true, force: true });
  }
}

removeAbandonedStaging();
const staging = fs.mkdtempSync(path.join(ROOT, `${STAGING_PREFIX}${process.pid}-`));
try {
  const stagedDist = path.join(staging, 'dist');
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  run([tsc, '-p', 'tsconfig.build.json', '--outDir', stagedDist]);
  run([path.join('scripts', 'bundle.mjs'), stagedDist]);
  fs.mkdirSync(DIST, { recursive: true });
  swapIn(stagedDist, DIST);
} catch (error) {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
} finally {
  fs.rmSync(staging, { recursive: true, force: true });
}
