/**
 * `blocks --live` in a real pseudo-terminal (util-linux `script`): it draws the active block, redraws
 * it in place when a transcript grows, and Ctrl-C ends it with exit code 0 and the cursor shown again.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { assistantLine } from '../../src/synthetic/transcript-lines.js';
import { BIN } from '../helpers/built-cli.js';
import { useSandbox } from '../helpers/cli.js';

const HAS_SCRIPT = spawnSync('script', ['--version'], { encoding: 'utf8' }).status === 0;
const HOME = '\u001b[H';
const SHOW_CURSOR = '\u001b[?25h';

const cli = useSandbox('tl-live-');
let child: ChildProcess | undefined;
let n = 0;

afterEach(() => {
  if (child?.exitCode === null) child.kill('SIGKILL');
});

function write(times: readonly number[], input: number): void {
  const file = path.join(cli.claude, 'projects', '-work-app', 'sess-live.jsonl');
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const lines = times.map((ts) => {
    n++;
    return assistantLine({
      env: {
        sessionId: 'sess-live',
        cwd: '/work/app',
        gitBranch: 'main',
        version: '2.1.100',
        isSidechain: false,
      },
      uuid: `u-${n}`,
      parentUuid: null,
      timestamp: new Date(ts).toISOString(),
      messageId: `msg_${n}`,
      requestId: `req_${n}`,
      model: 'claude-sonnet-4-5-20250929',
      block: { type: 'text', text: 'ok' },
      blockIndex: 0,
      usage: { input, output: 100, cacheWrite: 0, cacheWrite1h: 0, cacheRead: 1000, webSearch: 0 },
      output: 100,
      stopReason: 'end_turn',
    });
  });
  fs.appendFileSync(file, `${lines.join('\n')}\n`);
}

/** Resolves when `test(output)` holds, or rejects after `ms`. */
function waitFor(get: () => string, test: (s: string) => boolean, ms: number, what: string): Promise<void> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const tick = () => {
      if (test(get())) resolve();
      else if (Date.now() - started > ms)
        reject(new Error(`timed out waiting for ${what}; output:\n${get()}`));
      else setTimeout(tick, 50);
    };
    tick();
  });
}

describe.skipIf(!HAS_SCRIPT)('blocks --live in a terminal', () => {
  it('redraws the active block when a transcript grows, and Ctrl-C exits cleanly', async () => {
    const now = Date.now();
    write([now - 30 * 60_000, now - 20 * 60_000], 1000); // 2 × 2,100 tokens
    // exec: the shell `script` starts (dash, often) would turn the Ctrl-C into its own exit 130.
    const command = `exec ${JSON.stringify(process.execPath)} ${JSON.stringify(BIN)} blocks --live --refresh-interval 0.5 --token-limit 100k`;
    const proc = spawn('script', ['-qfec', command, '/dev/null'], {
      env: cli.env({ TERM: 'xterm', COLUMNS: '100' }),
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    child = proc;
    let out = '';
    proc.stdout?.on('data', (d: Buffer) => {
      out += d.toString('utf8');
    });
    const exited = new Promise<number | null>((resolve) => proc.on('exit', (code) => resolve(code)));
    await waitFor(
      () => out,
      (s) => s.includes('4,200 tokens'),
      20_000,
      'the first frame',
    );
    expect(out).toContain('Active block:');
    expect(out).toMatch(/Limit: +100,000 tokens: 4\.2% used/);
    write([Date.now()], 50_000); // + 51,100 tokens
    await waitFor(
      () => out,
      (s) => s.includes('55,300 tokens'),
      20_000,
      'the redraw',
    );
    // Drawn in place: each frame starts at the top left.
    const frames = out.split(HOME).length - 1;
    expect(frames).toBeGreaterThanOrEqual(2);
    expect(out.slice(out.lastIndexOf(HOME))).toContain('55,300 tokens');
    proc.stdin?.write('\u0003');
    expect(await exited).toBe(0);
    expect(out).toContain(SHOW_CURSOR);
    expect(out).not.toMatch(/Error|at .*\.cjs/);
  }, 60_000);
});
