/**
 * `tokenledger blocks --json` against the peer itself, ccusage 20.0.24 (`blocks --offline --json`), on
 * a small generated history: the same blocks, gaps, entries and token counts, also with another
 * session length and a date range. The peer is installed into .bench/peer as `npm run bench` does.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { compareBlocks } from '../../bench/blocks-compare.mjs';
import { generateHistory } from '../../src/synthetic/history-generator.js';
import { useSandbox } from '../helpers/cli.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const PEER_VERSION = '20.0.24';
const PEER_DIR = path.join(ROOT, '.bench', 'peer');
const PEER_BIN = path.join(PEER_DIR, 'node_modules', '.bin', 'ccusage');

const cli = useSandbox('tl-ccusage-blocks-', { per: 'file', env: { NO_COLOR: '1' } });

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
  generateHistory({
    configDir: cli.claude,
    seed: 11,
    targetBytes: 4 << 20,
    fileCount: 40,
    endDate: new Date('2026-11-20T00:00:00Z'),
    days: 12,
    progressCopies: true,
    forkCopies: false,
  });
});

/** The peer, run as ours is: in the same environment and dir. */
function peer(args: string[]): string {
  const r = spawnSync(PEER_BIN, args, {
    encoding: 'utf8',
    env: cli.env(),
    cwd: cli.cwd,
    maxBuffer: 64 << 20,
  });
  expect(r.status, `${PEER_BIN} ${args.join(' ')}: ${r.stderr}`).toBe(0);
  return r.stdout;
}

describe('blocks against ccusage 20.0.24', () => {
  it.each([
    [[]],
    [['-n', '2']],
    [['-n', '8']],
    [['--since', '20261112', '--until', '20261116']],
  ])('blocks %j: the same blocks, gaps, entries and token counts', (args) => {
    const ours = cli.ok(['blocks', '--json', ...args]);
    const theirs = peer(['blocks', '--offline', '--json', ...args]);
    const c = compareBlocks(ours, theirs, 5);
    expect(c.blocks.ours).toBeGreaterThan(5);
    expect(c.gaps.ours).toBeGreaterThan(0);
    expect(c.differences.filter((d) => (d.ours as { isGap?: boolean } | null)?.isGap !== true)).toEqual([]);
    expect(c.equal).toBe(true);
    expect(c.totalTokens.ours).toBe(c.totalTokens.ccusage);
  });
});
