/**
 * vitest globalSetup of the unit suite: copies the clone's build (`package.json`, `bin/`, `dist/`,
 * `data/`; `node_modules` linked) into a temp dir once per run, and points test/helpers/built-cli.ts
 * at it. What the tests run cannot then change under them, whatever rebuilds the clone meanwhile.
 * `npm test` builds first (pretest); a clone that was never built gets a clear error.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { REPO, TEST_BUILD_ENV } from '../helpers/built-cli.js';

export default function setup(): () => void {
  for (const file of ['dist/bin/main.cjs', 'dist/index.js']) {
    if (!fs.existsSync(path.join(REPO, file))) {
      throw new Error(`${path.join(REPO, file)} is missing: run \`npm run build\` (npm test does it first)`);
    }
  }
  const root = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'tokenledger-test-build-')));
  for (const name of ['package.json', 'bin', 'dist', 'data']) {
    fs.cpSync(path.join(REPO, name), path.join(root, name), { recursive: true });
  }
  fs.symlinkSync(path.join(REPO, 'node_modules'), path.join(root, 'node_modules'), 'dir');
  process.env[TEST_BUILD_ENV] = root;
  return () => fs.rmSync(root, { recursive: true, force: true });
}
