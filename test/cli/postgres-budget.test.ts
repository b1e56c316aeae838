/**
 * Budgets on a PostgreSQL ledger give what they give on a SQLite file (see
 * test/helpers/postgres-twins.ts): set, list, status, the hook's warnings once per threshold, the CI
 * gate and rm. And a team shares them: hooks of two sessions finishing at once on one PostgreSQL
 * ledger warn of each threshold once between them.
 */
import { once } from 'node:events';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BudgetReport } from '../../src/app/budget-status.js';
import { useSandbox } from '../helpers/cli.js';
import { createTestDatabase, postgresAvailable, type TestDatabase } from '../helpers/postgres.js';
import { type Twin, twins } from '../helpers/postgres-twins.js';
import { mainTranscript, respond } from '../helpers/transcript-writer.js';

const available = await postgresAvailable();
const cli = useSandbox('tl-pg-budget-', { per: 'file', dirs: ['claude', 'tl', 'proj'] });
let db: TestDatabase | undefined;
const both = twins(
  cli,
  () => db?.url ?? '',
  () => cli.path('ledger.db'),
);

function session(k: number): string {
  return `b0d90000-0000-4000-8000-${String(k).padStart(12, '0')}`;
}

function stopInput(k: number): string {
  const proj = cli.path('proj');
  return JSON.stringify({
    session_id: session(k),
    transcript_path: mainTranscript(cli.claude, proj, session(k)),
    cwd: proj,
    hook_event_name: 'Stop',
  });
}

/** The Stop hook of session `k` on both ledgers: the system message each printed (or null). */
function stop(k: number): Record<Twin, string | null> {
  const out = both.both(['hook'], { input: stopInput(k) });
  expect(out.status).toBe(0);
  const message = (s: string) =>
    s === '' ? null : (JSON.parse(s) as { systemMessage: string }).systemMessage;
  return { pg: message(out.pg), sqlite: message(out.sqlite) };
}

/** `budget status --json` on one ledger, without what depends on the moment it ran (the forecast). */
function status(on: Twin) {
  const r = both.run(on, ['budget', 'status', '--json', '--no-import']);
  expect(r.status, r.stderr).toBe(0);
  return (JSON.parse(r.stdout) as BudgetReport).budgets.map(({ forecast, ...rest }) => rest);
}

describe.skipIf(!available)('budgets on a PostgreSQL ledger', () => {
  beforeAll(async () => {
    db = await createTestDatabase();
  });

  afterAll(async () => {
    await db?.drop();
  }, 60_000);

  it('set, list, status, the hook once per threshold, --fail-over and rm give what SQLite gives', () => {
    const proj = cli.path('proj');
    expect(both.same(['budget', 'set', 'daily', '1000', '--per', 'day'])).toBe(
      'Budget set: daily: 1.0K tokens per day, everything\n',
    );
    both.same(['budget', 'set', 'proj', '$5', '--per', 'week', '--project', proj]);
    expect(both.same(['budget', 'list'])).toBe(
      `daily: 1.0K tokens per day, everything\nproj: $5.00 per week, project ${proj}\n`,
    );
    respond(cli.claude, { dir: proj, session: session(1), input: 590 });
    const first = stop(1);
    expect(first.pg).toMatch(
      /^tokenledger: budget daily passed 50% of 1.0K tokens today .*: 600 tokens spent, 60%/,
    );
    expect(first.sqlite).toMatch(
      /^tokenledger: budget daily passed 50% of 1.0K tokens today .*: 600 tokens spent, 60%/,
    );
    respond(cli.claude, { dir: proj, session: session(1), input: 90 });
    expect(stop(1)).toEqual({ pg: null, sqlite: null });
    respond(cli.claude, { dir: proj, session: session(1), input: 240 });
    const last = stop(1);
    expect(last.pg).toMatch(/budget daily passed 90% of 1.0K tokens today/);
    expect(last.sqlite).toMatch(/budget daily passed 90% of 1.0K tokens today/);
    expect(status('pg')).toEqual(status('sqlite'));
    expect(status('pg')[0]).toMatchObject({ name: 'daily', spent: 950, reached: [50, 75, 90] });
    expect(both.both(['budget', 'status', '--no-import', '--fail-over']).status).toBe(0);
    respond(cli.claude, { dir: proj, session: session(1), input: 40 });
    const limit = stop(1);
    expect(limit.pg).toMatch(/budget daily reached its limit of 1.0K tokens today/);
    expect(limit.sqlite).toMatch(/budget daily reached its limit of 1.0K tokens today/);
    expect(both.both(['budget', 'status', '--no-import', '--fail-over']).status).toBe(4);
    expect(both.same(['budget', 'rm', 'proj'])).toBe('Budget proj removed.\n');
    expect(both.same(['budget', 'list', '--json'])).toContain('"name": "daily"');
  });

  it('two sessions finishing at once warn of each threshold once between them', async () => {
    const proj = cli.path('proj');
    const env = { TOKENLEDGER_DB: db?.url ?? '' };
    const set = cli.run(['budget', 'set', 'team', '2000', '--per', 'week'], { env });
    expect(set.status, set.stderr).toBe(0);
    respond(cli.claude, { dir: proj, session: session(2), input: 1390 });
    respond(cli.claude, { dir: proj, session: session(3), input: 1390 });
    const hooks = [2, 3].map((k) => {
      const child = cli.spawn(['hook'], { env });
      let stdout = '';
      child.stdout.setEncoding('utf8').on('data', (s: string) => {
        stdout += s;
      });
      child.stdin.end(stopInput(k));
      return once(child, 'close').then(() => stdout);
    });
    const shown = (await Promise.all(hooks))
      .filter((s) => s !== '')
      .map((s) => (JSON.parse(s) as { systemMessage: string }).systemMessage)
      .flatMap((m) => [...m.matchAll(/budget team (?:passed (\d+)%|reached its (limit))/g)])
      .map((m) => (m[2] === 'limit' ? 100 : Number(m[1])));
    // Each threshold at most once, and the last one reached (the team is at 2.8K of 2.0K) for sure.
    expect(new Set(shown).size).toBe(shown.length);
    expect(shown).toContain(100);
    const after = cli.run(['hook'], { env, input: stopInput(2) });
    expect(after.stdout).toBe('');
    expect(fs.existsSync(path.join(cli.tlHome, 'logs'))).toBe(false);
  });
});
