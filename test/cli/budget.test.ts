/**
 * `tokenledger budget` on a real SQLite ledger: setting, listing and removing budgets, each scope's
 * spend against its limit, `--fail-over`, and the hook's warnings, once per threshold.
 */
import fs from 'node:fs';
import path from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import type { BudgetReport } from '../../src/app/budget-status.js';
import { useSandbox } from '../helpers/cli.js';
import { mainTranscript, respond } from '../helpers/transcript-writer.js';

const SESSION = 'b0d9e7a1-0000-4000-8000-000000000001';
const OTHER = 'b0d9e7a1-0000-4000-8000-000000000002';

const cli = useSandbox('tl-budget-', { dirs: ['claude', 'tl', 'proj', 'other'], cwd: 'proj' });
let proj: string;

beforeEach(() => {
  proj = cli.path('proj');
});

/** One response of `input` + 10 output tokens, now (today, this week and month). */
function use(input: number, o: { dir?: string; session?: string } = {}): void {
  respond(cli.claude, { dir: o.dir ?? proj, session: o.session ?? SESSION, input, at: Date.now() });
}

function status(args: string[] = []): BudgetReport {
  return cli.json<BudgetReport>(['budget', 'status', '--json', ...args]);
}

function byName(r: BudgetReport, name: string) {
  const b = r.budgets.find((x) => x.name === name);
  if (b === undefined) throw new Error(`no budget ${name} in ${JSON.stringify(r)}`);
  return b;
}

/** `tokenledger hook` for a Stop (or another event) of the session: its stdout. */
function stop(event = 'Stop'): string {
  const r = cli.run(['hook'], {
    input: JSON.stringify({
      session_id: SESSION,
      transcript_path: mainTranscript(cli.claude, proj, SESSION),
      cwd: proj,
      hook_event_name: event,
    }),
  });
  expect(r.status).toBe(0);
  return r.stdout;
}

function messages(out: string): string[] {
  return out === '' ? [] : [(JSON.parse(out) as { systemMessage: string }).systemMessage];
}

describe('tokenledger budget', () => {
  it('sets, lists, replaces and removes budgets, and checks what it is given', () => {
    expect(cli.ok(['budget', 'list'])).toMatch(/^No budgets\./);
    expect(cli.ok(['budget', 'set', 'team', '$300', '--per', 'month'])).toBe(
      'Budget set: team: $300.00 per month, everything\n',
    );
    cli.ok(['budget', 'set', 'web', '2M', '--per', 'week', '--label', 'team=web']);
    cli.ok(['budget', 'set', 'here', '40k', '--per', 'day', '--project', '.']);
    expect(cli.ok(['budget', 'list'])).toBe(
      `here: 40.0K tokens per day, project ${proj}\nteam: $300.00 per month, everything\nweb: 2.0M tokens per week, label team=web\n`,
    );
    cli.ok(['budget', 'set', 'team', '$250.50', '--per', 'week', '--stage', 'review']);
    const list = cli.json<{
      budgets: { name: string; unit: string; limit: number; period: string; scope: unknown }[];
    }>(['budget', 'list', '--json']);
    expect(list.budgets.find((b) => b.name === 'team')).toMatchObject({
      unit: 'usd',
      limit: 250.5,
      period: 'week',
      scope: { kind: 'stage', value: 'review' },
    });
    expect(cli.ok(['budget', 'rm', 'web'])).toBe('Budget web removed.\n');

    const bad = (args: string[], message: RegExp) => {
      const r = cli.run(['budget', ...args]);
      expect(r.status, r.stderr).toBe(1);
      expect(r.stderr).toMatch(message);
    };
    bad(['rm', 'web'], /no budget "web"; the budgets are: here, team/);
    bad(['set', 'x', '300', '--per', 'year'], /--per "year" is not a period; use day, week or month/);
    bad(['set', 'x', '$-3', '--per', 'day'], /the limit "\$-3" is not a budget; use dollars/);
    bad(['set', 'x', '0', '--per', 'day'], /the limit "0" is not a budget/);
    bad(
      ['set', 'x', '5k', '--per', 'day', '--task', 'T-1', '--stage', 'a'],
      /one scope; got --task and --stage/,
    );
    bad(['set', 'x', '5k', '--per', 'day', '--label', 'team'], /--label "team" is not key=value/);
    bad(['set', 'x', '5k'], /--per/);
  });

  it('counts each scope in the current period, forecasts it, and fails a CI gate over the limit', () => {
    cli.ok(['task', 'start', 'T-1', '--stage', 'review', '--label', 'team=web']);
    use(490);
    cli.ok(['task', 'stop', 'T-1']);
    // A subtask's usage counts in its parent's budget.
    cli.ok(['task', 'start', 'T-1.1', '--parent', 'T-1', '--stage', 'review', '--label', 'team=web']);
    use(490);
    cli.ok(['task', 'stop', 'T-1.1']);
    use(490, { dir: cli.path('other'), session: OTHER });
    cli.ok(['budget', 'set', 'all', '4000', '--per', 'day']);
    cli.ok(['budget', 'set', 'task', '1000', '--per', 'week', '--task', 'T-1']);
    cli.ok(['budget', 'set', 'stage', '2000', '--per', 'month', '--stage', 'review']);
    cli.ok(['budget', 'set', 'label', '1000', '--per', 'day', '--label', 'team=web']);
    cli.ok(['budget', 'set', 'other', '500', '--per', 'day', '--project', cli.path('other')]);
    cli.ok(['budget', 'set', 'dollars', '$1', '--per', 'month']);
    const r = status();
    expect(byName(r, 'all')).toMatchObject({ spent: 1500, percent: 37.5, reached: [], over: false });
    expect(byName(r, 'task')).toMatchObject({
      spent: 1000,
      percent: 100,
      reached: [50, 75, 90, 100],
      over: true,
    });
    expect(byName(r, 'stage')).toMatchObject({ spent: 1000, reached: [50] });
    expect(byName(r, 'label')).toMatchObject({ spent: 1000, over: true });
    expect(byName(r, 'other')).toMatchObject({ spent: 500, over: true });
    // Sonnet 4.5: $3 per million input tokens, $15 per million output tokens.
    expect(byName(r, 'dollars').spent).toBeCloseTo((1470 * 3 + 30 * 15) / 1e6, 12);

    const today = new Date().toISOString().slice(0, 10);
    const all = byName(r, 'all');
    expect(all).toMatchObject({ period: 'day', periodKey: today, from: `${today}T00:00:00.000Z` });
    // Today's rate so far, to the day's end: the forecast is at least what was spent.
    expect(all.forecast.basis.from).toBe(all.from);
    expect(all.forecast.amount).toBeGreaterThanOrEqual(1500);
    expect(r.meta).toMatchObject({ timezone: 'UTC', weekStart: 'sunday' });

    expect(cli.run(['budget', 'status', '--no-import', '--fail-over']).status).toBe(4);
    cli.ok(['budget', 'rm', 'task']);
    cli.ok(['budget', 'rm', 'label']);
    cli.ok(['budget', 'rm', 'other']);
    const gate = cli.run(['budget', 'status', '--no-import', '--fail-over']);
    expect(gate.status, gate.stderr).toBe(0);
    expect(gate.stdout).toMatch(
      /^all \(everything, day \d{4}-\d\d-\d\d\): 1.5K tokens of 4.0K tokens, 37%\n {2}forecast: at today's rate, the day ends at /m,
    );
  });

  it('the hook warns once per threshold reached in the period, naming the highest when several are passed at once', () => {
    cli.ok(['budget', 'set', 'daily', '1000', '--per', 'day']);
    use(390);
    expect(messages(stop())).toEqual([]);
    use(190);
    const [at50] = messages(stop());
    expect(at50).toMatch(
      /^tokenledger: budget daily passed 50% of 1.0K tokens today \(\d{4}-\d\d-\d\d, everything\): 600 tokens spent, 60%; at today's rate, the day ends at /,
    );
    expect(messages(stop())).toEqual([]);
    use(90);
    expect(messages(stop())).toEqual([]);
    use(240);
    expect(messages(stop())).toEqual([expect.stringMatching(/budget daily passed 90% of/)]);
    use(90);
    expect(messages(stop())).toEqual([
      expect.stringMatching(/budget daily reached its limit of 1.0K tokens today/),
    ]);
    use(90);
    expect(messages(stop())).toEqual([]);
    expect(byName(status(['--no-import']), 'daily').reached).toEqual([50, 75, 90, 100]);
    // A new limit starts the warnings over.
    cli.ok(['budget', 'set', 'daily', '2000', '--per', 'day']);
    use(90);
    expect(messages(stop())).toEqual([expect.stringMatching(/budget daily passed 50% of 2.0K tokens today/)]);
    expect(fs.existsSync(path.join(cli.tlHome, 'logs'))).toBe(false);
  });

  it('SessionEnd, whose messages nobody sees, leaves a warning due to the next call that shows it', () => {
    cli.ok(['budget', 'set', 'daily', '1000', '--per', 'day']);
    use(590);
    expect(stop('SessionEnd')).toBe('');
    expect(byName(status(['--no-import']), 'daily').reached).toEqual([50]);
    use(90);
    expect(messages(stop())).toEqual([
      expect.stringMatching(/^tokenledger: budget daily passed 50% of 1.0K/),
    ]);
    expect(messages(stop())).toEqual([]);
  });
});

describe('budgets in reports, the status line and run', () => {
  it('text reports, the status line and run name each budget at 50% or more; JSON and CSV stay as they were', () => {
    cli.ok(['budget', 'set', 'daily', '1000', '--per', 'day']);
    cli.ok(['budget', 'set', 'roomy', '$100', '--per', 'month']);
    use(390);
    // 40%: nothing yet.
    expect(cli.ok(['daily'])).not.toContain('budget');
    use(190);
    const note =
      /⚠ budget daily: 60% of 1.0K tokens today \(\d{4}-\d\d-\d\d\), 600 tokens spent; at today's rate, the day ends at /;
    const summary = cli.ok([]);
    expect(summary).toMatch(note);
    expect(summary).not.toContain('budget roomy');
    expect(cli.ok(['daily', '--no-import'])).toMatch(note);
    expect(cli.ok(['monthly', '--no-import'])).toMatch(note);
    const daily = cli.json<Record<string, unknown>>(['daily', '--json', '--no-import']);
    expect(Object.keys(daily)).toEqual(['daily', 'totals', 'meta']);
    expect(Object.keys(cli.json<Record<string, unknown>>(['--json', '--no-import']))).not.toContain(
      'budgets',
    );
    expect(cli.ok(['daily', '--csv', '--no-import'])).not.toContain('budget');

    const line = cli.run(['statusline'], {
      input: JSON.stringify({
        hook_event_name: 'Status',
        session_id: SESSION,
        transcript_path: mainTranscript(cli.claude, proj, SESSION),
        cwd: proj,
        model: { id: 'claude-sonnet-4-5-20250929', display_name: 'Sonnet 4.5' },
        workspace: { current_dir: proj, project_dir: proj },
      }),
    });
    expect(line.status).toBe(0);
    expect(line.stdout).toMatch(
      /^Sonnet 4\.5 · session \$[\d.]+ \(600 tok\) · today \$[\d.]+ · budget daily 60%\n$/,
    );

    const run = cli.run(['run', '--task', 'T-9', '--', process.execPath, '-e', '0']);
    expect(run.status, run.stderr).toBe(0);
    expect(run.stderr).toMatch(/\ntokenledger: ⚠ budget daily: 60% of 1.0K tokens today/);
    expect(run.stderr).not.toContain('budget roomy');
  });
});
