/**
 * Claude Code history that is hard to fit in a terminal: eight projects whose ~76-character paths
 * share a long prefix and differ only near the end (the last segment is the same for all), long
 * branch names, four models, several sessions and days, and token counts in the tens of millions.
 * Written as real transcript files for the built CLI to import.
 * @module
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { assistantLine } from '../../src/synthetic/transcript-lines.js';

const PREFIX = '/home/developer/src/github.com/acme-platform';

/** Eight project paths of about 76 characters, the same prefix and last segment, told apart by the team segment. */
export const WIDE_PROJECTS: readonly string[] = [
  'billing',
  'checkout',
  'identity',
  'inventory',
  'ledger',
  'payments',
  'search',
  'shipping',
].map((team) => `${PREFIX}/${team}-repository/component`);

export const WIDE_BRANCHES: readonly string[] = [
  'feature/PLAT-12345-rework-the-settlement-batch-scheduler',
  'bugfix/PLAT-67890-null-currency-in-refund-webhooks',
];

export const WIDE_MODELS: readonly string[] = [
  'claude-opus-4-5-20251101',
  'claude-sonnet-4-5-20250929',
  'claude-haiku-4-5-20251001',
  'claude-opus-4-1-20250805',
];

/** The days the history covers (UTC). */
export const WIDE_DAYS: readonly string[] = ['2026-03-02', '2026-03-03', '2026-03-04'];

/** A random-looking (but fixed) UUID per project and day, as Claude Code's session ids are. */
function sessionId(project: number, day: number): string {
  const h = createHash('sha256').update(`wide-${project}-${day}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/**
 * Writes the history under `claudeDir/projects/…` and returns the number of responses written.
 * With `today`, the last day's responses are also written at `today` (so the bare summary has
 * something to show for today and this month).
 */
export function writeWideHistory(claudeDir: string, today?: Date): number {
  const days = WIDE_DAYS.map((d) => new Date(`${d}T10:00:00Z`));
  if (today !== undefined) days.push(today);
  let n = 0;
  for (const [p, project] of WIDE_PROJECTS.entries()) {
    for (const [d, day] of days.entries()) {
      const session = sessionId(p, d);
      const file = path.join(
        claudeDir,
        'projects',
        project.replace(/[^a-zA-Z0-9]/g, '-'),
        `${session}.jsonl`,
      );
      fs.mkdirSync(path.dirname(file), { recursive: true });
      const lines: string[] = [];
      for (const [m, model] of WIDE_MODELS.entries()) {
        n++;
        const scale = (p + 1) * (m + 1) * (d + 1);
        const output = 12_345 * scale;
        lines.push(
          assistantLine({
            env: {
              sessionId: session,
              cwd: project,
              gitBranch: WIDE_BRANCHES[(p + d) % WIDE_BRANCHES.length] ?? 'main',
              version: '2.1.330',
              isSidechain: false,
            },
            uuid: `u-wide-${n}`,
            parentUuid: null,
            timestamp: new Date(day.getTime() + m * 60_000).toISOString(),
            messageId: `msg_wide_${n}`,
            requestId: `req_wide_${n}`,
            model,
            block: { type: 'text', text: 'ok' },
            blockIndex: 0,
            usage: {
              input: 4_321 * scale,
              output,
              cacheWrite: 45_678 * scale,
              cacheWrite1h: 0,
              cacheRead: 654_321 * scale,
              webSearch: 0,
            },
            output,
            stopReason: 'end_turn',
          }),
        );
      }
      fs.appendFileSync(file, `${lines.join('\n')}\n`);
    }
  }
  return n;
}
