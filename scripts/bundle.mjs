// Bundles the command line into dist/bin with esbuild. The library entry (dist/index.js, with .d.ts)
// comes from tsc.
//
// Start-up time matters (Claude Code runs `hook` and `statusline` many times a session, and a warm
// report should take well under 150 ms), so each entry is ONE self-contained CommonJS file: Node
// loads that several milliseconds faster than an ES module graph, and bin/tokenledger.js compiles it
// with a V8 code cache. better-sqlite3's JavaScript goes into the bundles too (a dozen fewer files to
// resolve and load); its compiled addon is loaded by path (SqliteStore's nativeBinding), so
// `bindings` is never used. The import worker is a file of its own (worker threads load it by path).
import fs from 'node:fs';
import { build } from 'esbuild';

fs.rmSync('dist/bin', { recursive: true, force: true });

await build({
  entryPoints: [
    'src/cli/main.ts',
    'src/cli/hook-main.ts',
    'src/cli/statusline-main.ts',
    'src/ledger/claude-import-worker.ts',
  ],
  outdir: 'dist/bin',
  entryNames: '[name]',
  outExtension: { '.js': '.cjs' },
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  external: ['bindings'],
  define: { 'import.meta.url': '__tlImportMetaUrl' },
  banner: { js: "const __tlImportMetaUrl = require('node:url').pathToFileURL(__filename).href;" },
  logLevel: 'warning',
});
