import { describe, expect, it } from 'vitest';
import type { TaskRow } from '../ledger/task-repository.js';
import { type CohortTask, inCohort, parseCohortFilter } from './cohort-filter.js';
import { ZonedClock } from './zoned-time.js';

const clock = new ZonedClock('Europe/Berlin');

function task(over: Partial<TaskRow>, facts: Partial<CohortTask> = {}): CohortTask {
  return {
    task: {
      id: 'T-1',
      title: null,
      parentId: null,
      status: 'done',
      estimateTokens: null,
      estimateUsd: null,
      labels: {},
      stage: null,
      project: '/work/app',
      createdAt: 0,
      startedAt: null,
      endedAt: null,
      ...over,
    },
    mainModel: 'claude-opus-4-5-20251101',
    mainBranch: 'main',
    firstTs: Date.UTC(2026, 10, 10, 12),
    ...facts,
  };
}

describe('cohort filters', () => {
  it('parses every key; the same key is an alternative, different keys must all match', () => {
    const f = parseCohortFilter(
      'label:workflow=v1, label:workflow=v2,label:team=x,stage:review,model:Opus,model:sonnet,branch:main,project:/work/app/,since:20261101,until:2026-11-15',
      '--a',
    );
    expect(f.labels).toEqual({ workflow: ['v1', 'v2'], team: ['x'] });
    expect(f.models).toEqual(['opus', 'sonnet']);
    expect(f.projects).toEqual(['/work/app']);
    expect([f.since, f.until]).toEqual(['2026-11-01', '2026-11-15']);
    const t = task({ labels: { workflow: 'v2', team: 'x' }, stage: 'review', project: '/work/app/sub' });
    expect(inCohort(t, f, clock)).toBe(true);
    expect(inCohort({ ...t, task: { ...t.task, labels: { workflow: 'v2' } } }, f, clock)).toBe(false);
    expect(inCohort({ ...t, mainModel: 'claude-haiku-4-5' }, f, clock)).toBe(false);
    expect(inCohort({ ...t, mainBranch: 'dev' }, f, clock)).toBe(false);
    expect(inCohort({ ...t, task: { ...t.task, project: '/work/application' } }, f, clock)).toBe(false);
    expect(inCohort(t, parseCohortFilter('all', '--a'), clock)).toBe(true);
  });

  it('counts since: and until: in local days of the clock', () => {
    const f = parseCohortFilter('since:2026-11-10,until:2026-11-10', '--b');
    // 2026-11-10 in Berlin is 2026-11-09T23:00Z to 2026-11-10T23:00Z.
    expect(inCohort(task({}, { firstTs: Date.UTC(2026, 10, 9, 23, 30) }), f, clock)).toBe(true);
    expect(inCohort(task({}, { firstTs: Date.UTC(2026, 10, 9, 22, 59) }), f, clock)).toBe(false);
    expect(inCohort(task({}, { firstTs: Date.UTC(2026, 10, 10, 23, 0) }), f, clock)).toBe(false);
  });

  it('names the bad part and lists the valid keys', () => {
    const keys =
      'label:KEY=VALUE, stage:NAME, model:TEXT, branch:NAME, project:DIR, since:YYYY-MM-DD, until:YYYY-MM-DD';
    expect(() => parseCohortFilter('colour:blue', '--a')).toThrow(
      `--a "colour:blue": the part "colour:blue" has an unknown key "colour". A filter is "all" or comma-separated parts, each one of ${keys}`,
    );
    expect(() => parseCohortFilter('label:workflow', '--b')).toThrow(
      'the part "label:workflow" needs label:KEY=VALUE',
    );
    expect(() => parseCohortFilter('stage', '--a')).toThrow('the part "stage" has no key (key:value)');
    expect(() => parseCohortFilter('stage:', '--a')).toThrow('the part "stage:" has no value');
    expect(() => parseCohortFilter('', '--a')).toThrow('it is empty (use "all" for every task)');
    expect(() => parseCohortFilter('since:2026-13-01', '--a')).toThrow(
      '--a since: "2026-13-01" is not a date',
    );
    expect(() => parseCohortFilter('since:2026-11-02,since:2026-11-03', '--a')).toThrow(
      '"since:" is given twice',
    );
    expect(() => parseCohortFilter('since:2026-11-05,until:2026-11-01', '--a')).toThrow(
      'since:2026-11-05 is after until:2026-11-01',
    );
  });
});
