/**
 * Tasks, estimates and attribution through the built CLI: `task start/stop/show/list/estimate/annotate`,
 * `variance`, `report --by task|stage|label:KEY` and `attribute`, with real transcript files under a
 * temp Claude config dir and a real SQLite ledger.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { agentMetaJson, assistantLine } from '../../src/synthetic/transcript-lines.js';
import { useSandbox } from '../helpers/cli.js';

const SONNET = 'claude-sonnet-4-5-20250929';
const HAIKU = 'claude-haiku-4-5-20251001';

const cli = useSandbox('tl-tasks-', { dirs: ['claude', 'tl'] });
let n = 0;

/** A project dir of its own (one active task per project). */
function project(name: string): string {
  const dir = path.join(cli.root, 'projects', name);
  fs.mkdirSync(dir, { recursive: true });
  return dir;
}

function sessionOf(dir: string): string {
  const hex = Buffer.from(path.basename(dir)).toString('hex').padEnd(12, '0').slice(0, 12);
  return `7a5c0000-0000-4000-8000-${hex}`;
}

function mainFile(dir: string): string {
  return path.join(cli.claude, 'projects', dir.replace(/[^a-zA-Z0-9]/g, '-'), `${sessionOf(dir)}.jsonl`);
}

/** Appends one response in `dir`'s session, stamped now (after a task start, before a stop). */
function respond(
  dir: string,
  o: { input: number; output?: number; model?: string; agentId?: string; at?: number },
): void {
  n++;
  const session = sessionOf(dir);
  const file =
    o.agentId === undefined
      ? mainFile(dir)
      : path.join(path.dirname(mainFile(dir)), session, 'subagents', `agent-${o.agentId}.jsonl`);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const output = o.output ?? 0;
  fs.appendFileSync(
    file,
    `${assistantLine({
      env: {
        sessionId: session,
        cwd: dir,
        gitBranch: 'main',
        version: '2.1.330',
        isSidechain: o.agentId !== undefined,
        agentId: o.agentId,
      },
      uuid: `u-task-${n}`,
      parentUuid: null,
      timestamp: new Date(o.at ?? Date.now()).toISOString(),
      messageId: `msg_task_${n}`,
      requestId: `req_task_${n}`,
      model: o.model ?? SONNET,
      block: { type: 'text', text: 'ok' },
      blockIndex: 0,
      usage: { input: o.input, output, cacheWrite: 0, cacheWrite1h: 0, cacheRead: 0, webSearch: 0 },
      output,
      stopReason: 'end_turn',
    })}\n`,
  );
}

/** Starts `id` in a project of its own and has it use `tokens` input tokens. */
function work(id: string, tokens: number, flags: string[] = [], name = id): string {
  const dir = project(name);
  cli.ok(['task', 'start', id, '--project', dir, ...flags]);
  if (tokens > 0) respond(dir, { input: tokens });
  return dir;
}

function config(c: Record<string, unknown>): void {
  fs.writeFileSync(path.join(cli.tlHome, 'config.json'), JSON.stringify(c));
}

function metrics(): Record<string, unknown>[] {
  const file = path.join(cli.tlHome, 'metrics.jsonl');
  if (!fs.existsSync(file)) return [];
  return fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

interface Show {
  task: {
    id: string;
    title: string | null;
    parent: string | null;
    status: string;
    estimate: { tokens: number | null; usd: number | null };
    labels: Record<string, string>;
    stage: string | null;
  };
  totals: { inputTokens: number; totalTokens: number; responses: number; totalCost: number };
  byModel: { model: string; inputTokens: number }[];
  byStage: { stage: string | null; inputTokens: number }[];
  children: { id: string; totalTokens: number }[];
  variance: {
    tokens: { estimate: number; actual: number; ratio: number; percent: number } | null;
    overrun: boolean;
  };
}

function show(id: string): Show {
  return cli.json<Show>(['task', 'show', id, '--json']);
}

/** `report --by DIMS --json` as `dim values joined by | → input tokens`. */
function report(dims: string): Record<string, number> {
  const rows = cli.json<{ rows: Record<string, unknown>[] }>(['report', '--by', dims, '--json']).rows;
  const out: Record<string, number> = {};
  for (const row of rows) {
    const key = dims
      .split(',')
      .map((d) => String(row[d] ?? ''))
      .join('|');
    out[key] = (out[key] ?? 0) + Number(row.inputTokens);
  }
  return out;
}

describe('task start/stop/show/list', () => {
  it('a task gets its project’s usage between start and stop, and nothing before or after', () => {
    const dir = project('p1');
    respond(dir, { input: 1, at: Date.now() - 60_000 });
    const start = cli.ok([
      'task',
      'start',
      'T-1',
      '--project',
      dir,
      '--title',
      'Fix it',
      '--estimate',
      '40k',
    ]);
    expect(start).toContain('Started T-1 (Fix it)');
    expect(start).toContain('estimate 40,000 tokens');
    respond(dir, { input: 100, output: 10 });
    respond(dir, { input: 200, output: 20, model: HAIKU });
    const stop = cli.ok(['task', 'stop', '--project', dir]);
    expect(stop).toMatch(/^Stopped T-1: 330 tokens, \$[\d.]+, 0\.0× the 40,000-token estimate\.\n$/);
    respond(dir, { input: 4000, at: Date.now() + 1_000 });
    const s = show('T-1');
    expect(s.task).toMatchObject({
      id: 'T-1',
      title: 'Fix it',
      status: 'done',
      estimate: { tokens: 40_000 },
    });
    expect(s.totals).toMatchObject({ inputTokens: 300, totalTokens: 330, responses: 2 });
    expect(s.byModel.map((m) => [m.model, m.inputTokens]).sort()).toEqual([
      [HAIKU, 200],
      [SONNET, 100],
    ]);
    expect(report('task')).toEqual({ '': 4001, 'T-1': 300 });
  });

  it('task stop without an id and no active task says so and exits 1; an unknown task too', () => {
    const dir = project('idle');
    const r = cli.run(['task', 'stop', '--project', dir]);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(`no task is active in ${dir}`);
    const unknown = cli.run(['task', 'show', 'NOPE', '--json']);
    expect(unknown.status).toBe(1);
    expect(unknown.stdout).toBe('');
    expect(unknown.stderr).toContain('there is no task NOPE');
  });

  it('starting a second task in a project ends the first one’s span', () => {
    const dir = project('seq');
    cli.ok(['task', 'start', 'T-A', '--project', dir]);
    respond(dir, { input: 10 });
    cli.ok(['task', 'start', 'T-B', '--project', dir]);
    respond(dir, { input: 20 });
    expect(report('task')).toEqual({ 'T-A': 10, 'T-B': 20 });
    // `task stop` without an id now stops T-B.
    expect(cli.ok(['task', 'stop', '--project', dir])).toMatch(/^Stopped T-B:/);
  });

  it('after a second task starts in the project, task list --active no longer lists the first', () => {
    const dir = project('seq2');
    cli.ok(['task', 'start', 'T-A', '--project', dir]);
    cli.ok(['task', 'start', 'T-B', '--project', dir]);
    respond(dir, { input: 20 });
    // T-A gets no more usage (its span ended), so it is not active any more.
    const active = cli.json<{ tasks: { id: string; status: string }[] }>([
      'task',
      'list',
      '--active',
      '--json',
    ]);
    expect(active.tasks.map((t) => t.id)).toEqual(['T-B']);
    expect(
      cli
        .ok(['task', 'list'])
        .split('\n')
        .filter((l) => l.startsWith('│ ●')),
    ).toHaveLength(1);
  });

  it('parent tasks roll up their children’s usage, through every level', () => {
    work('SEC-1', 10, ['--parent', 'PLAN-1']);
    work('T-C', 100, ['--parent', 'SEC-1']);
    work('T-D', 1000, ['--parent', 'PLAN-1']);
    work('T-OTHER', 5);
    const plan = show('PLAN-1');
    expect(plan.totals.inputTokens).toBe(1110);
    expect(plan.children.map((c) => [c.id, c.totalTokens]).sort()).toEqual([
      ['SEC-1', 110],
      ['T-D', 1000],
    ]);
    expect(show('SEC-1').totals.inputTokens).toBe(110);
    expect(show('T-C').totals.inputTokens).toBe(100);
    const list = cli.json<{ tasks: { id: string; parent: string | null; actualTokens: number }[] }>([
      'task',
      'list',
      '--json',
    ]);
    const byId = Object.fromEntries(list.tasks.map((t) => [t.id, [t.parent, t.actualTokens]]));
    expect(byId).toEqual({
      'PLAN-1': [null, 1110],
      'SEC-1': ['PLAN-1', 110],
      'T-C': ['SEC-1', 100],
      'T-D': ['PLAN-1', 1000],
      'T-OTHER': [null, 5],
    });
    // report --by task shows each task's own usage, not the subtree's.
    expect(report('task')).toEqual({ 'SEC-1': 10, 'T-C': 100, 'T-D': 1000, 'T-OTHER': 5 });
  });

  it('a parent that would make a cycle is refused', () => {
    cli.ok(['task', 'start', 'A', '--parent', 'B', '--project', project('a')]);
    const r = cli.run(['task', 'start', 'B', '--parent', 'A', '--project', project('b')]);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('would make a cycle');
    const self = cli.run(['task', 'start', 'C', '--parent', 'C', '--project', project('c')]);
    expect(self.status).toBe(1);
    expect(self.stderr).toContain('cannot be its own parent');
  });

  it('task show (text) and task list warn past 4× the estimate', () => {
    work('T-OVER', 500, ['--estimate', '100']);
    work('T-FINE', 300, ['--estimate', '100']);
    const text = cli.ok(['task', 'show', 'T-OVER']);
    expect(text).toContain('500 tokens');
    expect(text).toContain('5.0× the 100-token estimate');
    expect(text).toContain('⚠ task T-OVER is at 5.0× its estimate (warning from 4×).');
    expect(cli.ok(['task', 'show', 'T-FINE'])).not.toContain('⚠');
    const list = cli.ok(['task', 'list']).split('\n');
    expect(list.find((l) => l.includes('T-OVER'))).toMatch(/│ 5\.0× ⚠ overrun +│$/);
    expect(list.find((l) => l.includes('T-FINE'))).not.toContain('⚠');
    // The overrun multiple is configurable.
    config({ overrunMultiple: 2 });
    expect(cli.ok(['task', 'show', 'T-FINE'])).toContain('⚠ task T-FINE is at 3.0× its estimate');
  });

  it('task stop appends a metrics line with seed 001’s fields', () => {
    const dir = work('T-M', 250, ['--estimate', '50', '--label', 'category=bug']);
    respond(dir, { input: 50 });
    const stop = cli.run(['task', 'stop', 'T-M', '--project', dir]);
    expect(stop.status).toBe(0);
    expect(stop.stderr).toBe('⚠ task T-M is at 6.0× its estimate (warning from 4×).\n');
    const m = metrics();
    expect(m).toHaveLength(1);
    expect(m[0]).toMatchObject({
      event: 'task_stop',
      task: 'T-M',
      estimated: 50,
      actual: 300,
      variance: '+500%',
      overrun: true,
      inputTokens: 300,
      apiCalls: 2,
      labels: { category: 'bug' },
    });
    expect(m[0]?.date).toBe(new Date().toISOString().slice(0, 10));
    // Append-only: a second stop adds a line and keeps the first.
    cli.ok(['task', 'stop', 'T-M', '--project', dir]);
    expect(metrics()).toHaveLength(2);
    expect(metrics()[0]).toEqual(m[0]);
  });
});

describe('estimates and ids', () => {
  it.each([
    '-5',
    'abc',
    '1e99',
    '1e3',
    '$-1',
    '0',
    '$0',
    '0.0001',
    '99999999999999',
    '$20000000',
    '12kk',
    '$',
    '',
  ])('estimate %j is rejected with a clear message and exit 1', (value) => {
    const dir = project('est');
    const start = cli.run(['task', 'start', 'T-E', '--project', dir, '--estimate', value]);
    expect(start.status).toBe(1);
    expect(start.stderr).toContain(`--estimate ${JSON.stringify(value)} is not an estimate`);
    const estimate = cli.run(['task', 'estimate', 'T-E', value]);
    expect(estimate.status).toBe(1);
    expect(estimate.stderr).toContain(`estimate ${JSON.stringify(value)} is not an estimate`);
    // Nothing was recorded.
    expect(cli.json<{ tasks: unknown[] }>(['task', 'list', '--json']).tasks).toEqual([]);
  });

  it('valid estimates: tokens with k/M, dollars, both at once; a second of a kind is refused', () => {
    const e = (values: string[]) =>
      cli.json<{ task: { estimate: { tokens: number | null; usd: number | null } } }>([
        'task',
        'estimate',
        'T-V',
        ...values,
        '--json',
        '--create',
      ]).task.estimate;
    expect(e(['40k'])).toEqual({ tokens: 40_000, usd: null });
    expect(e(['1.2M'])).toEqual({ tokens: 1_200_000, usd: null });
    expect(e(['$2.50'])).toEqual({ tokens: 1_200_000, usd: 2.5 });
    expect(e(['500', '$0.10'])).toEqual({ tokens: 500, usd: 0.1 });
    const twice = cli.run(['task', 'estimate', 'T-V', '40k', '50k']);
    expect(twice.status).toBe(1);
    expect(twice.stderr).toContain('at most one token estimate and one dollar estimate');
  });

  it.each([
    ['a/b', 'contains a path separator'],
    ['a\\b', 'contains a path separator'],
    ['../etc', 'contains a path separator'],
    ['T\u0001X', 'contains a control character'],
    ['T\nX', 'contains a control character'],
    ['T\u001b[31mX', 'contains a control character'],
    ['T\u007fX', 'contains a control character'],
    ['   ', 'is empty'],
    ['x'.repeat(201), 'is longer than 200 characters'],
  ])('task id %j is rejected by every task command', (id, reason) => {
    const dir = project('ids');
    const file = path.join(cli.root, 'task.md');
    for (const args of [
      ['task', 'start', id, '--project', dir],
      ['task', 'stop', id, '--project', dir],
      ['task', 'show', id],
      ['task', 'estimate', id, '40k'],
      ['task', 'annotate', id, file],
      ['task', 'start', 'OK-1', '--parent', id, '--project', dir],
    ]) {
      const r = cli.run(args);
      expect(r.status, args.join(' ')).toBe(1);
      expect(r.stderr).toContain(reason);
      expect(r.stderr.split('\n').filter((l) => l !== '')).toHaveLength(1);
    }
    expect(cli.json<{ tasks: unknown[] }>(['task', 'list', '--json']).tasks).toEqual([]);
    expect(fs.existsSync(file)).toBe(false);
  });

  it('a task id with a C1 control character (U+009B, a terminal CSI) is rejected', () => {
    const r = cli.run(['task', 'start', 'T\u009b31mX', '--project', project('c1')]);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('contains a control character');
  });
});

describe('task annotate', () => {
  const BEGIN = '<!-- tokenledger:actuals -->';
  const END = '<!-- /tokenledger:actuals -->';

  it('writes an actuals section, leaves the file byte-identical when run again, and updates it in place', () => {
    const dir = work('T-ANN', 300, ['--estimate', '1k', '--title', 'Parser']);
    const file = path.join(cli.root, 'T-ANN.md');
    const before = '# T-ANN: fix the parser\n\nSome notes, ünïcödé.\n\n## Plan\n- step 1\n';
    fs.writeFileSync(file, before);

    expect(cli.ok(['task', 'annotate', 'T-ANN', file])).toBe(`${file}: actuals updated.\n`);
    const first = fs.readFileSync(file, 'utf8');
    expect(first.startsWith(`${before}\n${BEGIN}\n`)).toBe(true);
    expect(first.endsWith(`${END}\n`)).toBe(true);
    const section = first.slice(first.indexOf(BEGIN), first.indexOf(END) + END.length);
    expect(section).toContain('| Estimate | 1,000 | — |');
    expect(section).toContain('| Actual | 300 |');
    expect(section).toContain('| Variance | -70% | — |');

    // Idempotent: same bytes, same mtime-independent content, and it says so.
    const stat = fs.statSync(file);
    expect(cli.ok(['task', 'annotate', 'T-ANN', file])).toBe(`${file}: actuals already up to date.\n`);
    expect(fs.readFileSync(file).equals(Buffer.from(first))).toBe(true);
    expect(fs.statSync(file).mtimeMs).toBe(stat.mtimeMs);

    // The user writes below the section; then the numbers change.
    const after = '\n## Review\nLooks good.\n';
    fs.writeFileSync(file, `${first}${after}`);
    respond(dir, { input: 4_700 });
    expect(cli.ok(['task', 'annotate', 'T-ANN', file, '--json'])).toBe(
      `${JSON.stringify({ file, changed: true }, null, 2)}\n`,
    );
    const updated = fs.readFileSync(file, 'utf8');
    const a = updated.indexOf(BEGIN);
    const b = updated.indexOf(END) + END.length;
    expect(updated.slice(0, a)).toBe(first.slice(0, first.indexOf(BEGIN)));
    expect(updated.slice(b)).toBe(`\n${after}`);
    expect(updated.split(BEGIN)).toHaveLength(2);
    const newSection = updated.slice(a, b);
    expect(newSection).toContain('| Actual | 5,000 |');
    expect(newSection).toContain('| Variance | +400% | — |');
    expect(newSection).toContain('**Over 4× the estimate.**');
    // And idempotent again.
    cli.ok(['task', 'annotate', 'T-ANN', file]);
    expect(fs.readFileSync(file, 'utf8')).toBe(updated);
  });

  it('a section whose end marker was deleted is not used to swallow the text after it', () => {
    work('T-DANGLE', 10);
    const file = path.join(cli.root, 'dangle.md');
    // The user cut the section short (its end marker went with it) and kept writing below.
    const text = `# Task\n\n${BEGIN}\nold numbers\n\n## My notes\nkeep me\n`;
    fs.writeFileSync(file, text);
    cli.ok(['task', 'annotate', 'T-DANGLE', file]);
    cli.ok(['task', 'annotate', 'T-DANGLE', file]);
    const out = fs.readFileSync(file, 'utf8');
    expect(out).toContain('## My notes\nkeep me\n');
    expect(out).toContain('| Actual | 10 |');
  });

  it('creates the file when it does not exist; an unknown task writes nothing', () => {
    work('T-NEW', 42);
    const file = path.join(cli.root, 'new.md');
    cli.ok(['task', 'annotate', 'T-NEW', file]);
    const text = fs.readFileSync(file, 'utf8');
    expect(text.startsWith(`${BEGIN}\n`)).toBe(true);
    expect(text).toContain('| Actual | 42 |');
    const missing = path.join(cli.root, 'missing.md');
    const r = cli.run(['task', 'annotate', 'NOPE', missing]);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('there is no task NOPE');
    expect(fs.existsSync(missing)).toBe(false);
  });
});

describe('variance and reports', () => {
  interface VarianceJson {
    by: string | null;
    overrunMultiple: number;
    groups: {
      group: string;
      tasks: number;
      noUsageYet: number;
      estimatedTokens: number;
      actualTokens: number;
      ratio: number | null;
      medianMultiplier: number | null;
      overruns: number;
    }[];
    tasks: { id: string; group: string; estimatedTokens: number | null; actualTokens: number }[];
  }

  function seedVariance(): void {
    work('T-V1', 2000, ['--estimate', '1000', '--label', 'category=bug', '--parent', 'PLAN-A']);
    work('T-V2', 5000, ['--estimate', '1000', '--label', 'category=bug', '--parent', 'PLAN-A']);
    work('T-V3', 5000, ['--estimate', '10k', '--label', 'category=feature', '--parent', 'PLAN-B']);
    work('T-V4', 0, ['--estimate', '100']);
    work('T-NOEST', 777, ['--label', 'category=bug']);
  }

  const byGroup = (v: VarianceJson) =>
    Object.fromEntries(v.groups.map(({ group, ...rest }) => [group, rest]));

  it('variance --json groups by --by label:category', () => {
    seedVariance();
    const v = cli.json<VarianceJson>(['variance', '--by', 'label:category', '--json']);
    expect(v.by).toBe('label:category');
    expect(v.overrunMultiple).toBe(4);
    expect(byGroup(v)).toEqual({
      bug: {
        tasks: 2,
        noUsageYet: 0,
        estimatedTokens: 2000,
        actualTokens: 7000,
        ratio: 3.5,
        medianMultiplier: 3.5,
        overruns: 1,
      },
      feature: {
        tasks: 1,
        noUsageYet: 0,
        estimatedTokens: 10_000,
        actualTokens: 5000,
        ratio: 0.5,
        medianMultiplier: 0.5,
        overruns: 0,
      },
      // T-V4 has no usage yet: counted as a task, left out of the totals and the median.
      '(none)': {
        tasks: 1,
        noUsageYet: 1,
        estimatedTokens: 0,
        actualTokens: 0,
        ratio: null,
        medianMultiplier: null,
        overruns: 0,
      },
    });
    // Tasks without an estimate are left out.
    expect(v.tasks.map((t) => t.id).sort()).toEqual(['T-V1', 'T-V2', 'T-V3', 'T-V4']);
    const text = cli.ok(['variance', '--by', 'label:category']);
    expect(text).toContain(
      'bug: 2 task(s), 7,000 of 2,000 estimated tokens (3.50×), median 3.50×, 1 over 4×',
    );
  });

  it('variance --json groups by parent', () => {
    seedVariance();
    const v = cli.json<VarianceJson>(['variance', '--by', 'parent', '--json']);
    expect(byGroup(v)).toEqual({
      'PLAN-A': {
        tasks: 2,
        noUsageYet: 0,
        estimatedTokens: 2000,
        actualTokens: 7000,
        ratio: 3.5,
        medianMultiplier: 3.5,
        overruns: 1,
      },
      'PLAN-B': {
        tasks: 1,
        noUsageYet: 0,
        estimatedTokens: 10_000,
        actualTokens: 5000,
        ratio: 0.5,
        medianMultiplier: 0.5,
        overruns: 0,
      },
      '(no parent)': {
        tasks: 1,
        noUsageYet: 1,
        estimatedTokens: 0,
        actualTokens: 0,
        ratio: null,
        medianMultiplier: null,
        overruns: 0,
      },
    });
  });

  it('variance --by with anything else is refused', () => {
    const r = cli.run(['variance', '--by', 'colour', '--json']);
    expect(r.status).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('--by "colour": use label:KEY');
  });

  it('report --by task,stage,label:KEY answers what a task cost and which stage uses most', () => {
    work('T-R1', 100, ['--stage', 'implement', '--label', 'category=bug']);
    work('T-R2', 40, ['--stage', 'review', '--label', 'category=feature']);
    const dir = project('untracked');
    respond(dir, { input: 7 });
    expect(report('task,stage,label:category')).toEqual({
      'T-R1|implement|bug': 100,
      'T-R2|review|feature': 40,
      '||': 7,
    });
    expect(report('stage')).toEqual({ implement: 100, review: 40, '': 7 });
  });

  it('report --by label:KEY keeps the case of the label key', () => {
    work('T-CASE', 60, ['--label', 'Team=core']);
    expect(report('label:Team')).toEqual({ core: 60 });
  });
});

describe('attribute', () => {
  it('re-applies spans after a config "stages" change', () => {
    const dir = project('agents');
    cli.ok(['task', 'start', 'T-AT', '--project', dir, '--stage', 'implement']);
    const session = sessionOf(dir);
    respond(dir, { input: 10 });
    respond(dir, { input: 200, model: HAIKU, agentId: 'rev1' });
    respond(dir, { input: 3000, model: HAIKU, agentId: 'plan1' });
    const sub = path.join(path.dirname(mainFile(dir)), session, 'subagents');
    fs.writeFileSync(
      path.join(sub, 'agent-rev1.meta.json'),
      agentMetaJson('code-reviewer', 'toolu_1', HAIKU),
    );
    fs.writeFileSync(path.join(sub, 'agent-plan1.meta.json'), agentMetaJson('planner', 'toolu_2', HAIKU));
    // Without a map, the task's stage covers its subagents too.
    expect(report('task,stage')).toEqual({ 'T-AT|implement': 3210 });
    config({ stages: { 'code-reviewer': 'review', planner: 'planning' } });
    const r = cli.json<{ attributed: number }>(['attribute', '--json']);
    expect(r.attributed).toBe(3);
    expect(report('task,stage')).toEqual({
      'T-AT|implement': 10,
      'T-AT|review': 200,
      'T-AT|planning': 3000,
    });
    expect(show('T-AT').byStage.map((s) => [s.stage, s.inputTokens])).toEqual([
      ['planning', 3000],
      ['review', 200],
      ['implement', 10],
    ]);
    // Running it again changes nothing.
    expect(cli.ok(['attribute'])).toBe('Re-attributed 3 API calls.\n');
    expect(report('task,stage')).toEqual({
      'T-AT|implement': 10,
      'T-AT|review': 200,
      'T-AT|planning': 3000,
    });
  });

  it('usage imported before the task was declared lands on it by time', () => {
    const dir = project('late');
    respond(dir, { input: 1, at: Date.now() - 60_000 });
    // A line stamped a little ahead (a clock ahead of ours), imported before the task starts.
    respond(dir, { input: 11, at: Date.now() + 3_000 });
    expect(report('task')).toEqual({ '': 12 });
    cli.ok(['task', 'start', 'T-LATE', '--project', dir]);
    expect(
      cli
        .json<{ rows: { task: string; inputTokens: number }[] }>([
          'report',
          '--by',
          'task',
          '--json',
          '--no-import',
        ])
        .rows.map((r) => [r.task, r.inputTokens])
        .sort(),
    ).toEqual([
      ['', 1],
      ['T-LATE', 11],
    ]);
    cli.ok(['attribute']);
    expect(report('task')).toEqual({ 'T-LATE': 11, '': 1 });
  });
});

describe('variance: group totals never count a token twice', () => {
  interface Group {
    group: string;
    tasks: number;
    noUsageYet: number;
    estimatedTokens: number;
    actualTokens: number;
    ratio: number | null;
  }
  interface Row {
    id: string;
    group: string;
    actualTokens: number;
    ownTokens: number;
    variance: { tokens: { percent: number } | null; noUsageYet: boolean };
    inGroupTotals: { estimatedTokens: number; actualTokens: number } | null;
  }
  const variance = (by: string[]) =>
    cli.json<{ groups: Group[]; tasks: Row[] }>(['variance', ...by, '--json']);
  const groups = (v: { groups: Group[] }) =>
    Object.fromEntries(v.groups.map((g) => [g.group, [g.actualTokens, g.estimatedTokens]]));
  const sum = (v: { groups: Group[] }) => v.groups.reduce((n, g) => n + g.actualTokens, 0);

  /** A plan (no label) with an estimate, and its part labelled category=tooling that used 76,022 tokens. */
  function planAndPart(): void {
    work('PLAN-1', 0, ['--estimate', '2M']);
    work('T-3', 76_022, ['--parent', 'PLAN-1', '--estimate', '40k', '--label', 'category=tooling']);
  }

  it('a plan and its labelled part: the part’s tokens count once, in its group', () => {
    planAndPart();
    const total = report('task');
    expect(total).toEqual({ 'T-3': 76_022 });

    const byLabel = variance(['--by', 'label:category']);
    // What used to be shown: both groups with the part's 76,022 tokens (152,044 in all).
    expect(sum(byLabel)).toBe(76_022);
    expect(groups(byLabel)).toEqual({ tooling: [76_022, 40_000], '(none)': [0, 1_960_000] });
    // Each task's own row still compares its estimate with its whole subtree.
    const rows = Object.fromEntries(byLabel.tasks.map((t) => [t.id, t]));
    expect(rows['PLAN-1']).toMatchObject({
      actualTokens: 76_022,
      ownTokens: 0,
      variance: { tokens: { percent: -96 } },
      inGroupTotals: { estimatedTokens: 1_960_000, actualTokens: 0 },
    });
    expect(rows['T-3']).toMatchObject({
      actualTokens: 76_022,
      ownTokens: 76_022,
      variance: { tokens: { percent: 90 } },
      inGroupTotals: { estimatedTokens: 40_000, actualTokens: 76_022 },
    });

    // --by parent and no --by: the same tokens, once.
    const byParent = variance(['--by', 'parent']);
    expect(groups(byParent)).toEqual({ 'PLAN-1': [76_022, 40_000], '(no parent)': [0, 1_960_000] });
    const whole = variance([]);
    // Without --by the totals are the plan's own figures: its subtree against its estimate.
    expect(groups(whole)).toEqual({ all: [76_022, 2_000_000] });
    expect(whole.groups[0]?.tasks).toBe(2);

    const text = cli.ok(['variance', '--by', 'label:category']);
    expect(text).toContain('tooling: 1 task(s), 76,022 of 40,000 estimated tokens (1.90×)');
    expect(text).toContain('(none): 1 task(s), 0 of 1,960,000 estimated tokens (0.00×)');
    expect(text).toMatch(/│ PLAN-1 +│ \(none\) +│ +2,000,000 │ +76,022 │ .* │ +-96% │/);
    expect(text).toContain("PLAN-1: its group's totals count 0 tokens of it against 1,960,000;");
  });

  it('usage of unestimated parts counts for the nearest estimated task above them', () => {
    work('PLAN-2', 10, ['--estimate', '1M'], 'plan2');
    work('T-A', 500, ['--parent', 'PLAN-2'], 'ta');
    work('T-B', 300, ['--parent', 'PLAN-2', '--estimate', '200', '--label', 'category=bug'], 'tb');
    work('T-B1', 7, ['--parent', 'T-B'], 'tb1');
    work('LOOSE', 4000);
    const v = variance(['--by', 'label:category']);
    expect(groups(v)).toEqual({ '(none)': [510, 999_800], bug: [307, 200] });
    // LOOSE has no estimate anywhere above it: in no group.
    expect(sum(v)).toBe(510 + 307);
    expect(groups(variance([]))).toEqual({ all: [817, 1_000_000] });
  });

  it('a task with an estimate and no usage yet says so, not -100%', () => {
    const dir = project('idle-est');
    cli.ok(['task', 'start', 'T-IDLE', '--project', dir, '--estimate', '40k']);
    work('T-BUSY', 500, ['--estimate', '1k']);
    const v = variance([]);
    expect(v.groups).toEqual([
      expect.objectContaining({
        tasks: 2,
        noUsageYet: 1,
        estimatedTokens: 1000,
        actualTokens: 500,
        ratio: 0.5,
      }),
    ]);
    const idle = v.tasks.find((t) => t.id === 'T-IDLE');
    expect(idle?.variance).toMatchObject({ tokens: null, noUsageYet: true });
    expect(cli.ok(['variance'])).toMatch(/│ T-IDLE +│ +40,000 │ +0 │ +\$0\.00 │ no usage yet │\n/);
    expect(cli.ok(['variance'])).toContain('all: 2 task(s), 500 of 1,000 estimated tokens (0.50×)');

    const list = cli.ok(['task', 'list']).split('\n');
    expect(list.find((l) => l.includes('T-IDLE'))).toMatch(/no usage yet +│$/);
    const shown = show('T-IDLE');
    expect(shown.variance).toMatchObject({ tokens: null, overrun: false });
    expect(cli.ok(['task', 'show', 'T-IDLE'])).toContain(
      '0 tokens, $0.00, no usage yet against the 40,000-token estimate',
    );
    const file = path.join(cli.root, 'idle.md');
    cli.ok(['task', 'annotate', 'T-IDLE', file]);
    expect(fs.readFileSync(file, 'utf8')).toContain('| Variance | no usage yet | — |');
    expect(cli.ok(['task', 'stop', 'T-IDLE', '--project', dir])).toBe(
      'Stopped T-IDLE: 0 tokens, $0.00, no usage yet against the 40,000-token estimate.\n',
    );
    expect(metrics().at(-1)).toMatchObject({ task: 'T-IDLE', estimated: 40_000, actual: 0, variance: null });
  });
});

describe('task state: one definition of active, no task created by mistake', () => {
  interface Listed {
    id: string;
    status: string;
    startedAt: string | null;
  }
  const listed = (args: string[] = []) =>
    cli.json<{ tasks: Listed[] }>(['task', 'list', ...args, '--json']).tasks;
  const marked = () =>
    cli
      .ok(['task', 'list'])
      .split('\n')
      .filter((l) => l.startsWith('│ ●'))
      .map((l) => l.split(/\s+/)[2]);

  it('task estimate on an unknown id is an error that says how to create it; --create creates it open', () => {
    const r = cli.run(['task', 'estimate', 'NOPE', '5k']);
    expect(r.status).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('there is no task NOPE. Add --create to create it');
    expect(r.stderr).toContain('tokenledger task estimate NOPE 5k --create');
    expect(r.stderr).toContain('tokenledger task start NOPE --estimate 5k');
    expect(listed()).toEqual([]);

    cli.ok(['task', 'estimate', 'NOPE', '5k', '--create']);
    expect(listed()).toEqual([expect.objectContaining({ id: 'NOPE', status: 'open', startedAt: null })]);
    expect(listed(['--active'])).toEqual([]);
    expect(marked()).toEqual([]);
    // Known now: no --create needed.
    cli.ok(['task', 'estimate', 'NOPE', '6k']);
    expect(show('NOPE').task).toMatchObject({ status: 'open', estimate: { tokens: 6000 } });
  });

  it('run --task on a new id makes it known, not active; task list, task stop and run agree', () => {
    const dir = project('runs');
    const run = cli.run(['run', '--task', 'T-9', '--', 'echo', 'hi'], { cwd: dir });
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toBe('hi\n');
    expect(listed()).toEqual([expect.objectContaining({ id: 'T-9', status: 'open', startedAt: null })]);
    expect(listed(['--active'])).toEqual([]);
    expect(marked()).toEqual([]);
    const stop = cli.run(['task', 'stop', '--project', dir]);
    expect(stop.status).toBe(1);
    expect(stop.stderr).toContain(`no task is active in ${dir}`);

    // With a started task in the project, a run on another task leaves it the active one.
    cli.ok(['task', 'start', 'T-1', '--project', dir]);
    const again = cli.run(['run', '--task', 'T-9', '--', 'echo', 'hi'], { cwd: dir });
    expect(again.status, again.stderr).toBe(0);
    expect(listed(['--active']).map((t) => [t.id, t.status])).toEqual([['T-1', 'active']]);
    expect(marked()).toEqual(['T-1']);
    expect(cli.ok(['task', 'stop', '--project', dir])).toMatch(/^Stopped T-1:/);
    expect(listed().map((t) => [t.id, t.status])).toEqual([
      ['T-9', 'open'],
      ['T-1', 'done'],
    ]);
  });

  it('a --parent named before it is started is open, not active', () => {
    cli.ok(['task', 'start', 'T-C', '--parent', 'PLAN-9', '--project', project('child')]);
    expect(Object.fromEntries(listed().map((t) => [t.id, t.status]))).toEqual({
      'PLAN-9': 'open',
      'T-C': 'active',
    });
    expect(marked()).toEqual(['T-C']);
  });

  it('every task command refuses an unknown id, says how to create it, and creates nothing', () => {
    const dir = project('unknown');
    const file = path.join(cli.root, 'unknown.md');
    for (const args of [
      ['task', 'show', 'NOPE'],
      ['task', 'show', 'NOPE', '--json'],
      ['task', 'stop', 'NOPE', '--project', dir],
      ['task', 'annotate', 'NOPE', file],
    ]) {
      const r = cli.run(args);
      expect(r.status, args.join(' ')).toBe(1);
      expect(r.stdout).toBe('');
      expect(r.stderr).toContain('there is no task NOPE');
      expect(r.stderr).toContain('`tokenledger task start NOPE` starts it');
      expect(r.stderr).toContain('`tokenledger task estimate NOPE 40k --create` creates it');
    }
    expect(listed()).toEqual([]);
    expect(fs.existsSync(file)).toBe(false);
  });
});
