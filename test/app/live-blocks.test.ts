/**
 * The refresh step of the live blocks view (src/app/live-blocks.ts) on a real SQLite ledger and real
 * transcript files: each refresh imports what the transcripts gained and sums the active block; the
 * limit is the largest completed block (read at the start) unless a number is given.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { importHistory } from '../../src/app/import-history.js';
import { type LedgerSession, openLedgerSession } from '../../src/app/ledger-session.js';
import { startLiveBlocks } from '../../src/app/live-blocks.js';
import { assistantLine } from '../../src/synthetic/transcript-lines.js';
import { totalTokens } from '../../src/util/token-counts.js';
import { useSandbox } from '../helpers/cli.js';

const HOUR = 3_600_000;
const box = useSandbox('tl-live-app-', { dirs: ['claude', 'tl'] });
let n = 0;

/** One API call per time, each of `input` + 100 output + 1,000 cache-read tokens. */
function write(times: readonly number[], input: number): void {
  const file = path.join(box.claude, 'projects', '-work-app', 'sess-live.jsonl');
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

async function withSession(fn: (session: LedgerSession) => Promise<void>): Promise<void> {
  const config = box.path('config.json');
  fs.writeFileSync(config, JSON.stringify({ claudeDirs: [box.claude] }));
  const session = await openLedgerSession({ db: box.path('tl', 'ledger.db'), config, env: box.env() });
  try {
    await fn(session);
  } finally {
    await session.store.close();
  }
}

describe('startLiveBlocks', () => {
  it('imports before each refresh, sums the active block, and measures it against the largest completed block', async () => {
    const now = Date.now();
    write([now - 10 * HOUR, now - 10 * HOUR + 60_000], 5000); // a completed block: 2 × 6,100 tokens
    write([now - 30 * 60_000], 1000); // the active block: 2,100 tokens
    await withSession(async (session) => {
      // The largest completed block is read once, at the start, from what the ledger holds then.
      await importHistory(session);
      const live = await startLiveBlocks(session, { mode: 'auto', tokenLimit: 'max', sessionMs: 5 * HOUR });
      const first = await live.refresh();
      const active = first.active;
      if (active === null) throw new Error('expected an active block');
      expect(active.isActive).toBe(true);
      expect(totalTokens(active.usage.sums)).toBe(2100);
      expect(first.limit).toBe(12_200);
      expect(first.limitFrom).toBe('largest-completed');
      expect(first.sessionMs).toBe(5 * HOUR);
      expect(first.importNotes).toEqual([]);
      expect(first.nowMs).toBeGreaterThanOrEqual(now);

      write([Date.now()], 50_000); // + 51,100 tokens
      const second = await live.refresh();
      expect(second.active?.usage.sums.responses).toBe(2);
      expect(second.active?.usage.sums.input).toBe(51_000);
      expect(second.limit).toBe(12_200);
    });
  });

  it('a given limit is used as is; without the import a refresh sees only what the ledger holds', async () => {
    const now = Date.now();
    write([now - 30 * 60_000], 1000);
    await withSession(async (session) => {
      const live = await startLiveBlocks(session, {
        mode: 'auto',
        tokenLimit: 100_000,
        sessionMs: 5 * HOUR,
        importFirst: false,
        now: () => now,
      });
      const frame = await live.refresh();
      expect(frame).toEqual({
        nowMs: now,
        active: null,
        limit: 100_000,
        limitFrom: 'given',
        sessionMs: 5 * HOUR,
        importNotes: [],
      });
    });
  });
});
