/**
 * The build the tests run. The unit suite (vitest.config.ts) runs a private copy of the clone's build,
 * made once per run by test/setup/test-build.ts, so a build of the clone meanwhile (`npm run build`,
 * `npm pack`, `npm install -g .`) cannot change or break what the tests run. Elsewhere (the e2e
 * suite, which builds first) it is the clone itself.
 */
import path from 'node:path';

/** The clone: sources, fixtures, docs. */
export const REPO = path.resolve(import.meta.dirname, '../..');

/** The environment variable test/setup/test-build.ts hands the copy's location over in. */
export const TEST_BUILD_ENV = 'TOKENLEDGER_TEST_BUILD';

/** The package root the tests run: `package.json`, `bin/`, `dist/`, `data/` and `node_modules`. */
export const BUILD_ROOT = process.env[TEST_BUILD_ENV] ?? REPO;

/** The built CLI: `node BIN …`. */
export const BIN = path.join(BUILD_ROOT, 'bin', 'tokenledger.js');

/** tsc's output (the library) and the CLI bundles (`bin/`). */
export const DIST_DIR = path.join(BUILD_ROOT, 'dist');
