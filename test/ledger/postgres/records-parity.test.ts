/**
 * exportRecords and importRecords give the same records and the same merge results on PostgreSQL as
 * on SQLite, and an import rebuilds what the exporting ledger shows.
 */
import { afterAll, describe, expect, it } from 'vitest';
import type { ImportableRecord, LedgerRecord } from '../../../src/ledger/ledger-records.js';
import type { LedgerStore } from '../../../src/ledger/store.js';
import { postgresAvailable } from '../../helpers/postgres.js';
import { expectTaskRollupConsistent } from '../../helpers/task-rollup-check.js';
import { backends, frozen, MIN, observe, T0 } from './parity.js';
import { attributionInput, richLedger, telemetryInput } from './scenarios.js';

const DAY = 86_400_000;
const available = await postgresAvailable();
const b = backends();
afterAll(() => b.cleanup());

const importable = (records: LedgerRecord[]): ImportableRecord[] =>
  records.filter((r): r is ImportableRecord => r.type !== 'declared_task');

/** Later versions of some records: each rule of importRecords has something to merge. */
function changed(records: ImportableRecord[]): ImportableRecord[] {
  const out: ImportableRecord[] = [];
  for (const r of records) {
    if (r.type === 'usage' && r.input === 10)
      out.push({ ...r, input: 11, labels: { zeta: '1', alpha: '2' } });
    else if (r.type === 'usage' && r.input === 20) out.push({ ...r, ts: r.ts - MIN, taskId: 'MOVED' });
    else if (r.type === 'agent') out.push({ ...r, agentType: 'aaa', priority: r.priority });
    else if (r.type === 'spawn') out.push({ ...r, taskId: r.taskId ?? 'SPAWNED' });
    else if (r.type === 'span' && r.toTs === null)
      out.push({ ...r, toTs: r.fromTs + 20 * MIN, createdAt: 1 });
    else if (r.type === 'run') out.push({ ...r, numTurns: 99 });
    else if (r.type === 'task') out.push({ ...r, title: `${r.title ?? ''}!` });
  }
  // A call no ledger has, from another machine: it keeps its origin.
  const usage = out.find((r) => r.type === 'usage');
  if (usage?.type === 'usage') out.push({ ...usage, dedupKey: 'new:1', machine: 'm9' });
  return out;
}

async function importScenario(store: LedgerStore, records: ImportableRecord[]) {
  const first = await store.importRecords(records);
  const afterFirst = await observe(store);
  const again = await store.importRecords(records);
  const merged = await store.importRecords(changed(records));
  const attributed = await store.attributePending({ reviewer: 'verify' });
  return { first, again, merged, attributed, afterFirst, afterMerge: await observe(store) };
}

describe.skipIf(!available)('records on PostgreSQL and SQLite', () => {
  it('exports the same records, and imports them with the same merges', async () => {
    const input = attributionInput();
    const captured = telemetryInput();
    const source = await b.sqlite();
    const pgSource = await b.postgres();
    await frozen(T0 + DAY, () => richLedger(source, input, captured));
    await frozen(T0 + DAY, () => richLedger(pgSource, input, captured));
    const exported = await source.exportRecords({});
    expect(await pgSource.exportRecords({})).toEqual(exported);
    const window = { fromMs: T0, toMs: T0 + 3 * MIN };
    expect(await pgSource.exportRecords(window)).toEqual(await source.exportRecords(window));

    const records = importable(exported.map((r) => r.record));
    const lite = await b.sqlite();
    const pg = await b.postgres();
    const expected = await frozen(T0 + 2 * DAY, () => importScenario(lite, records));
    const actual = await frozen(T0 + 2 * DAY, () => importScenario(pg, records));
    expect(expected.first).toBeGreaterThan(0);
    expect(expected.merged).toBeGreaterThan(0);
    expect(actual).toEqual(expected);
    await expectTaskRollupConsistent(pg);
  });
});
