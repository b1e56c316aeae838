/**
 * The `onTaskEnd` command: a template becomes an argument vector before any value goes in, so quotes,
 * spaces, newlines and shell syntax in a value stay one argument and never reach a shell; in shell
 * mode values are quoted variables. Checked with a real program that records the arguments it got.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { onTaskEndInvocation } from '../../src/app/trackers/on-task-end.js';
import { runProgram } from '../../src/app/trackers/run-program.js';
import {
  commandArgv,
  type PlaceholderValues,
  splitWords,
  unknownPlaceholders,
} from '../../src/util/command-template.js';

const HOSTILE = [
  `it's "quoted"`,
  'two\nlines\r\nand\ttabs',
  '$(touch PWNED) `touch PWNED` ; touch PWNED && touch PWNED | cat > PWNED',
  "'; touch PWNED; echo '",
  `{id} {title} $HOME \${HOME} * ? ~`,
  '-n',
  '',
];

function values(over: Partial<PlaceholderValues> = {}): PlaceholderValues {
  return {
    id: 'T-1',
    title: 'Title',
    summaryFile: '/tmp/summary.md',
    tokens: '123',
    cost: '0.5',
    apiCalls: '2',
    estimate: '',
    variance: '',
    project: '/p',
    event: 'task_stop',
    ...over,
  };
}

let dir: string;
let recorder: string;

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tl-cmd-'));
  recorder = path.join(dir, 'record.mjs');
  fs.writeFileSync(
    recorder,
    "import fs from 'node:fs';\nfs.appendFileSync(process.env.RECORD_TO, JSON.stringify(process.argv.slice(2)) + '\\n');\n",
  );
});

afterAll(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

function recorded(file: string): string[][] {
  return fs
    .readFileSync(file, 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as string[]);
}

describe('splitting a command template', () => {
  it('splits on blanks, keeping quoted parts and backslash escapes, like a shell (and nothing more)', () => {
    expect(splitWords(`gh issue comment {id} --body-file {summaryFile}`)).toEqual([
      'gh',
      'issue',
      'comment',
      '{id}',
      '--body-file',
      '{summaryFile}',
    ]);
    expect(splitWords(`a 'b c' "d \\"e\\" $f" g\\ h '' "x"y`)).toEqual([
      'a',
      'b c',
      'd "e" $f',
      'g h',
      '',
      'xy',
    ]);
    expect(splitWords('echo $(rm -rf /) ; ls | cat')).toEqual([
      'echo',
      '$(rm',
      '-rf',
      '/)',
      ';',
      'ls',
      '|',
      'cat',
    ]);
    expect(() => splitWords(`echo "open`)).toThrow(/unclosed " quote/);
    expect(unknownPlaceholders(['x {id} {nope} {tokens}'])).toEqual(['{nope}']);
  });

  it('a value always stays the one argument it was put in, whatever it holds (property)', () => {
    const words = splitWords(`prog --title {title} --id={id} {summaryFile}`);
    fc.assert(
      fc.property(fc.string(), fc.string(), fc.string(), (title, id, file) => {
        const argv = commandArgv(words, values({ title, id, summaryFile: file }));
        expect(argv).toEqual(['prog', '--title', title, `--id=${id}`, file]);
      }),
    );
  });
});

describe('running the command', () => {
  it('hostile values reach the program as exact arguments, and no shell ever runs them', async () => {
    const log = path.join(dir, 'argv.jsonl');
    for (const title of HOSTILE) {
      const inv = onTaskEndInvocation(
        { command: `"${process.execPath}" ${JSON.stringify(recorder)} {title} "t={title}" {id}` },
        values({ title, id: 'bd-1' }),
      );
      const r = await runProgram(inv.argv, {
        cwd: dir,
        timeoutMs: 10_000,
        env: { ...process.env, ...inv.env, RECORD_TO: log },
      });
      expect(r.ok, r.stderr).toBe(true);
    }
    expect(recorded(log)).toEqual(HOSTILE.map((t) => [t, `t=${t}`, 'bd-1']));
    expect(fs.existsSync(path.join(dir, 'PWNED'))).toBe(false);
  });

  it('an argument list is used as given, placeholders filled per element', async () => {
    const log = path.join(dir, 'list.jsonl');
    const title = HOSTILE[2] ?? '';
    const inv = onTaskEndInvocation(
      { command: [process.execPath, recorder, '{title}', 'x {id} y'] },
      values({ title, id: `a"b` }),
    );
    const r = await runProgram(inv.argv, {
      cwd: dir,
      timeoutMs: 10_000,
      env: { ...process.env, RECORD_TO: log },
    });
    expect(r.ok, r.stderr).toBe(true);
    expect(recorded(log)).toEqual([[title, 'x a"b y']]);
    expect(fs.existsSync(path.join(dir, 'PWNED'))).toBe(false);
  });

  it('shell mode: placeholders are quoted variables, so values are data to the shell', async () => {
    const out = path.join(dir, 'shell-out.txt');
    for (const title of HOSTILE) {
      const inv = onTaskEndInvocation(
        { command: `printf '%s|%s' {title} {id} > ${JSON.stringify(out)}`, shell: true },
        values({ title, id: "x'; touch PWNED; '" }),
      );
      expect(inv.argv.slice(0, 2)).toEqual(['/bin/sh', '-c']);
      expect(inv.argv[2]).not.toContain('PWNED');
      const r = await runProgram(inv.argv, {
        cwd: dir,
        timeoutMs: 10_000,
        env: { ...process.env, ...inv.env },
      });
      expect(r.ok, r.stderr).toBe(true);
      expect(fs.readFileSync(out, 'utf8')).toBe(`${title}|x'; touch PWNED; '`);
    }
    expect(fs.existsSync(path.join(dir, 'PWNED'))).toBe(false);
  });

  it('a command past its time cap is killed and reported; a missing program is reported', async () => {
    const r = await runProgram([process.execPath, '-e', 'setTimeout(() => {}, 60000)'], {
      cwd: dir,
      timeoutMs: 300,
    });
    expect(r.ok).toBe(false);
    expect(r.timedOut).toBe(true);
    const missing = await runProgram(['tl-no-such-program-here'], { cwd: dir, timeoutMs: 1000 });
    expect(missing.startError).toBe('ENOENT');
  });
});
