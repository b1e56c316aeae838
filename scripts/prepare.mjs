// npm's `prepare`: builds dist/ on `npm install` / `npm ci` in a clone, `npm pack` and `npm install -g .`.
//
// npm also runs it on the first `npx tokenledger` inside the clone: npx links the clone into its cache
// like a dependency and prepares it. Running the CLI must not rebuild it, so under `npm exec` / `npx`
// an existing build is kept (only a clone that was never built gets one).
import fs from 'node:fs';

if (process.env.npm_command === 'exec' && fs.existsSync(new URL('../dist/bin/main.cjs', import.meta.url))) {
  process.exit(0);
}
await import('./build.mjs');
