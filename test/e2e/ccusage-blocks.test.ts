/**
 * `tokenledger blocks --json` against the peer itself, ccusage 20.0.24 (`blocks --offline --json`), on
 * a small generated history: the same blocks, gaps, entries and token counts, also with another
 * session length and a date range. The peer is installed into .bench/peer as `npm run bench` does.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compareBlocks } from '../../bench/blocks-compare.mjs';
import { generateHistory } from '../../src/synthetic/history-generator.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const BIN = path.join(ROOT, 'bin', 'tokenledger.js');
const PEER_VERSION = '20.0.24';
const PEER_DIR = path.join(ROOT, '.bench', 'peer');
const PEER_BIN = path.join(PEER_DIR, 'node_modules', '.bin', 'ccusage');

let root: string;
let env: Record<string, string>;

beforeAll(() => {
  if (!fs.existsSync(PEER_BIN)) {
    const r = spawnSync(
      'npm',
      ['install', '--prefix', PEER_DIR, '--no-save', '--no-audit', '--no-fund', `ccusage@${PEER_VERSION}`],
      { encoding: 'utf8' },
    );
    if (r.status !== 0 || !fs.existsSync(PEER_BIN))
      throw new Error(`could not install ccusage@${PEER_VERSION} into ${PEER_DIR}:\n${r.stderr}`);
  }
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'tl-ccusage-blocks-'));
  const claude = path.join(root, 'claude');
  generateHistory({
    configDir: claude,
    seed: 11,
    targetBytes: 4 << 20,
    fileCount: 40,
    endDate: new Date('2026-11-20T00:00:00Z'),
    days: 12,
    progressCopies: true,
    forkCopies: false,
  });
  fs.mkdirSync(path.join(root, 'home'));
  env = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: path.join(root, 'home'),
    CLAUDE_CONFIG_DIR: claude,
    TOKENLEDGER_HOME: path.join(root, 'tl'),
    TZ: 'UTC',
    NO_COLOR: '1',
  };
});

afterAll(() => {
  if (root !== undefined) fs.rmSync(root, { recursive: true, force: true });
});

function run(bin: string, args: string[]): string {
  const r = spawnSync(bin, args, { encoding: 'utf8', env, cwd: root, maxBuffer: 64 << 20 });
  expect(r.status, `${bin} ${args.join(' ')}: ${r.stderr}`).toBe(0);
  return r.stdout;
}

describe('blocks against ccusage 20.0.24', () => {
  it.each([
    [[]],
    [['-n', '2']],
    [['-n', '8']],
    [['--since', '20261112', '--until', '20261116']],
  ])('blocks %j: the same blocks, gaps, entries and token counts', (args) => {
    const ours = run(process.execPath, [BIN, 'blocks', '--json', ...args]);
    const theirs = run(PEER_BIN, ['blocks', '--offline', '--json', ...args]);
    const c = compareBlocks(ours, theirs, 5);
    expect(c.blocks.ours).toBeGreaterThan(5);
    expect(c.gaps.ours).toBeGreaterThan(0);
    expect(c.differences.filter((d) => (d.ours as { isGap?: boolean } | null)?.isGap !== true)).toEqual([]);
    expect(c.equal).toBe(true);
    expect(c.totalTokens.ours).toBe(c.totalTokens.ccusage);
  });
});
