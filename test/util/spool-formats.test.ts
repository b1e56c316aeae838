/**
 * The hook's retry queue and the telemetry spool on disk: entries keep the names and JSON of earlier
 * versions, and what earlier versions left (entries, claims of processes that died, files moved
 * aside) is replayed or left alone as then.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { hookSpool, type SpooledHook } from '../../src/app/hook/hook-spool.js';
import { type SpoolItem, telemetrySpool } from '../../src/ledger/telemetry-spool.js';

let root = '';
beforeEach(() => {
  root = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'tl-spool-formats-')));
});
afterEach(() => {
  fs.rmSync(root, { recursive: true, force: true });
});

const HOUR = 3_600_000;

function write(dir: string, name: string, text: string, ageMs = 0): void {
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, name);
  fs.writeFileSync(file, text);
  const then = new Date(Date.now() - ageMs);
  fs.utimesSync(file, then, then);
}

function hookEntry(at: number, sessionId: string): SpooledHook {
  return {
    version: 1,
    at,
    input: {
      event: 'Stop',
      eventName: 'Stop',
      sessionId,
      transcriptPath: '/p/t.jsonl',
      cwd: '/p',
      agentId: null,
      agentType: null,
      agentTranscriptPath: null,
      detail: null,
      promptTaskId: null,
      answered: true,
    },
    context: { taskId: null, stage: null, labels: {} },
    error: 'SQLITE_BUSY: database is locked',
    attempts: 1,
  };
}

function telemetryItem(receivedAt: number, taskId: string): SpoolItem {
  return {
    version: 1,
    receivedAt,
    project: '/p',
    reason: 'database is locked',
    request: {
      mode: 'log_only',
      task_id: taskId,
      timestamp: null,
      timestampMs: null,
      user_request_summary: 'unavailable',
      entries: [],
      days: null,
      missing: [],
    },
  };
}

describe('the hook retry queue', () => {
  it('names entries hook-<ms>-<pid>-<8 hex>.json in <data dir>/spool/, one JSON object each', () => {
    const file = hookSpool(root).add(hookEntry(1_796_651_497_936, 's1'));
    expect(path.relative(root, file)).toMatch(
      new RegExp(`^spool/hook-1796651497936-${process.pid}-[0-9a-f]{8}\\.json$`),
    );
    expect(JSON.parse(fs.readFileSync(file, 'utf8'))).toEqual(hookEntry(1_796_651_497_936, 's1'));
  });

  it('replays what an earlier version queued: entries, and claims of hook processes that died', () => {
    const dir = path.join(root, 'spool');
    const t = 1_796_651_000_000;
    // Earlier versions wrote no newline, and claimed as <entry>.<pid>.claimed without touching the file.
    write(dir, `hook-${t}-100-0a1b2c3d.json`, JSON.stringify(hookEntry(t, 'a')));
    write(dir, `hook-${t + 1}-100-1a1b2c3d.json.4242.claimed`, JSON.stringify(hookEntry(t + 1, 'b')), HOUR);
    write(dir, `hook-${t + 2}-100-2a1b2c3d.json.4243.claimed`, JSON.stringify(hookEntry(t + 2, 'c')));
    write(dir, `hook-${t + 3}-100-3a1b2c3d.json.bad`, 'not json');
    write(dir, `.hook-${t + 4}-100-4a1b2c3d.json.tmp`, JSON.stringify(hookEntry(t + 4, 'e')));
    const claimed = hookSpool(root).claim({ limit: 8 });
    expect(claimed.map((c) => [c.entry.input.sessionId, c.name])).toEqual([
      ['a', `hook-${t}-100-0a1b2c3d.json`],
      ['b', `hook-${t + 1}-100-1a1b2c3d.json`],
    ]);
  });
});

describe('the telemetry spool', () => {
  it('is <ledger file>.spool/, with entries named <ms, 15 digits>-<pid>-<random>.json', () => {
    const spool = telemetrySpool({ kind: 'file', path: path.join(root, 'ledger.db') });
    const file = spool?.add(telemetryItem(1_796_651_497_936, 'T-1')) ?? '';
    expect(path.relative(root, file)).toMatch(
      new RegExp(`^ledger\\.db\\.spool/001796651497936-${process.pid}-[0-9a-z]+\\.json$`),
    );
    expect(fs.readFileSync(file, 'utf8')).toBe(
      `${JSON.stringify(telemetryItem(1_796_651_497_936, 'T-1'))}\n`,
    );
  });

  it('replays what an earlier version spooled: entries, and stale claims; leaves .bad files alone', () => {
    const dir = path.join(root, 'ledger.db.spool');
    write(dir, '001796651000002-100-k3j4h5g6.json', `${JSON.stringify(telemetryItem(2, 'T-2'))}\n`);
    write(
      dir,
      '001796651000001-100-a1b2c3d4.json.claimed-77',
      `${JSON.stringify(telemetryItem(1, 'T-1'))}\n`,
      HOUR,
    );
    write(
      dir,
      '001796651000003-100-zzzzzzzz.json.claimed-78',
      `${JSON.stringify(telemetryItem(3, 'T-3'))}\n`,
    );
    write(dir, '001796651000004-100-yyyyyyyy.json.claimed-79.bad', '{');
    const spool = telemetrySpool({ kind: 'file', path: path.join(root, 'ledger.db') });
    expect(spool?.claim().map((c) => [c.entry.request.task_id, c.name])).toEqual([
      ['T-1', '001796651000001-100-a1b2c3d4.json'],
      ['T-2', '001796651000002-100-k3j4h5g6.json'],
    ]);
  });

  it('a ledger named by a URL has no spool beside it', () => {
    expect(
      telemetrySpool({
        kind: 'postgres',
        url: 'postgres://h/db',
        host: 'h',
        port: null,
        database: 'db',
        user: null,
      }),
    ).toBeNull();
  });
});
