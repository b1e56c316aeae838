#!/usr/bin/env node
// Installs the pinned Claude Code CLI that the e2e suites drive (offline, against a fake API) into
// <repo>/.e2e/claude-code/. Idempotent: when <dir>/node_modules/.bin/claude already prints the pinned
// version it only says where it is. Run as `node scripts/install-claude.mjs`; exits non-zero with a
// clear message when the install fails or the installed binary does not work.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const PACKAGE = '@anthropic-ai/claude-code';
const VERSION = '2.1.330';
const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dir = path.join(repo, '.e2e', 'claude-code');
const bin = path.join(dir, 'node_modules', '.bin', 'claude');

/** What `claude --version` prints, or null when the binary is missing or does not run. */
function installedVersion() {
  if (!fs.existsSync(bin)) return null;
  const r = spawnSync(bin, ['--version'], {
    encoding: 'utf8',
    timeout: 30_000,
    // A throwaway-free, quiet environment: --version touches neither config nor network.
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? dir, DISABLE_AUTOUPDATER: '1' },
  });
  if (r.status !== 0 || typeof r.stdout !== 'string') return null;
  return r.stdout.trim();
}

function fail(message) {
  process.stderr.write(`install-claude: ${message}\n`);
  process.exit(1);
}

const before = installedVersion();
if (before?.startsWith(`${VERSION} `) || before === VERSION) {
  process.stdout.write(`install-claude: ${PACKAGE}@${VERSION} already at ${bin}\n`);
  process.exit(0);
}

process.stdout.write(
  `install-claude: installing ${PACKAGE}@${VERSION} into ${dir}` +
    `${before ? ` (found ${JSON.stringify(before)})` : ''} ...\n`,
);
fs.mkdirSync(dir, { recursive: true });
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const r = spawnSync(
  npm,
  ['install', '--prefix', dir, '--no-save', '--no-audit', '--no-fund', `${PACKAGE}@${VERSION}`],
  { stdio: ['ignore', 'inherit', 'inherit'], timeout: 15 * 60_000 },
);
if (r.error) fail(`could not run npm: ${r.error.message}`);
if (r.status !== 0) fail(`npm install ${PACKAGE}@${VERSION} failed (exit ${r.status ?? r.signal})`);

const after = installedVersion();
if (after === null) {
  fail(`installed, but ${bin} does not run (--version failed); the platform binary may be missing`);
}
if (!(after.startsWith(`${VERSION} `) || after === VERSION)) {
  fail(`installed, but ${bin} --version printed ${JSON.stringify(after)}, not ${VERSION}`);
}
process.stdout.write(`install-claude: ${PACKAGE}@${VERSION} installed at ${bin} (${after})\n`);
