/**
 * `task list` and `task show` with `--since`, `--until` and `--project`, through the built CLI on the
 * demo ledger (a plan of tasks whose usage spans several projects and weeks): each task's actuals are
 * its subtree's usage in those days and that project, the same figures as `report --by task` for the
 * same filters; the comparison with the estimate stays the whole task's; bad filters are refused.
 */
import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { useSandbox } from '../helpers/cli.js';

// The demo makes its own history: no Claude dir is named.
const cli = useSandbox('tl-task-filters-', { per: 'file', env: { CLAUDE_CONFIG_DIR: undefined } });

interface ListedTask {
  id: string;
  parent: string | null;
  project: string | null;
  actualTokens: number;
  actualUsd: number;
  variance: { tokens: { actual: number } | null; overrun: boolean };
}
interface List {
  filters?: { since: string | null; until: string | null; project: string | null };
  tasks: ListedTask[];
}
interface Row {
  totalTokens: number;
  totalCost: number;
  responses: number;
  [k: string]: unknown;
}

let ledger: string[] = [];
const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);

function json<T>(args: readonly string[]): T {
  return cli.json<T>([...args, '--json', ...ledger, '--no-import']);
}

/** Each task's subtree, from the list's parent links. */
function subtree(tasks: readonly ListedTask[], id: string): string[] {
  return [id, ...tasks.filter((t) => t.parent === id).flatMap((t) => subtree(tasks, t.id))];
}

beforeAll(() => {
  cli.ok(['demo']);
  const home = path.join(cli.tlHome, 'demo');
  ledger = ['--db', path.join(home, 'ledger.db'), '--config', path.join(home, 'config.json')];
}, 180_000);

describe('task list and task show with filters', () => {
  it('count only the usage in those days and that project, as report --by task does', () => {
    const projects = json<{ rows: Row[] }>(['report', '--by', 'project']).rows.map((r) => String(r.project));
    expect(projects.length).toBeGreaterThan(1);
    const whole = json<List>(['task', 'list']);
    let compared = 0;
    for (const project of projects) {
      const filters = ['--since', day(-14), '--until', day(-1), '--project', project];
      const list = json<List>(['task', 'list', ...filters]);
      expect(list.filters).toEqual({ since: day(-14), until: day(-1), project });
      const own = new Map(
        json<{ rows: Row[] }>(['report', '--by', 'task', ...filters]).rows.map((r) => [String(r.task), r]),
      );
      for (const t of list.tasks) {
        const ids = subtree(whole.tasks, t.id);
        const tokens = ids.reduce((n, id) => n + (own.get(id)?.totalTokens ?? 0), 0);
        const cost = ids.reduce((n, id) => n + (own.get(id)?.totalCost ?? 0), 0);
        expect(t.actualTokens, `${project} ${t.id}`).toBe(tokens);
        expect(t.actualUsd, `${project} ${t.id}`).toBeCloseTo(cost, 5);
        expect(tokens, `${project} ${t.id} is listed for its usage`).toBeGreaterThan(0);
        // The estimate covers the whole task: its comparison is the unfiltered one.
        const all = whole.tasks.find((w) => w.id === t.id);
        expect(t.variance).toEqual(all?.variance);
        compared++;
      }
      // Every task with usage there is listed.
      for (const id of own.keys())
        if (whole.tasks.some((w) => w.id === id)) expect(list.tasks.map((t) => t.id)).toContain(id);
    }
    expect(compared).toBeGreaterThan(2);
    // The filters narrow: some task counts less than its whole usage.
    const narrowed = json<List>(['task', 'list', '--since', day(-14), '--project', projects[0] ?? '']);
    expect(
      narrowed.tasks.some(
        (t) => t.actualTokens < (whole.tasks.find((w) => w.id === t.id)?.actualTokens ?? 0),
      ),
    ).toBe(true);
  });

  it('task show with filters: its totals and breakdowns are its subtree’s usage in them', () => {
    const projects = json<{ rows: Row[] }>(['report', '--by', 'project']).rows.map((r) => String(r.project));
    const project = projects[0] ?? '';
    const filters = ['--since', day(-14), '--project', project];
    const list = json<List>(['task', 'list', ...filters]);
    const plan = list.tasks.find((t) => t.parent === null && list.tasks.some((c) => c.parent === t.id));
    expect(plan).toBeDefined();
    const show = json<{
      totals: Row;
      byModel: Row[];
      children: { id: string; totalTokens: number }[];
      variance: unknown;
      filters: unknown;
    }>(['task', 'show', plan?.id ?? '', ...filters]);
    expect(show.filters).toEqual({ since: day(-14), until: null, project });
    expect(show.totals.totalTokens).toBe(plan?.actualTokens);
    expect(show.byModel.reduce((n, r) => n + r.totalTokens, 0)).toBe(plan?.actualTokens);
    expect(show.variance).toEqual(plan?.variance);
    for (const c of show.children)
      expect(c.totalTokens, c.id).toBe(list.tasks.find((t) => t.id === c.id)?.actualTokens ?? 0);
    // Without filters, the whole task, and no filters in the JSON.
    const all = json<{ totals: Row; filters?: unknown }>(['task', 'show', plan?.id ?? '']);
    expect(all.filters).toBeUndefined();
    expect(all.totals.totalTokens).toBeGreaterThan(show.totals.totalTokens);
  });

  it('lists a task of the project that was open then, with no usage in those days', () => {
    const dir = cli.path('fresh-project');
    fs.mkdirSync(dir, { recursive: true });
    cli.ok(['task', 'start', 'FRESH-1', '--project', dir, ...ledger]);
    const today = json<List>(['task', 'list', '--project', dir]);
    expect(today.tasks.map((t) => t.id)).toEqual(['FRESH-1']);
    expect(today.tasks[0]?.actualTokens).toBe(0);
    // Created today: not open in days that ended yesterday.
    const before = json<List>(['task', 'list', '--project', dir, '--until', day(-1)]);
    expect(before.tasks).toEqual([]);
    expect(cli.ok(['task', 'list', '--project', dir, '--until', day(-1), ...ledger, '--no-import'])).toBe(
      `No task has usage to ${day(-1)} in ${dir}.\n`,
    );
  });

  it('refuses a range that ends before it starts, and a date that is not one', () => {
    const swapped = cli.run([
      'task',
      'list',
      '--since',
      day(-1),
      '--until',
      day(-3),
      ...ledger,
      '--no-import',
    ]);
    expect(swapped.status).toBe(1);
    expect(swapped.stderr).toContain('swap them');
    const bad = cli.run(['task', 'show', 'BILLING-V2', '--since', 'yesterday', ...ledger, '--no-import']);
    expect(bad.status).toBe(1);
    expect(bad.stderr).toContain('--since');
  });
});
