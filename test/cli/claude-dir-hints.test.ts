/**
 * Claude dirs the user named that hold no history, through the built CLI: CLAUDE_CONFIG_DIR pointing
 * at a `projects/` folder gets a hint to use its parent, and a named dir (CLAUDE_CONFIG_DIR or
 * "claudeDirs") without `projects/` a warning. Both go to stderr; `--json` stdout stays JSON only.
 */
import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { assistantLine } from '../../src/synthetic/transcript-lines.js';
import { type EnvVars, useSandbox } from '../helpers/cli.js';

// Each run names its Claude dirs itself, and has a data dir of its own.
const cli = useSandbox('tl-dirs-', { per: 'file', dirs: ['claude/projects/-work-app'] });

beforeAll(() => {
  const dir = path.join(cli.claude, 'projects', '-work-app');
  fs.writeFileSync(
    path.join(dir, '11111111-2222-4333-8444-555555555555.jsonl'),
    `${assistantLine({
      env: {
        sessionId: '11111111-2222-4333-8444-555555555555',
        cwd: '/work/app',
        gitBranch: 'main',
        version: '2.1.330',
        isSidechain: false,
      },
      uuid: 'u1',
      parentUuid: null,
      timestamp: '2026-11-20T10:00:00.000Z',
      messageId: 'msg_1',
      requestId: 'req_1',
      model: 'claude-sonnet-4-5-20250929',
      block: { type: 'text', text: 'ok' },
      blockIndex: 0,
      usage: { input: 10, output: 20, cacheWrite: 0, cacheWrite1h: 0, cacheRead: 0, webSearch: 0 },
      output: 20,
      stopReason: 'end_turn',
    })}\n`,
  );
});

function tl(args: string[], env: EnvVars) {
  return cli.run(args, {
    env: { CLAUDE_CONFIG_DIR: undefined, TOKENLEDGER_HOME: fs.mkdtempSync(cli.path('tl-')), ...env },
  });
}

describe('named Claude dirs without projects/', () => {
  it('CLAUDE_CONFIG_DIR=<dir>/projects: a hint on stderr to use the parent; --json stdout is JSON only', () => {
    const projects = path.join(cli.claude, 'projects');
    for (const args of [['import', '--json'], ['status', '--json'], ['daily', '--json'], ['--json']]) {
      const r = tl(args, { CLAUDE_CONFIG_DIR: projects });
      expect(r.status, `${args.join(' ')}: ${r.stderr}`).toBe(0);
      expect(() => JSON.parse(r.stdout)).not.toThrow();
      expect(r.stdout).not.toContain('projects/ folder');
      expect(r.stderr).toContain(
        `tokenledger: warning: CLAUDE_CONFIG_DIR names ${projects}, a projects/ folder: Claude Code keeps transcripts in <Claude config dir>/projects/, so set CLAUDE_CONFIG_DIR to its parent, ${cli.claude}.`,
      );
    }
  });

  it('with the parent, the hint is gone and the history is read', () => {
    const r = tl(['import', '--json'], { CLAUDE_CONFIG_DIR: cli.claude });
    expect(r.stderr).toBe('');
    expect(JSON.parse(r.stdout)).toMatchObject({ records: 1 });
  });

  it('"claudeDirs" in the config naming a dir without projects/: a warning naming the setting', () => {
    const empty = fs.mkdtempSync(path.join(cli.root, 'empty-'));
    const config = path.join(cli.root, 'config.json');
    fs.writeFileSync(config, JSON.stringify({ claudeDirs: [cli.claude, empty] }));
    const r = tl(['daily', '--json', '--config', config], {});
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout).totals.totalTokens).toBe(30);
    expect(r.stderr).toContain(
      `"claudeDirs" in the config file names ${empty}, which has no projects/ folder`,
    );
  });
});
