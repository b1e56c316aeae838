/**
 * A task's requests one by one (app/task-requests.ts, the dashboard's drill-down timeline), on the
 * demo ledger in SQLite and, copied through `export --jsonl` / `import-jsonl`, in PostgreSQL: they are
 * exactly the API calls `task show` counts, oldest first, and a limit keeps the latest; with the
 * task filters (some days, one project), the calls `task show` and `task list` count in them.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openLedgerSession, sessionClock } from '../../src/app/ledger-session.js';
import { taskList, taskShow, taskUsageScope } from '../../src/app/task-reports.js';
import { taskRequests } from '../../src/app/task-requests.js';
import { Sandbox } from '../helpers/cli.js';
import { createTestDatabase, postgresAvailable, type TestDatabase } from '../helpers/postgres.js';

const sandbox = new Sandbox({
  prefix: 'tl-task-requests-',
  claude: 'tl/demo/claude',
  dirs: ['tl/demo/claude'],
});
let config: string;
let sqlite: string;
let pgDb: TestDatabase | undefined;

beforeAll(async () => {
  sandbox.open();
  sandbox.ok(['demo']);
  sqlite = sandbox.path('tl', 'demo', 'ledger.db');
  config = sandbox.path('tl', 'demo', 'config.json');
  if (await postgresAvailable()) {
    pgDb = await createTestDatabase();
    const dir = sandbox.path('jsonl');
    sandbox.ok(['export', '--jsonl', dir, '--db', sqlite, '--config', config, '--no-import']);
    sandbox.ok(['import-jsonl', dir, '--db', pgDb.url, '--config', config]);
  }
}, 120_000);
afterAll(async () => {
  await pgDb?.drop();
  sandbox.remove();
});

describe.each(['sqlite', 'postgres'] as const)('task requests on %s', (backend) => {
  it('are the API calls task show counts, oldest first; a limit keeps the latest', async (ctx) => {
    const db = backend === 'sqlite' ? sqlite : pgDb?.url;
    if (db === undefined) return ctx.skip();
    const session = await openLedgerSession({ db, config: path.resolve(config), env: {} });
    try {
      const plan = await session.store.task('BILLING-V2');
      expect(plan).not.toBeNull();
      const ids = plan === null ? [] : await session.store.taskTree(plan.id);
      expect(ids.length).toBeGreaterThan(1);
      for (const id of ids) {
        const task = await session.store.task(id);
        if (task === null) throw new Error(`no task ${id}`);
        const shown = await taskShow(session, task);
        const totals = shown.json().totals;
        const r = await taskRequests(session, shown.summary.tree);
        expect(r.truncated, id).toBe(false);
        expect(r.total, id).toBe(totals.responses);
        expect(r.requests).toHaveLength(totals.responses);
        const sum = (
          k: 'inputTokens' | 'outputTokens' | 'cacheCreationTokens' | 'cacheReadTokens' | 'totalTokens',
        ) => r.requests.reduce((n, q) => n + q[k], 0);
        expect(sum('totalTokens'), id).toBe(totals.totalTokens);
        expect(sum('cacheReadTokens'), id).toBe(totals.cacheReadTokens);
        expect(sum('cacheCreationTokens'), id).toBe(totals.cacheCreationTokens);
        expect(r.requests.every((q) => q.task !== null && shown.summary.tree.includes(q.task))).toBe(true);
        const times = r.requests.map((q) => q.at);
        expect(times).toEqual([...times].sort());
        if (r.total > 5) {
          const latest = await taskRequests(session, shown.summary.tree, 5);
          expect(latest).toMatchObject({ total: r.total, truncated: true });
          expect(latest.requests).toEqual(r.requests.slice(-5));
        }
      }
      expect(await taskRequests(session, ['NO-SUCH-TASK'])).toEqual({
        requests: [],
        total: 0,
        truncated: false,
      });
    } finally {
      await session.store.close();
    }
  });

  it('with filters, are the API calls task show and task list count in those days and that project', async (ctx) => {
    const db = backend === 'sqlite' ? sqlite : pgDb?.url;
    if (db === undefined) return ctx.skip();
    const session = await openLedgerSession({ db, config: path.resolve(config), env: {} });
    try {
      const clock = sessionClock(session);
      const since = clock.dateOf(Date.now() - 14 * 86_400_000);
      const projects = (await session.store.groups({ dimensions: ['project'], filter: {} }))
        .map((g) => g.values.project ?? '')
        .filter((p) => p !== '');
      let counted = 0;
      for (const project of new Set(projects)) {
        const filters = { clock, since, project };
        const list = await taskList(session, { activeOnly: false, filters });
        for (const row of list.rows) {
          const shown = await taskShow(session, row.task, filters);
          const totals = shown.json().totals;
          expect(totals.totalTokens, `${project} ${row.task.id}`).toBe(
            list.json().tasks.find((t) => t.id === row.task.id)?.actualTokens,
          );
          const r = await taskRequests(session, shown.summary.tree, undefined, taskUsageScope(filters));
          expect(r.total, `${project} ${row.task.id}`).toBe(totals.responses);
          expect(r.requests.reduce((n, q) => n + q.totalTokens, 0)).toBe(totals.totalTokens);
          expect(r.requests.every((q) => q.at >= new Date(clock.startOf(since)).toISOString())).toBe(true);
          counted += r.total;
        }
      }
      expect(counted).toBeGreaterThan(0);
    } finally {
      await session.store.close();
    }
  });
});
