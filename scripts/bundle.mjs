// Bundles the command line into dist/bin with esbuild. The library entry (dist/index.js, with .d.ts)
// comes from tsc.
//
// Start-up time matters (Claude Code runs `hook` and `statusline` many times a session, and a warm
// report should take well under 150 ms), so each entry is ONE self-contained CommonJS file: Node
// loads that several milliseconds faster than an ES module graph, and bin/tokenledger.js compiles it
// with a V8 code cache. better-sqlite3's JavaScript goes into the bundles too (a dozen fewer files to
// resolve and load); its compiled addon is loaded by path (SqliteStore's nativeBinding), so
// `bindings` is never used. The import worker is a file of its own (worker threads load it by path).
//
// Usage: node scripts/bundle.mjs DIST — DIST holds tsc's output (the price table check imports it) and
// receives bin/ and prices.checked.json. scripts/build.mjs runs it on a staging copy of dist/.
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';

const DIST = process.argv[2];
if (DIST === undefined) throw new Error('usage: node scripts/bundle.mjs DIST (scripts/build.mjs runs it)');
const BIN = path.join(DIST, 'bin');

// commander requires node:child_process at load time, for executable subcommands we never use; that
// pulls in net, dgram and the stream modules (several ms of every start). Its copy is loaded on first use.
const lazyChildProcess = {
  name: 'lazy-child-process-for-commander',
  setup(b) {
    const commander = `${path.sep}node_modules${path.sep}commander${path.sep}`;
    b.onResolve({ filter: /^(node:)?child_process$/ }, (args) =>
      args.importer.includes(commander) ? { path: 'child_process', namespace: 'tl-lazy' } : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: 'tl-lazy' }, () => ({
      contents:
        "let m;\nmodule.exports = new Proxy({}, { get: (_, key) => (m ??= require('node:child_process'))[key] });\n",
      loader: 'js',
    }));
  },
};

fs.rmSync(BIN, { recursive: true, force: true });

await build({
  entryPoints: [
    'src/cli/main.ts',
    'src/cli/hook-main.ts',
    'src/cli/statusline-main.ts',
    'src/app/import/import-worker.ts',
    // `tokenledger mcp`: the MCP SDK and its schema libraries, loaded by that command only.
    'src/mcp/mcp-main.ts',
    // `tokenledger dashboard`: the web server, loaded by that command only.
    'src/dashboard/dashboard-main.ts',
  ],
  outdir: BIN,
  entryNames: '[name]',
  outExtension: { '.js': '.cjs' },
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  // pg (a dependency) stays a package: only a postgres:// ledger loads it, and its optional pg-native is never named.
  external: ['bindings', 'pg'],
  define: { 'import.meta.url': '__tlImportMetaUrl' },
  banner: { js: "const __tlImportMetaUrl = require('node:url').pathToFileURL(__filename).href;" },
  logLevel: 'warning',
  plugins: [lazyChildProcess],
});

// The dashboard's client: its script (and a small one that starts the first requests) and a style sheet, everything bundled (no CDN: it works
// offline), with the page that loads them, in dist/dashboard-assets (the server reads them at start).
{
  const assets = path.join(DIST, 'dashboard-assets');
  fs.rmSync(assets, { recursive: true, force: true });
  await build({
    // early: the page's first requests, started while app.js still loads (index.html runs it first).
    entryPoints: { app: 'src/dashboard/client/main.ts', early: 'src/dashboard/client/early.ts' },
    outdir: assets,
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: ['chrome110', 'firefox110', 'safari16'],
    minify: true,
    legalComments: 'linked',
    logLevel: 'warning',
  });
  fs.copyFileSync('src/dashboard/client/index.html', path.join(assets, 'index.html'));
}

// The price table, validated once here (an invalid one stops the build, naming the entry and field):
// the CLI skips the schema check for a data/prices.json equal to this copy (src/pricing/price-table.ts).
fs.rmSync(path.join(DIST, 'prices.checked.json'), { force: true });
{
  const { parsePriceTable } = await import(
    pathToFileURL(path.resolve(DIST, 'pricing', 'price-table.js')).href
  );
  const text = fs.readFileSync('data/prices.json', 'utf8');
  parsePriceTable(JSON.parse(text), 'data/prices.json');
  fs.writeFileSync(path.join(DIST, 'prices.checked.json'), text);
}

// esbuild wraps each `import fs from 'node:fs'` of every bundled module in its own __toESM copy of
// the module (a getter per property: node:fs has about a hundred). The same module gets the same
// wrapper instead: a hook process starts about 20 fewer copies.
const HELPER = 'var __toESM = (mod, isNodeMode, target) => (';
const MEMO = `var __tlEsmCache = new WeakMap();
var __toESM = (mod, isNodeMode, target) => {
  if (isNodeMode !== 1 || mod === null || typeof mod !== "object") return __toESMCopy(mod, isNodeMode, target);
  let wrapped = __tlEsmCache.get(mod);
  if (wrapped === undefined) __tlEsmCache.set(mod, (wrapped = __toESMCopy(mod, isNodeMode)));
  return wrapped;
};
var __toESMCopy = (mod, isNodeMode, target) => (`;
for (const file of fs.readdirSync(BIN)) {
  if (!file.endsWith('.cjs')) continue;
  const p = path.join(BIN, file);
  let text = fs.readFileSync(p, 'utf8');
  if (text.includes('__toESM(')) {
    if (!text.includes(HELPER))
      throw new Error(`scripts/bundle.mjs: esbuild's __toESM helper changed shape in ${p}; update the memo.`);
    text = text.replace(HELPER, MEMO);
  }
  fs.writeFileSync(p, asciiComments(text, p));
}

/**
 * bin/tokenledger.js reads the bundles as latin1, which is faster than decoding UTF-8 and right only
 * for ASCII. esbuild escapes non-ASCII in code (charset ascii); what is left is in comments, where an
 * escape changes nothing. A non-ASCII character on a line that is not a comment stops the build.
 */
function asciiComments(text, file) {
  return text
    .split('\n')
    .map((line, i) => {
      if (!/[^\t\n\r\x20-\x7e]/.test(line)) return line;
      const code = line.trimStart();
      if (!(code.startsWith('//') || code.startsWith('/*') || code.startsWith('*')))
        throw new Error(
          `scripts/bundle.mjs: non-ASCII outside a comment in ${file}:${i + 1}: ${line.trim()}`,
        );
      return line.replace(
        /[^\t\n\r\x20-\x7e]/g,
        (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
      );
    })
    .join('\n');
}
