/**
 * Finding a task's Markdown file from the `taskFiles` setting: a template never lets an id leave the
 * project (path separators, `..`), a folder is searched for the file named for the id or titled
 * with it; and the automatic write never creates a missing file.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { taskFileFor } from '../../src/app/trackers/task-file.js';
import { taskFilesProblem } from '../../src/config/tracker-schema.js';

let project: string;

beforeAll(() => {
  project = fs.mkdtempSync(path.join(os.tmpdir(), 'tl-taskfile-'));
  const tasks = path.join(project, 'plans', 'tasks');
  fs.mkdirSync(path.join(tasks, 'sprint-2'), { recursive: true });
  fs.writeFileSync(path.join(tasks, 'TASK-7-parser.md'), '# Fix the parser\n');
  fs.writeFileSync(path.join(tasks, 'TASK-70.md'), '# Another\n');
  fs.writeFileSync(path.join(tasks, 'sprint-2', 'greeting.md'), 'intro\n\n## bd-a1b2: greet after bash\n');
  fs.writeFileSync(
    path.join(tasks, 'sprint-2', 'mentions.md'),
    '# Notes\n\nbd-zz99 is mentioned in passing\n',
  );
});

afterAll(() => {
  fs.rmSync(project, { recursive: true, force: true });
});

describe('task files from a path template', () => {
  it('puts the id into the template, inside the project', () => {
    expect(taskFileFor('.claude/plans/tasks/{id}.md', project, 'TASK-7')).toEqual({
      file: path.join(project, '.claude', 'plans', 'tasks', 'TASK-7.md'),
    });
  });

  it.each([
    ['a/b'],
    ['..\\..\\etc\\passwd'],
    ['../../outside'],
    ['..'],
    ['.'],
    ['x\u0000y'],
    ['line\nbreak'],
  ])('refuses the id %j: it never names a file', (id) => {
    const r = taskFileFor('tasks/{id}.md', project, id);
    expect('problem' in r).toBe(true);
    expect('file' in r).toBe(false);
  });

  it('an id that would only be a file name part in a deeper template still stays inside', () => {
    // `{id}` as a whole directory part: `..` is refused rather than climbing out.
    expect('problem' in taskFileFor('tasks/{id}/notes.md', project, '..')).toBe(true);
    expect(taskFileFor('tasks/{id}/notes.md', project, 'bd-1.2')).toEqual({
      file: path.join(project, 'tasks', 'bd-1.2', 'notes.md'),
    });
  });

  it('the config check refuses templates that leave the project or use unknown placeholders', () => {
    expect(taskFilesProblem('.claude/plans/tasks/{id}.md')).toBeNull();
    expect(taskFilesProblem('plans/tasks')).toBeNull();
    expect(taskFilesProblem('/etc/{id}.md')).toMatch(/relative to the project/);
    expect(taskFilesProblem('../other/{id}.md')).toMatch(/inside the project/);
    expect(taskFilesProblem('tasks/{title}.md')).toMatch(/unknown placeholder \{title\}/);
  });
});

describe('task files in a folder', () => {
  it('finds the file named for the id (not one whose name only starts with its digits)', () => {
    expect(taskFileFor('plans/tasks', project, 'TASK-7')).toEqual({
      file: path.join(project, 'plans', 'tasks', 'TASK-7-parser.md'),
    });
    expect(taskFileFor('plans/tasks', project, 'TASK-70')).toEqual({
      file: path.join(project, 'plans', 'tasks', 'TASK-70.md'),
    });
  });

  it('else the file whose title line names the id; a mention in the body is not enough', () => {
    expect(taskFileFor('plans/tasks', project, 'bd-a1b2')).toEqual({
      file: path.join(project, 'plans', 'tasks', 'sprint-2', 'greeting.md'),
    });
    expect(taskFileFor('plans/tasks', project, 'bd-zz99')).toEqual({ none: true });
  });

  it('a missing folder is a problem to report', () => {
    const r = taskFileFor('no/such/folder', project, 'TASK-7');
    expect(r).toEqual({ problem: expect.stringContaining('does not exist') });
  });
});
