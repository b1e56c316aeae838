/**
 * The status line's figures on a local day that a price change cuts in two: each request is priced
 * at its own time, not all of today at the current time. A real SQLite ledger holding the fast-mode
 * fixture, in New York time, on the evening of 2026-07-23 (already 2026-07-24 in UTC, after fast mode
 * on Opus 4.7 ended).
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ZonedClock } from '../../src/analysis/zoned-time.js';
import { statusFigures } from '../../src/app/status-figures.js';
import { formatStatus } from '../../src/cli/statusline/status-line.js';
import { createPricer } from '../../src/pricing/create-pricer.js';
import { cleanupTemp, importDirs, ORIGIN, openTempLedger, tempDir } from '../helpers/ledger.js';

const FIXTURE = path.resolve(import.meta.dirname, '../fixtures/pricing/fast-mode');
const SESSION = 'fa570000-0000-4000-8000-000000000001';

afterEach(cleanupTemp);

describe('statusline on a day cut by a price change', () => {
  it('prices the morning fast request at 6× and leaves the evening one (after the end) unpriced', async () => {
    const claude = tempDir();
    fs.cpSync(FIXTURE, claude, { recursive: true });
    const file = path.join(claude, 'projects', '-home-dev-fast', `${SESSION}.jsonl`);
    // The fixture's fast Opus 4.7 request of 2026-07-23T10:00Z (its 10th line), again at 22:00 New York time.
    const line = JSON.parse(fs.readFileSync(file, 'utf8').split('\n')[9]!) as Record<string, unknown> & {
      message: { id: string; model: string; usage: { speed: string } };
    };
    expect([line.message.model, line.message.usage.speed]).toEqual(['claude-opus-4-7', 'fast']);
    fs.appendFileSync(
      file,
      `${JSON.stringify({ ...line, message: { ...line.message, id: 'msg_evening' }, requestId: 'req_evening', timestamp: '2026-07-24T02:00:00.000Z' })}\n`,
    );
    const store = openTempLedger();
    await importDirs(store, claude);

    const figures = await statusFigures(
      store,
      { sessionId: SESSION, transcriptPath: null, cwd: null, model: null, claudeCostUsd: null },
      {
        pricer: createPricer(),
        stageMap: {},
        origin: { ...ORIGIN },
        clock: new ZonedClock('America/New_York'),
        now: Date.parse('2026-07-24T03:30:00Z'),
      },
    );
    // (2000·30 + 6000·37.5 + 2000·60 + 40000·3 + 1500·150) / 1e6
    expect(figures.todayCost).toBeCloseTo(0.75, 9);
    expect(figures.todayPartial).toBe(true);
    expect(
      formatStatus(
        { sessionId: SESSION, transcriptPath: null, cwd: null, model: null, claudeCostUsd: null },
        figures,
      ),
    ).toContain('today $0.75+');
  });
});
