/**
 * Fast-mode and dated prices through the built CLI: a transcript fixture with fast requests on Opus
 * 4.6 (with and without the long-context tier that ended 2026-03-13), Opus 4.7 (before and after its
 * fast mode ended 2026-07-24), Opus 5.5, Fable 5.2 and Mythos 5.2, a fast request on a model without
 * fast rates (Sonnet 4.5), and Sonnet 5.5 across its cache-read change of 2026-10-06. Costs in
 * `daily --json` are checked against the cost formula with the rates written out here; usage without
 * a price is listed with a hint, never priced at standard rates. Then the same through a config
 * override with fast rates, task totals and the status line.
 */
import fs from 'node:fs';
import path from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { beforeEach, describe, expect, it } from 'vitest';
import { assistantLine } from '../../src/synthetic/transcript-lines.js';
import { BIN } from '../helpers/built-cli.js';
import { useSandbox } from '../helpers/cli.js';

const FIXTURE = path.resolve(import.meta.dirname, '../fixtures/pricing/fast-mode');
const SONNET_45 = 'claude-sonnet-4-5-20250929';

/** USD per million tokens: input, 5m cache write, 1h cache write, cache read, output. */
type Rates = [number, number, number, number, number];
interface Tokens {
  input: number;
  cacheWrite: number;
  cacheWrite1h: number;
  cacheRead: number;
  output: number;
}

/** FORMATS §5.1: Claude Code's formula, cache writes without a TTL at the 5m rate. */
function cost(t: Tokens, [input, w5m, w1h, read, output]: Rates): number {
  return (
    (t.input * input +
      (t.cacheWrite - t.cacheWrite1h) * w5m +
      t.cacheWrite1h * w1h +
      t.cacheRead * read +
      t.output * output) /
    1e6
  );
}

const total = (t: Tokens) => t.input + t.cacheWrite + t.cacheRead + t.output;

// The requests of the fixture (one session, one response each).
/** Opus 4.6 fast, 251,000 input tokens: above 200k. */
const OPUS46_LONG: Tokens = {
  input: 1000,
  cacheWrite: 50000,
  cacheWrite1h: 10000,
  cacheRead: 200000,
  output: 3000,
};
/** Sonnet 4.6 standard, 205,500 input tokens: above 200k. */
const SONNET46_LONG: Tokens = {
  input: 500,
  cacheWrite: 10000,
  cacheWrite1h: 0,
  cacheRead: 195000,
  output: 2000,
};
const OPUS47: Tokens = { input: 2000, cacheWrite: 8000, cacheWrite1h: 2000, cacheRead: 40000, output: 1500 };
const OPUS55: Tokens = { input: 3000, cacheWrite: 4000, cacheWrite1h: 0, cacheRead: 100000, output: 5000 };
const SONNET45: Tokens = { input: 100, cacheWrite: 0, cacheWrite1h: 0, cacheRead: 1000, output: 200 };
const FABLE: Tokens = { input: 1000, cacheWrite: 0, cacheWrite1h: 0, cacheRead: 0, output: 1000 };
const SONNET55: Tokens = { input: 100, cacheWrite: 0, cacheWrite1h: 0, cacheRead: 1_000_000, output: 100 };

// The rates, written out from the pricing sources rather than read from the table under test.
const OPUS46_FAST_LONG: Rates = [60, 75, 120, 6, 225]; // 6× the long-context tier, before 2026-03-13
const SONNET46_LONG_RATES: Rates = [6, 7.5, 12, 0.6, 22.5]; // before 2026-03-13
const OPUS_FAST_6X: Rates = [30, 37.5, 60, 3, 150];
const SONNET46: Rates = [3, 3.75, 6, 0.3, 15];
const OPUS47_STANDARD: Rates = [5, 6.25, 10, 0.5, 25];
const OPUS55_FAST: Rates = [8, 10, 16, 0.4, 40];
const SONNET45_STANDARD: Rates = [3, 3.75, 6, 0.3, 15];
const FABLE52_FAST: Rates = [16, 20, 32, 0.4, 80];
const SONNET55_BEFORE: Rates = [2, 2.5, 4, 0.2, 10];
const SONNET55_AFTER: Rates = [2, 2.5, 4, 0.1, 10];

/** What each day of the fixture costs, and what of it has no price. */
const DAYS: Record<string, { cost: number; unpriced: [string, number][] }> = {
  '2026-03-12': {
    cost: cost(OPUS46_LONG, OPUS46_FAST_LONG) + cost(SONNET46_LONG, SONNET46_LONG_RATES),
    unpriced: [],
  },
  '2026-03-13': { cost: cost(OPUS46_LONG, OPUS_FAST_6X) + cost(SONNET46_LONG, SONNET46), unpriced: [] },
  '2026-07-23': { cost: cost(OPUS47, OPUS_FAST_6X), unpriced: [] },
  // The fast request is unpriced: fast mode on Opus 4.7 ended; the standard one is priced.
  '2026-07-24': { cost: cost(OPUS47, OPUS47_STANDARD), unpriced: [['claude-opus-4-7', total(OPUS47)]] },
  // Sonnet 4.5 has no fast mode: its fast request is unpriced, its standard one priced.
  '2026-08-01': {
    cost: cost(OPUS55, OPUS55_FAST) + cost(SONNET45, SONNET45_STANDARD) + 2 * cost(FABLE, FABLE52_FAST),
    unpriced: [[SONNET_45, total(SONNET45)]],
  },
  '2026-10-05': { cost: cost(SONNET55, SONNET55_BEFORE), unpriced: [] },
  '2026-10-06': { cost: cost(SONNET55, SONNET55_AFTER), unpriced: [] },
};

interface UsageJson {
  totalCost: number;
  totalTokens: number;
  unpricedModels: string[];
  unpricedUsage: { model: string; speed: string; totalTokens: number; responses: number; hint: string }[];
}
interface DailyJson {
  daily: (UsageJson & {
    date: string;
    day?: string;
    modelBreakdowns: { modelName: string; cost: number | null; unpricedTokens: number }[];
  })[];
  totals: UsageJson;
}

const cli = useSandbox('tl-fast-', { dirs: ['tl'], env: { COLUMNS: '160' } });

beforeEach(() => {
  fs.cpSync(FIXTURE, cli.claude, { recursive: true });
});

function daily(args: string[] = [], tz = 'UTC'): DailyJson {
  return cli.json<DailyJson>(['daily', '--json', ...args], { env: { TZ: tz } });
}

function config(value: unknown): string {
  const file = path.join(cli.tlHome, 'config.json');
  fs.writeFileSync(file, JSON.stringify(value));
  return file;
}

describe('fast-mode and dated prices in daily --json', () => {
  it('prices every day exactly, and lists fast requests without a fast rate as unpriced with a hint', () => {
    const out = daily();
    expect(out.daily.map((d) => d.date)).toEqual(Object.keys(DAYS));
    for (const d of out.daily) {
      const want = DAYS[d.date]!;
      expect(d.totalCost, d.date).toBeCloseTo(want.cost, 9);
      expect(d.unpricedModels, d.date).toEqual(want.unpriced.map(([m]) => m));
      expect(
        d.unpricedUsage.map((u) => [u.model, u.speed, u.totalTokens, u.responses]),
        d.date,
      ).toEqual(want.unpriced.map(([m, tokens]) => [m, 'fast', tokens, 1]));
    }
    const sum = Object.values(DAYS).reduce((a, d) => a + d.cost, 0);
    expect(out.totals.totalCost).toBeCloseTo(sum, 9);
    expect([...out.totals.unpricedModels].sort()).toEqual(['claude-opus-4-7', SONNET_45]);

    // The model that is partly priced keeps its priced part, and says what it leaves out.
    const day = out.daily.find((d) => d.date === '2026-07-24')!;
    const opus47 = day.modelBreakdowns.find((m) => m.modelName === 'claude-opus-4-7')!;
    expect(opus47.cost).toBeCloseTo(cost(OPUS47, OPUS47_STANDARD), 9);
    expect(opus47.unpricedTokens).toBe(total(OPUS47));

    const hints = Object.fromEntries(out.totals.unpricedUsage.map((u) => [u.model, u.hint]));
    expect(hints['claude-opus-4-7']).toContain(
      'the price table has fast-mode rates for "claude-opus-4-7" only before 2026-07-24',
    );
    expect(hints[SONNET_45]).toContain('the price table has no fast-mode rates for "claude-sonnet-4-5"');
    for (const hint of Object.values(hints)) {
      expect(hint).toContain(path.join(cli.tlHome, 'config.json'));
      expect(hint).toContain('"fast": {"input": …, "output": …}');
    }
  });

  it('the table notes say which tokens are unpriced and how to price them', () => {
    const r = cli.run(['daily']);
    expect(r.status, r.stderr).toBe(0);
    const text = r.stdout.replace(/\n\s+/g, ' ');
    expect(text).toContain(
      `claude-opus-4-7: ${total(OPUS47).toLocaleString('en-US')} tokens of fast-mode requests are unpriced and not in the cost.`,
    );
    expect(text).toContain(
      `${SONNET_45}: ${total(SONNET45).toLocaleString('en-US')} tokens of fast-mode requests are unpriced and not in the cost.`,
    );
    expect(text).toContain('"pricing": {"overrides": {"claude-opus-4-7": {"input": 5, "output": 25,');
  });

  it('a config override with fast rates prices them; one without leaves them unpriced', () => {
    config({
      pricing: {
        overrides: {
          'claude-opus-4-7': { input: 5, output: 25, fast: { input: 30, output: 150 } },
          [SONNET_45]: { input: 3, output: 15 },
        },
      },
    });
    const out = daily();
    const day = (date: string) => out.daily.find((d) => d.date === date)!;
    // The cache rates default to 1.25×, 2× and 0.1× input: the same as the table's for Opus 4.7.
    expect(day('2026-07-24').totalCost).toBeCloseTo(
      cost(OPUS47, OPUS47_STANDARD) + cost(OPUS47, OPUS_FAST_6X),
      9,
    );
    expect(day('2026-07-24').unpricedModels).toEqual([]);
    expect(day('2026-08-01').unpricedModels).toEqual([SONNET_45]);
    expect(day('2026-08-01').unpricedUsage[0]?.hint).toContain('its pricing override');
  });

  it('an invalid fast rate in an override is a config error naming the setting', () => {
    const file = config({
      pricing: { overrides: { 'claude-opus-4-7': { input: 5, output: 25, fast: { input: 'x' } } } },
    });
    const r = cli.run(['daily', '--json', '--no-import']);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(file);
    expect(r.stderr).toMatch(/pricing\.overrides\.claude-opus-4-7\.fast\.input/);
  });
});

describe('the MCP tools', () => {
  it('query_usage by day gives the same costs and unpriced usage, with hints', async () => {
    const transport = new StdioClientTransport({
      command: process.execPath,
      args: [BIN, 'mcp'],
      env: cli.env(),
      cwd: cli.root,
    });
    const client = new Client({ name: 'tokenledger-test', version: '1.0.0' });
    await client.connect(transport);
    try {
      const result = await client.callTool({ name: 'query_usage', arguments: { by: ['day'] } });
      const content = result.content as { type: string; text: string }[];
      const out = JSON.parse(content[0]?.text ?? '') as { rows: DailyJson['daily']; totals: UsageJson };
      const row = out.rows.find((r) => r.day === '2026-07-24')!;
      expect(row.totalCost).toBeCloseTo(DAYS['2026-07-24']!.cost, 9);
      expect(row.unpricedUsage.map((u) => [u.model, u.speed, u.totalTokens])).toEqual([
        ['claude-opus-4-7', 'fast', total(OPUS47)],
      ]);
      expect(row.unpricedUsage[0]?.hint).toContain('only before 2026-07-24');
      expect(out.totals.totalCost).toBeCloseTo(daily(['--no-import']).totals.totalCost, 9);
    } finally {
      await client.close();
    }
  });
});

describe('a local day that the end of fast mode on Opus 4.7 cuts in two', () => {
  /** Appends a fast Opus 4.7 request at `at` to the fixture's session. */
  function fastOpus47(at: string, n: number): void {
    const dir = path.join(cli.claude, 'projects', '-home-dev-fast');
    const file = path.join(dir, fs.readdirSync(dir)[0]!);
    const line = JSON.parse(fs.readFileSync(file, 'utf8').split('\n')[9]!) as Record<string, unknown> & {
      message: { id: string; usage: { speed: string } };
    };
    expect(line.message.usage.speed).toBe('fast');
    line.message.id = `msg_cut_${n}`;
    line.requestId = `req_cut_${n}`;
    line.uuid = `fa57cut0-0000-4000-8000-00000000000${n}`;
    line.timestamp = at;
    fs.appendFileSync(file, `${JSON.stringify(line)}\n`);
  }

  it.each([
    // 22:00 on 2026-07-23 in New York is after the end (02:00 UTC on the 24th): unpriced.
    ['America/New_York', '2026-07-24T02:00:00.000Z', '2026-07-23', 0],
    // 01:00 on 2026-07-24 in Berlin is before it (23:00 UTC on the 23rd): priced at 6×.
    ['Europe/Berlin', '2026-07-23T23:00:00.000Z', '2026-07-24', 1],
  ])('in %s each request is priced at its own time', (tz, at, date, priced) => {
    fastOpus47(at, 1);
    const day = daily([], tz).daily.find((d) => d.date === date)!;
    const base = date === '2026-07-23' ? cost(OPUS47, OPUS_FAST_6X) : cost(OPUS47, OPUS47_STANDARD);
    expect(day.totalCost).toBeCloseTo(base + priced * cost(OPUS47, OPUS_FAST_6X), 9);
    // 2026-07-24 also holds the fixture's own fast request after the end.
    const unpriced = (date === '2026-07-24' ? 1 : 0) + (1 - priced);
    expect(day.unpricedUsage.map((u) => [u.model, u.responses])).toEqual([['claude-opus-4-7', unpriced]]);
    // The session report, from 15-minute buckets, agrees.
    const session = JSON.parse(cli.run(['session', '--json', '--no-import'], { env: { TZ: tz } }).stdout) as {
      totals: UsageJson;
    };
    expect(session.totals.totalCost).toBeCloseTo(daily(['--no-import'], tz).totals.totalCost, 9);
  });
});

describe('task totals and the status line', () => {
  const SESSION = 'fa570000-0000-4000-8000-0000000000aa';
  const project = () => path.join(cli.root, 'proj');
  const file = () =>
    path.join(cli.claude, 'projects', project().replace(/[^a-zA-Z0-9]/g, '-'), `${SESSION}.jsonl`);
  let n = 0;

  /** A response stamped now in the project's session. */
  function respond(model: string, speed: 'fast' | 'standard', t: Tokens): void {
    n++;
    const line = JSON.parse(
      assistantLine({
        env: {
          sessionId: SESSION,
          cwd: project(),
          gitBranch: 'main',
          version: '2.1.330',
          isSidechain: false,
        },
        uuid: `u-fast-${n}`,
        parentUuid: null,
        timestamp: new Date().toISOString(),
        messageId: `msg_fast_now_${n}`,
        requestId: `req_fast_now_${n}`,
        model,
        block: { type: 'text', text: 'ok' },
        blockIndex: 0,
        usage: { ...t, webSearch: 0 },
        output: t.output,
        stopReason: 'end_turn',
      }),
    ) as { message: { usage: Record<string, unknown> } };
    line.message.usage.speed = speed;
    fs.mkdirSync(path.dirname(file()), { recursive: true });
    fs.appendFileSync(file(), `${JSON.stringify(line)}\n`);
  }

  it('a task and the status line leave the unpriced fast request out, and mark their cost as partial', () => {
    fs.mkdirSync(project());
    expect(cli.run(['task', 'start', 'T-FAST', '--project', project()]).status).toBe(0);
    respond('claude-opus-5-5', 'fast', OPUS55);
    respond(SONNET_45, 'fast', SONNET45);
    const show = cli.run(['task', 'show', 'T-FAST', '--json']);
    expect(show.status, show.stderr).toBe(0);
    const totals = (JSON.parse(show.stdout) as { totals: UsageJson }).totals;
    expect(totals.totalCost).toBeCloseTo(cost(OPUS55, OPUS55_FAST), 9);
    expect(totals.unpricedModels).toEqual([SONNET_45]);
    expect(totals.unpricedUsage.map((u) => [u.model, u.speed, u.totalTokens])).toEqual([
      [SONNET_45, 'fast', total(SONNET45)],
    ]);

    const status = cli.run(['statusline'], {
      input: JSON.stringify({
        hook_event_name: 'Status',
        session_id: SESSION,
        transcript_path: file(),
        cwd: project(),
        model: { id: 'claude-opus-5-5', display_name: 'Opus 5.5' },
      }),
    });
    expect(status.status).toBe(0);
    const usd = `$${cost(OPUS55, OPUS55_FAST).toFixed(2)}+`;
    expect(status.stdout).toContain(`session ${usd}`);
    expect(status.stdout).toContain(`T-FAST ${usd}`);
    expect(status.stdout).toContain(`today ${usd}`);
  });
});
