/**
 * A broken config file is reported by file, line and column (and setting), as Claude Code settings
 * files are: invalid JSON, and valid JSON with a bad value, an unknown key or a bad list element.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/config.js';
import { jsonValuePosition } from '../../src/config/json-position.js';
import { ExitCode, UserError } from '../../src/util/errors.js';

let dir: string;

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tl-config-'));
});

afterAll(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

/** Loads `text` as a config file and returns the error it gives. */
async function errorOf(text: string): Promise<UserError> {
  const file = path.join(dir, `c-${Math.random().toString(36).slice(2)}.json`);
  fs.writeFileSync(file, text);
  const err = await loadConfig(file).then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(UserError);
  const e = err as UserError;
  expect(e.exitCode).toBe(ExitCode.config);
  expect(e.message).toContain(file);
  return e;
}

describe('config file errors', () => {
  it('invalid JSON: the line and column of the first syntax error', async () => {
    const e = await errorOf('{\n  "timezone": "UTC",\n  "machine": "laptop",\n}\n');
    expect(e.message).toMatch(/is not valid JSON \(line 4, column 1: /);
  });

  it('invalid JSON on a later line with a missing comma', async () => {
    const e = await errorOf('{\n  "timezone": "UTC"\n  "machine": "laptop"\n}\n');
    expect(e.message).toMatch(/line 3, column 3/);
  });

  it('a bad value: its setting, line and column, and what was expected', async () => {
    const text = '{\n  "timezone": "UTC",\n  "hook": {\n    "warnings": true,\n    "timeoutMs": 5\n  }\n}\n';
    const e = await errorOf(text);
    expect(e.message).toContain('hook.timeoutMs (line 5, column 18)');
    expect(e.message).toContain('expected at least 100 ms');
    expect(e.message).toContain('(got 5)');
  });

  it('a bad list element', async () => {
    const e = await errorOf('{"claudeDirs": [\n  "~/.claude",\n  ""\n]}');
    expect(e.message).toContain('claudeDirs.1 (line 3, column 3)');
  });

  it('a bad rate deep in pricing overrides', async () => {
    const e = await errorOf(
      '{\n  "pricing": {\n    "overrides": {\n      "m": { "input": "cheap", "output": 1 }\n    }\n  }\n}',
    );
    expect(e.message).toContain('pricing.overrides.m.input (line 4, column 23)');
  });

  it('an unknown key', async () => {
    const e = await errorOf('{\n  "timezone": "UTC",\n  "colour": true\n}');
    expect(e.message).toMatch(/colour \(line 3, column \d+\)/);
  });

  it('a file with a byte-order mark is read', async () => {
    const file = path.join(dir, 'bom.json');
    fs.writeFileSync(file, '\uFEFF{"timezone": "UTC"}');
    expect((await loadConfig(file)).config).toEqual({ timezone: 'UTC' });
  });
});

describe('jsonValuePosition', () => {
  const text = '{\n "a": {"x": [1, {"y": "s\\"}"}], "x2": 2},\n "a": {"z": 3}\n}';

  it('finds nested members and elements, skipping strings with brackets', () => {
    expect(jsonValuePosition(text, ['a', 'z'])).toEqual({ line: 3, column: 13 });
    expect(jsonValuePosition('{"a": {"x": [1, {"y": 2}]}}', ['a', 'x', 1, 'y'])).toEqual({
      line: 1,
      column: 23,
    });
  });

  it('a duplicate key is the last one, as JSON.parse keeps it', () => {
    expect(jsonValuePosition(text, ['a'])).toEqual({ line: 3, column: 7 });
  });

  it('a path that is missing stops at its deepest part that exists', () => {
    expect(jsonValuePosition('{\n"a": {"b": 1}}', ['a', 'nope'])).toEqual({ line: 2, column: 6 });
    expect(jsonValuePosition('[1, 2]', [5])).toEqual({ line: 1, column: 1 });
    expect(jsonValuePosition('   ', [])).toBeNull();
  });
});
