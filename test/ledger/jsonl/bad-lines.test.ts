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

  it('checks activity, budget, warning and proposal lines field by field', () => {
    const activity = {
      type: 'activity',
      dedup_key: 'm:r',
      tool_use_id: 'toolu_1',
      tool: 'Read',
      mcp_server: null,
      skill: null,
      agent_type: null,
      file: '/a.ts',
      file_op: 'read',
    };
    const budget = {
      type: 'budget',
      name: 'team',
      unit: 'usd',
      limit: 300,
      period: 'month',
      scope_kind: 'all',
      scope_value: null,
      created_at: '2026-11-22T10:00:00.000Z',
      updated_at: '2026-11-22T10:00:00.000Z',
      rev: 0,
    };
    const warning = {
      type: 'budget_warning',
      budget: 'team',
      period: '2026-11',
      threshold: 75,
      warned_at: '2026-11-25T16:20:00.000Z',
      unit: 'usd',
      limit: 300,
      budget_period: 'month',
      scope_kind: 'all',
      scope_value: null,
    };
    const proposal = {
      type: 'review_proposal',
      id: '3f2a9c1b7d4e',
      kind: 'model_downshift',
      target: 'scout',
      file: '.claude/agents/scout.md',
      diff: '-model: opus\n+model: haiku\n',
      expected_hash: 'ab',
      proposed_at: '2026-11-22T10:00:00.000Z',
      cohort_agent: 'scout',
      cohort_model: null,
      cohort_stage: null,
      description: 'Run scout on haiku',
      saving_usd: 4.2,
      applied_at: null,
      rev: 0,
    };
    const reason = (line: object) => {
      const r = parseLine(JSON.stringify(line));
      return r.ok ? 'ok' : r.reason;
    };
    for (const good of [activity, budget, warning, proposal]) expect(reason(good)).toBe('ok');
    expect(reason({ ...activity, file_op: 'delete' })).toBe(
      'activity file_op: expected read, edit or search, got "delete"',
    );
    expect(reason({ ...activity, tool_use_id: null })).toBe(
      'activity tool_use_id: expected a string, got null',
    );
    expect(reason({ ...budget, limit: 0 })).toBe('budget limit: expected a number > 0, got 0');
    expect(reason({ ...budget, unit: 'eur' })).toBe('budget unit: expected tokens or usd, got "eur"');
    expect(reason({ ...budget, scope_value: 'T-1' })).toBe(
      'budget scope_value: expected null for scope_kind "all", got "T-1"',
    );
    expect(reason({ ...budget, scope_kind: 'task' })).toBe(
      'budget scope_value: expected the task the budget counts, got null',
    );
    expect(reason({ ...budget, rev: undefined })).toBe('budget rev: missing');
    expect(reason({ ...warning, threshold: 7.5 })).toBe(
      'budget_warning threshold: expected a whole number >= 0, got 7.5',
    );
    expect(reason({ ...warning, budget_period: 'year' })).toBe(
      'budget_warning budget_period: expected day, week, month, got "year"',
    );
    expect(reason({ ...proposal, applied_at: 'yesterday' })).toMatch(
      /^review_proposal applied_at: expected an ISO 8601 UTC time like .*, got "yesterday"/,
    );
    expect(reason({ ...proposal, diff: undefined })).toBe('review_proposal diff: missing');
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
