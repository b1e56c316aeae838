// Bundles the CLI (and its import worker) into dist/bin with esbuild: one ESM graph, no module
// resolution at start-up, commands split into chunks loaded on demand; `hook` and `statusline` are
// single files. better-sqlite3 stays
// external (it is a native module). The library entry (dist/index.js, with .d.ts) comes from tsc.
import fs from 'node:fs';
import { build } from 'esbuild';

// Chunk names carry content hashes: start from an empty dir so old chunks do not pile up.
fs.rmSync('dist/bin', { recursive: true, force: true });

const common = {
  bundle: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  external: ['better-sqlite3'],
  // Bundled CommonJS dependencies (commander) call require().
  banner: {
    js: "import { createRequire as __tlCreateRequire } from 'node:module'; const require = __tlCreateRequire(import.meta.url);",
  },
  logLevel: 'warning',
};

// Claude Code runs `hook` and `statusline` many times a session: each is one self-contained CommonJS
// file, which Node loads several milliseconds faster than an ES module graph.
await build({
  ...common,
  entryPoints: ['src/cli/hook-main.ts', 'src/cli/statusline-main.ts'],
  outdir: 'dist/bin',
  entryNames: '[name]',
  outExtension: { '.js': '.cjs' },
  format: 'cjs',
  splitting: false,
  // better-sqlite3's JavaScript goes into the bundle too (a dozen fewer files to resolve and load);
  // its compiled addon is loaded by path (SqliteStore's nativeBinding), so `bindings` is never used.
  external: ['bindings'],
  define: { 'import.meta.url': '__tlImportMetaUrl' },
  banner: { js: "const __tlImportMetaUrl = require('node:url').pathToFileURL(__filename).href;" },
});

await build({
  ...common,
  entryPoints: ['src/cli/main.ts', 'src/ledger/claude-import-worker.ts'],
  outdir: 'dist/bin',
  entryNames: '[name]',
  splitting: true,
});
