/**
 * The tracker settings (`taskFiles`, `workflowMetricsFile`, `beads`, `onTaskEnd`) are checked when
 * the config file is read; a bad value is reported by setting, line and column like any other.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/config.js';
import { ExitCode, UserError } from '../../src/util/errors.js';

let dir: string;

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tl-tracker-config-'));
});

afterAll(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

function write(text: string): string {
  const file = path.join(dir, `c-${Math.random().toString(36).slice(2)}.json`);
  fs.writeFileSync(file, text);
  return file;
}

async function errorOf(text: string): Promise<string> {
  const file = write(text);
  const err = await loadConfig(file).then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(UserError);
  expect((err as UserError).exitCode).toBe(ExitCode.config);
  expect((err as UserError).message).toContain(file);
  return (err as UserError).message;
}

describe('tracker settings', () => {
  it('accepts every form', async () => {
    const config = {
      taskFiles: '.claude/plans/tasks/{id}.md',
      workflowMetricsFile: false,
      beads: true,
      onTaskEnd: {
        command: ['gh', 'issue', 'comment', '{id}', '--body-file', '{summaryFile}'],
        timeoutMs: 5000,
      },
    };
    expect((await loadConfig(write(JSON.stringify(config)))).config).toEqual(config);
    const asString = {
      onTaskEnd: `jira issue comment add {id} "$(cat {summaryFile})"`,
      workflowMetricsFile: 'm.jsonl',
    };
    expect((await loadConfig(write(JSON.stringify(asString)))).config).toEqual(asString);
    const shell = { onTaskEnd: { command: 'notify {id} | tee -a log', shell: true } };
    expect((await loadConfig(write(JSON.stringify(shell)))).config).toEqual(shell);
  });

  it('a command with an unclosed quote: the setting, line and column, and why', async () => {
    const e = await errorOf('{\n  "onTaskEnd": "gh issue comment {id} --body \\"oops"\n}\n');
    expect(e).toContain('onTaskEnd (line 2, column 16)');
    expect(e).toContain('cannot split the command into words (unclosed " quote)');
  });

  it('an unknown placeholder in an argument list', async () => {
    const e = await errorOf('{"onTaskEnd": {\n  "command": ["gh", "{issue}"]\n}}');
    expect(e).toContain('onTaskEnd.command (line 2, column 14)');
    expect(e).toContain('unknown placeholder {issue}');
  });

  it('a time cap out of range, and an unknown key', async () => {
    expect(await errorOf('{"onTaskEnd": {"command": "x", "timeoutMs": 5}}')).toContain(
      'expected at least 100 ms',
    );
    expect(await errorOf('{"onTaskEnd": {"command": "x", "shel": true}}')).toContain('onTaskEnd');
  });

  it('a task file template outside the project, or with an unknown placeholder', async () => {
    expect(await errorOf('{\n"taskFiles": "../plans/{id}.md"}')).toMatch(
      /taskFiles \(line 2, column 14\).*inside the project/,
    );
    expect(await errorOf('{"taskFiles": "/abs/{id}.md"}')).toContain('relative to the project');
    expect(await errorOf('{"taskFiles": "plans/{task}.md"}')).toContain('unknown placeholder {task}');
  });

  it('workflowMetricsFile is a path or false', async () => {
    expect(await errorOf('{"workflowMetricsFile": true}')).toContain(
      'expected a path relative to the project, or false',
    );
  });
});
