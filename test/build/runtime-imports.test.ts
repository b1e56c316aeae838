/**
 * What an installed tokenledger loads at run time is in its `dependencies`: a global install
 * (`npm install -g`) has no devDependencies. Every module named in the build (the bundles in
 * dist/bin, the library in dist/, bin/tokenledger.js) must be Node's own or a package the lock file
 * installs for production, never a devDependency (esbuild, typescript, vitest, …).
 */
import fs from 'node:fs';
import { builtinModules } from 'node:module';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { BUILD_ROOT, DIST_DIR, REPO } from '../helpers/built-cli.js';

/** `require('x')`, `from 'x'`, `import('x')`, `import 'x'`, where x looks like a module specifier. */
const SPECIFIER = [
  /\brequire\(\s*["']([@\w./:-]+)["']\s*\)/g,
  /\bfrom\s*["']([@\w./:-]+)["']/g,
  /\bimport\(\s*["']([@\w./:-]+)["']\s*\)/g,
  /\bimport\s*["']([@\w./:-]+)["']/g,
];
const BUILTIN = new Set(builtinModules);

/** The package a bare specifier names (`@scope/name/sub` → `@scope/name`), or null for Node's and relative ones. */
function packageOf(specifier: string): string | null {
  if (specifier.startsWith('.') || specifier.startsWith('/') || specifier.startsWith('node:')) return null;
  const parts = specifier.split('/');
  const name = specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!;
  return BUILTIN.has(name) ? null : name;
}

function codeFiles(dir: string): string[] {
  return fs
    .readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.js') || f.endsWith('.cjs'))
    .map((f) => path.join(dir, f));
}

/** Package → the files of the build that name it. */
function namedPackages(): Map<string, string[]> {
  const found = new Map<string, string[]>();
  for (const file of [...codeFiles(DIST_DIR), path.join(BUILD_ROOT, 'bin', 'tokenledger.js')]) {
    const text = fs.readFileSync(file, 'utf8');
    for (const re of SPECIFIER)
      for (const m of text.matchAll(re)) {
        const name = packageOf(m[1]!);
        if (name !== null) found.set(name, [...(found.get(name) ?? []), path.relative(BUILD_ROOT, file)]);
      }
  }
  return found;
}

/** Packages `npm install` of tokenledger brings for production (not dev-only), by the lock file. */
function productionPackages(): Set<string> {
  const lock = JSON.parse(fs.readFileSync(path.join(REPO, 'package-lock.json'), 'utf8')) as {
    packages: Record<string, { dev?: boolean; devOptional?: boolean }>;
  };
  const names = new Set<string>();
  for (const [at, entry] of Object.entries(lock.packages)) {
    if (at === '' || entry.dev === true || entry.devOptional === true) continue;
    names.add(at.slice(at.lastIndexOf('node_modules/') + 'node_modules/'.length));
  }
  return names;
}

describe('run-time modules of the build', () => {
  it('are Node built-ins or production dependencies, never devDependencies', () => {
    const found = namedPackages();
    // The scan sees the real thing: the ledger's SQLite binding and the MCP SDK are named.
    expect([...found.keys()]).toEqual(
      expect.arrayContaining(['better-sqlite3', '@modelcontextprotocol/sdk']),
    );
    const allowed = productionPackages();
    allowed.add('tokenledger'); // the package itself (an example in a doc comment)
    allowed.add('itty-router'); // an example in a doc comment of Hono's mount(), in the dashboard's bundle
    const strays = [...found]
      .filter(([name]) => !allowed.has(name))
      .map(([name, files]) => `${name} (${files[0]})`);
    expect(strays).toEqual([]);
  });

  it('the production packages include every dependency and no devDependency', () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(REPO, 'package.json'), 'utf8')) as {
      dependencies: Record<string, string>;
      devDependencies: Record<string, string>;
    };
    const production = productionPackages();
    for (const name of Object.keys(pkg.dependencies)) expect(production.has(name), name).toBe(true);
    for (const name of Object.keys(pkg.devDependencies)) expect(production.has(name), name).toBe(false);
  });
});
