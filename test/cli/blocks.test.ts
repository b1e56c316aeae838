/**
 * `tokenledger blocks` through the built CLI, on transcripts written with known times into a temp
 * Claude config dir and a real SQLite ledger: boundaries and gaps, the active block's burn rate and
 * projection, the token limit, --active/--recent/--since, declared telemetry left out, and errors.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { assistantLine } from '../../src/synthetic/transcript-lines.js';
import { useSandbox } from '../helpers/cli.js';

const SONNET = 'claude-sonnet-4-5-20250929';
const H = 3_600_000;
const M = 60_000;

const cli = useSandbox('tl-blocks-', { dirs: ['claude', 'tl'] });
let n = 0;

interface BlockJson {
  id: string;
  startTime: string;
  endTime: string;
  actualEndTime: string | null;
  isActive: boolean;
  isGap: boolean;
  entries: number;
  tokenCounts: Record<string, number>;
  totalTokens: number;
  costUSD: number;
  models: string[];
  burnRate: { tokensPerMinute: number; costPerHour: number } | null;
  projection: { totalTokens: number; totalCost: number; remainingMinutes: number } | null;
  tokenLimitStatus?: { limit: number; projectedUsage: number; percentUsed: number; status: string };
  unpricedModels: string[];
}

function blocks(args: string[] = []): { blocks: BlockJson[]; totals: Record<string, number> } {
  return cli.json(['blocks', '--json', ...args]);
}

/** Writes responses at the given epoch ms: each `input` tokens of input, 100 output, 1,000 cache read. */
function write(
  times: readonly number[],
  opts: { input?: number; session?: string; model?: string } = {},
): void {
  const session = opts.session ?? 'sess-a';
  const file = path.join(cli.claude, 'projects', '-work-app', `${session}.jsonl`);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const lines = times.map((ts) => {
    n++;
    return assistantLine({
      env: {
        sessionId: session,
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
      model: opts.model ?? SONNET,
      block: { type: 'text', text: 'ok' },
      blockIndex: 0,
      usage: {
        input: opts.input ?? 1000,
        output: 100,
        cacheWrite: 0,
        cacheWrite1h: 0,
        cacheRead: 1000,
        webSearch: 0,
      },
      output: 100,
      stopReason: 'end_turn',
    });
  });
  fs.appendFileSync(file, `${lines.join('\n')}\n`);
}

const DAY = Date.UTC(2026, 10, 2); // a Monday long past: no block is active

describe('blocks', () => {
  it('draws blocks and gaps as ccusage does: hour-floored starts, 5 h blocks, gaps after pauses over 5 h', () => {
    write([
      DAY + 9 * H + 10 * M, // block 09:00
      DAY + 11 * H,
      DAY + 14 * H + 5 * M, // more than 5 h after 09:00: block 14:00 (no gap: 3h05m since the last)
      DAY + 19 * H + 6 * M, // more than 5 h after 14:05: gap 19:05 → 19:06, block 19:00
    ]);
    const out = blocks();
    expect(out.blocks.map((b) => [b.id, b.isGap, b.entries, b.startTime, b.endTime])).toEqual([
      ['2026-11-02T09:00:00.000Z', false, 2, '2026-11-02T09:00:00.000Z', '2026-11-02T14:00:00.000Z'],
      ['2026-11-02T14:00:00.000Z', false, 1, '2026-11-02T14:00:00.000Z', '2026-11-02T19:00:00.000Z'],
      ['gap-2026-11-02T19:05:00.000Z', true, 0, '2026-11-02T19:05:00.000Z', '2026-11-02T19:06:00.000Z'],
      ['2026-11-02T19:00:00.000Z', false, 1, '2026-11-02T19:00:00.000Z', '2026-11-03T00:00:00.000Z'],
    ]);
    const first = out.blocks[0] as BlockJson;
    expect(first.tokenCounts).toEqual({
      inputTokens: 2000,
      outputTokens: 200,
      cacheCreationInputTokens: 0,
      cacheReadInputTokens: 2000,
    });
    expect(first).toMatchObject({
      totalTokens: 4200,
      actualEndTime: '2026-11-02T11:00:00.000Z',
      isActive: false,
    });
    expect(first.models).toEqual([SONNET]);
    expect(first.burnRate).toBeNull();
    expect(out.totals.totalTokens).toBe(4 * 2100);
    // -n: another session length.
    const hourly = blocks(['-n', '1']);
    expect(hourly.blocks.filter((b) => !b.isGap).map((b) => b.id)).toEqual([
      '2026-11-02T09:00:00.000Z',
      '2026-11-02T11:00:00.000Z',
      '2026-11-02T14:00:00.000Z',
      '2026-11-02T19:00:00.000Z',
    ]);
  });

  it('selects by start date (--since, --until) exactly as filtering all blocks would', () => {
    const times: number[] = [];
    for (let d = 0; d < 6; d++)
      for (const h of [1, 3, 7, 8.5, 15, 21.5]) times.push(DAY + d * 24 * H + h * H + d * M);
    write(times);
    const all = blocks().blocks;
    for (let d = 0; d <= 6; d++) {
      const date = new Date(DAY + d * 24 * H).toISOString().slice(0, 10);
      const from = DAY + d * 24 * H;
      expect(blocks(['--since', date]).blocks, `--since ${date}`).toEqual(
        all.filter((b) => Date.parse(b.startTime) >= from),
      );
      expect(blocks(['--until', date]).blocks, `--until ${date}`).toEqual(
        all.filter((b) => Date.parse(b.startTime) < from + 24 * H),
      );
    }
  });

  it('gives the active block a burn rate, a projection and a token limit status', () => {
    const now = Date.now();
    write([now - 26 * H, now - 25 * H], { input: 5000 }); // a completed block of 2 × 6,100 tokens
    write([now - 70 * M, now - 40 * M, now - 10 * M]);
    const out = blocks(['--token-limit', '5000']);
    const active = out.blocks.filter((b) => b.isActive);
    expect(active).toHaveLength(1);
    const b = active[0] as BlockJson;
    expect(b.totalTokens).toBe(3 * 2100);
    expect(b.burnRate?.tokensPerMinute).toBeCloseTo(6300 / 60, 6);
    const end = Date.parse(b.endTime);
    expect(b.projection?.remainingMinutes).toBeGreaterThan(0);
    expect(b.projection?.totalTokens).toBe(
      Math.round(6300 + (6300 / 60) * (b.projection?.remainingMinutes ?? 0)),
    );
    expect(Math.abs(end - Date.now() - (b.projection?.remainingMinutes ?? 0) * M)).toBeLessThan(2 * M);
    expect(b.tokenLimitStatus).toMatchObject({ limit: 5000, status: 'exceeds' });
    for (const x of out.blocks.filter((y) => !y.isActive)) expect(x.tokenLimitStatus).toBeUndefined();
    // max: the largest completed block.
    expect(blocks(['-t', 'max']).blocks.find((x) => x.isActive)?.tokenLimitStatus?.limit).toBe(12_200);
    // --active: that block alone; --recent: blocks of the last 3 days and the active one.
    expect(blocks(['--active']).blocks.map((x) => x.id)).toEqual([b.id]);
    expect(blocks(['--recent']).blocks.length).toBe(out.blocks.length);
    // The table warns on stderr, and shows the share of the limit.
    const table = cli.run(['blocks', '-t', '5k']);
    expect(table.status).toBe(0);
    expect(table.stdout).toContain('126.0%'); // the active block's share of the limit
    expect(table.stdout).toContain('Burn rate:');
    expect(table.stderr).toMatch(
      /warning: the active block is projected to use [\d,]+ tokens, [\d.]+% of the 5,000-token limit: over the limit/,
    );
    const quiet = cli.run(['blocks', '-t', '10M']);
    expect(quiet.stderr).not.toContain('warning');
    expect(cli.run(['blocks', '--active']).stdout).toMatch(/^Active block: .*\n {2}Time: +\d+h \d+m elapsed/);
  });

  it('--recent leaves out blocks that started more than 3 days ago', () => {
    const now = Date.now();
    write([now - 5 * 24 * H, now - 2 * 24 * H]);
    const out = blocks(['--recent']).blocks;
    expect(out.map((b) => b.isGap)).toEqual([false]);
    expect(Date.parse(out[0]?.startTime ?? '')).toBeGreaterThan(now - 3 * 24 * H);
    expect(cli.run(['blocks', '--active']).stdout).toMatch(/^No active block/);
  });

  it('counts responses only, not declared telemetry (which daily counts)', () => {
    write([DAY + 10 * H]);
    const declared = cli.run(['record'], {
      input: JSON.stringify({
        mode: 'log_only',
        task_id: 'T-1',
        timestamp: '2026-11-02T12:00:00Z',
        user_request_summary: 'x',
        entries: [
          { agent: 'lead', model: 'opus', input_tokens: 900, output_tokens: 100, total_tokens: 1000 },
        ],
      }),
    });
    expect(declared.status, declared.stderr).toBe(0);
    const daily = JSON.parse(cli.run(['daily', '--json']).stdout) as { totals: { totalTokens: number } };
    expect(daily.totals.totalTokens).toBe(2100 + 1000);
    expect(blocks().totals.totalTokens).toBe(2100);
  });

  it('names the bad value and what to do', () => {
    for (const [args, msg] of [
      [['-n', '0'], /--session-length "0" is not a length in hours/],
      [['-t', 'lots'], /--token-limit "lots" is not a token count/],
      [['-t', '$5'], /--token-limit "\$5" is not a token count/],
      [['--live'], /--live redraws the terminal, and standard output is not one/],
      [['--live', '--json'], /--live redraws the terminal and prints no JSON/],
      [['--since', '2026-11-05', '--until', '2026-11-01'], /--since 2026-11-05 is after --until 2026-11-01/],
    ] as const) {
      const r = cli.run(['blocks', ...args]);
      expect(r.status, args.join(' ')).toBe(1);
      expect(r.stderr).toMatch(msg);
      expect(r.stdout).toBe('');
    }
  });
});
