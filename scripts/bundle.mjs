// Bundles the CLI (and its import worker) into dist/bin with esbuild: one ESM graph, no module
// resolution at start-up, commands split into chunks loaded on demand. better-sqlite3 stays
// external (it is a native module). The library entry (dist/index.js, with .d.ts) comes from tsc.
import fs from 'node:fs';
import { build } from 'esbuild';

// Chunk names carry content hashes: start from an empty dir so old chunks do not pile up.
fs.rmSync('dist/bin', { recursive: true, force: true });

await build({
  entryPoints: ['src/cli/main.ts', 'src/cli/hook-main.ts', 'src/ledger/claude-import-worker.ts'],
  outdir: 'dist/bin',
  entryNames: '[name]',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  external: ['better-sqlite3'],
  // Bundled CommonJS dependencies (commander) call require().
  banner: {
    js: "import { createRequire as __tlCreateRequire } from 'node:module'; const require = __tlCreateRequire(import.meta.url);",
  },
  logLevel: 'warning',
});
