/**
 * `anomaliesReport` on real ledgers, SQLite and PostgreSQL: a generated history with planted problems
 * written at the record level gives each problem's flag with its evidence, the same on both backends
 * and the same as the detectors give on the records themselves; a clean ledger raises nothing.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DEFAULT_THRESHOLDS } from '../../src/analysis/anomalies/anomaly.js';
import { detectAnomalies } from '../../src/analysis/anomalies/detectors.js';
import { type AnomaliesReport, anomaliesReport } from '../../src/app/anomalies.js';
import { openLedgerSession } from '../../src/app/ledger-session.js';
import { type PlantedLedger, PROBLEMS, plantedInput, plantedLedger } from '../helpers/planted-problems.js';
import { createTestDatabase, postgresAvailable, type TestDatabase } from '../helpers/postgres.js';

const pgAvailable = await postgresAvailable();
const dirs: string[] = [];
const databases: TestDatabase[] = [];

afterAll(async () => {
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
  for (const db of databases) await db.drop();
}, 60_000);

type Backend = 'sqlite' | 'postgres';

async function location(backend: Backend): Promise<string> {
  if (backend === 'postgres') {
    const db = await createTestDatabase();
    databases.push(db);
    return db.url;
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tl-anomalies-'));
  dirs.push(dir);
  return path.join(dir, 'ledger.db');
}

async function reportOn(
  backend: Backend,
  ledger: PlantedLedger,
  options: Parameters<typeof anomaliesReport>[1] = {},
): Promise<AnomaliesReport> {
  const db = await location(backend);
  const session = await openLedgerSession({
    db,
    env: { TOKENLEDGER_CONFIG: path.join(os.tmpdir(), 'tl-none', 'c.json') },
  });
  try {
    await session.store.importRecords(ledger.records);
    return await anomaliesReport(session, { now: ledger.end - 1, timezone: 'UTC', ...options });
  } finally {
    await session.store.close();
  }
}

const planted = plantedLedger({ plant: PROBLEMS });
const results = new Map<Backend, AnomaliesReport>();

for (const backend of ['sqlite', 'postgres'] as const) {
  describe.skipIf(backend === 'postgres' && !pgAvailable)(`anomalies on ${backend}`, () => {
    it('finds every planted problem, as the detectors do on the records', async () => {
      const report = await reportOn(backend, planted);
      results.set(backend, report);
      expect(report.range).toEqual({ since: '2026-11-15', until: '2026-11-21', timeZone: 'UTC' });
      expect(report.baseline).toEqual({ since: '2026-10-18', until: '2026-11-21' });
      expect(report.checked).toMatchObject({ days: 21, seriesSessions: 2 });
      // Exactly what the detectors find on the records (the ledger's groups equal the records' sums).
      const direct = detectAnomalies(plantedInput(planted), DEFAULT_THRESHOLDS);
      const view = (a: {
        kind: string;
        subject: unknown;
        value: number;
        baseline: unknown;
        evidence: { records: { dedupKey: string }[] };
      }) => ({
        kind: a.kind,
        subject: a.subject,
        value: a.value,
        baseline: a.baseline,
        records: a.evidence.records.map((r) => r.dedupKey),
      });
      expect(report.anomalies.map(view)).toEqual(direct.map(view));
      const t = planted.truth;
      const has = (kind: string, key: 'task' | 'session', id: string | undefined) =>
        report.anomalies.some((a) => a.kind === kind && a.subject[key] === id);
      expect(has('task-over-baseline', 'task', t.overTask?.task)).toBe(true);
      expect(has('runaway-turns', 'task', t.runawayTask?.task)).toBe(true);
      expect(has('runaway-turns', 'session', t.runawayTask?.session)).toBe(true);
      expect(has('context-leak', 'session', t.contextLeak?.session)).toBe(true);
      expect(has('cache-expiring', 'session', t.expiringCache?.session)).toBe(true);
      const leak = report.anomalies.find((a) => a.kind === 'context-leak');
      expect(leak?.evidence.tasks).toEqual([t.contextLeak?.task]);
    });

    it('raises nothing on a clean ledger', async () => {
      const report = await reportOn(backend, plantedLedger({ seed: 11 }));
      expect(report.anomalies).toEqual([]);
      expect(report.checked.tasks).toBe(42);
    });

    it('narrows to a task, and to a project', async () => {
      const t = planted.truth.contextLeak;
      const report = await reportOn(backend, planted, { task: t?.task });
      expect(report.anomalies.length).toBeGreaterThan(0);
      for (const a of report.anomalies)
        expect(a.subject.task === t?.task || a.evidence.tasks.includes(t?.task ?? '')).toBe(true);
      const elsewhere = await reportOn(backend, planted, { projectDir: '/home/dev/other' });
      expect(elsewhere.anomalies).toEqual([]);
      expect(elsewhere.checked.days).toBe(0);
    });
  });
}

describe.skipIf(!pgAvailable)('both backends', () => {
  it('give the same report', () => {
    expect(results.get('postgres')).toEqual(results.get('sqlite'));
  });
});
