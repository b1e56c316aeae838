/**
 * `tokenledger report --by tool|skill|mcp-server|file`: the rows of what drove each request, the
 * exact total (each request once), and the note saying rows can add up to more.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { EXPECTED_TOTAL, expectedBy, FIXTURE } from '../capture/tool-activity-truth.js';
import { useSandbox } from '../helpers/cli.js';
import { FIXTURES } from '../helpers/ledger.js';

const sandbox = useSandbox('tl-by-tool-');

function withFixture(): void {
  fs.cpSync(path.join(FIXTURES, FIXTURE), sandbox.claude, { recursive: true });
}

interface ReportJson {
  rows: (Record<string, unknown> & { inputTokens: number; totalTokens: number })[];
  totals: { inputTokens: number; outputTokens: number };
  meta: { by: string[]; note?: string };
}

describe('report --by tool, skill, mcp-server, file', () => {
  it('--json: a row per value with its exact sums, the totals counting each request once', () => {
    withFixture();
    for (const [dim, key] of [
      ['tool', 'tool'],
      ['skill', 'skill'],
      ['mcp-server', 'mcpServer'],
      ['file', 'file'],
    ] as const) {
      const out = sandbox.json<ReportJson>(['report', '--by', dim, '--json']);
      const expected = expectedBy(key);
      expect(Object.fromEntries(out.rows.map((r) => [r[dim], r.inputTokens]))).toEqual(
        Object.fromEntries(Object.entries(expected).map(([v, t]) => [v, t.input])),
      );
      expect(out.totals.inputTokens).toBe(EXPECTED_TOTAL.input);
      expect(out.totals.outputTokens).toBe(EXPECTED_TOTAL.output);
      expect(out.meta.note).toContain('more than the total');
    }
  });

  it('the table ends with the note; a report by another dimension has none', () => {
    withFixture();
    const table = sandbox.ok(['report', '--by', 'file,model']);
    expect(table).toContain('foundation.md');
    expect(table).toContain('more than the total');
    expect(sandbox.json<ReportJson>(['report', '--by', 'model', '--json']).meta.note).toBeUndefined();
  });

  it('--help names the dimensions', () => {
    const help = sandbox.ok(['report', '--help']);
    for (const d of ['tool', 'skill', 'mcp-server', 'file']) expect(help).toContain(d);
  });
});
