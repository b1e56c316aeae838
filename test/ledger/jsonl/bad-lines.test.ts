/**
 * Bad lines in a JSONL folder are reported as `file:line: reason` and skipped; every valid line is
 * still imported. Exporting into a folder with bad lines leaves them as they are.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { exportJsonl } from '../../../src/ledger/jsonl/export-jsonl.js';
import { importJsonl } from '../../../src/ledger/jsonl/import-jsonl.js';
import { formatLine } from '../../../src/ledger/jsonl/jsonl-format.js';
import { parseLine } from '../../../src/ledger/jsonl/jsonl-parse.js';
import { DECLARED_USAGE_SOURCE, type UsageLedgerRecord } from '../../../src/ledger/ledger-records.js';
import { TELEMETRY_SOURCE } from '../../../src/ledger/sqlite/telemetry.js';
import { UserError } from '../../../src/util/errors.js';
import { cleanupTemp, openTempLedger, tempDir } from '../../helpers/ledger.js';
import { reportView, T0, usage } from './jsonl-helpers.js';

afterEach(cleanupTemp);

function usageLine(dedupKey: string, input: number): string {
  const record: UsageLedgerRecord = {
    type: 'usage',
    ...usage({ dedupKey, input }),
    machine: 'm',
    user: 'u',
    taskId: null,
    stage: null,
    labels: null,
  };
  return formatLine(record, 0);
}

function withField(line: string, key: string, value: unknown): string {
  return JSON.stringify({ ...(JSON.parse(line) as object), [key]: value });
}

describe('import of a folder with bad lines', () => {
  it('reports each as file:line: reason and imports every valid line', async () => {
    const dir = tempDir();
    const good = usageLine('ok-1', 10);
    const lines = [
      good,
      '{"type":"usage", oops',
      withField(usageLine('neg', 1), 'input_tokens', -5),
      withField(usageLine('when', 1), 'ts', '2026-02-30T00:00:00.000Z'),
      '{"type":"comment","text":"hi"}',
      '',
      withField(usageLine('derived', 1), 'source', 'telemetry'),
      '[1,2]',
      usageLine('ok-2', 20),
    ];
    fs.mkdirSync(path.join(dir, '2026-11-20'));
    const file = path.join(dir, '2026-11-20', 'm.jsonl');
    fs.writeFileSync(file, `${lines.join('\r\n')}\r\n`);
    const store = openTempLedger();
    const summary = await importJsonl(store, dir);
    expect(summary.problems.map((p) => `${path.relative(dir, p.file)}:${p.line}: ${p.reason}`)).toEqual([
      expect.stringMatching(/^2026-11-20\/m\.jsonl:2: not JSON/),
      '2026-11-20/m.jsonl:3: usage input_tokens: expected a whole number >= 0, got -5',
      '2026-11-20/m.jsonl:4: usage ts: expected a real date and time, got "2026-02-30T00:00:00.000Z"',
      '2026-11-20/m.jsonl:5: type: unknown record type "comment" (expected one of usage, agent, spawn, task, span, run, declared_task, telemetry_error, activity, budget, budget_warning, review_proposal)',
      expect.stringMatching(/^2026-11-20\/m\.jsonl:7: usage source "telemetry" is derived/),
      '2026-11-20/m.jsonl:8: expected a JSON object, got [1,2]',
    ]);
    expect(summary.lines).toBe(8);
    expect(summary.records).toBe(2);
    expect((await reportView(store)).total?.all?.slice(0, 1)).toEqual([30]);
  });

  it('rejects usage with the source the SQLite store gives derived rows', () => {
    expect(DECLARED_USAGE_SOURCE).toBe(TELEMETRY_SOURCE);
  });

  it('names a missing field', () => {
    const { dedup_key: _k, ...rest } = JSON.parse(usageLine('x', 1)) as Record<string, unknown>;
    expect(parseLine(JSON.stringify(rest))).toEqual({ ok: false, reason: 'usage dedup_key: missing' });
  });

  it('says what to pass when the folder does not exist', async () => {
    const store = openTempLedger();
    const missing = path.join(tempDir(), 'nope');
    await expect(importJsonl(store, missing)).rejects.toThrow(UserError);
    await expect(importJsonl(store, missing)).rejects.toThrow(/nope does not exist\. Pass the folder/);
  });
});

describe('export into a folder with bad lines', () => {
  it('leaves them as they are and appends after a last line without a newline', async () => {
    const dir = tempDir();
    const file = path.join(dir, '2026-11-20', 'm.jsonl');
    fs.mkdirSync(path.dirname(file));
    fs.writeFileSync(file, `not json\n${usageLine('old', 1)}`);
    const store = openTempLedger();
    await store.writeFiles(
      [
        {
          path: '/mem/t.jsonl',
          cursor: null,
          fromStart: false,
          readAt: T0,
          bytesRead: 0,
          bytesLeft: 0,
          records: [usage({ dedupKey: 'new', input: 2 })],
          costCheckpoints: [],
          agentFacts: [],
          problems: [],
        },
      ],
      { machine: 'm', user: 'u' },
    );
    const summary = await exportJsonl(store, dir, { filter: {}, machine: 'm', now: T0 });
    expect(summary.problems).toHaveLength(1);
    expect(summary.linesAppended).toBe(1);
    expect(fs.readFileSync(file, 'utf8')).toBe(`not json\n${usageLine('old', 1)}\n${usageLine('new', 2)}\n`);
  });
});
