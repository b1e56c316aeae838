import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ExitCode, UserError } from '../../../util/errors.js';
import {
  BACKUP_SUFFIX,
  backupSettings,
  locateJsonError,
  readSettings,
  settingsPath,
  settingsText,
  writeSettings,
} from './settings-file.js';

let dir: string;

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tl-settings-'));
});

afterEach(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('settingsPath', () => {
  it('user: the first CLAUDE_CONFIG_DIR entry, ~ expanded; else ~/.claude', () => {
    const env = { HOME: '/home/a' };
    expect(settingsPath('user', env, '/w')).toBe('/home/a/.claude/settings.json');
    expect(settingsPath('user', { ...env, CLAUDE_CONFIG_DIR: '/c1' }, '/w')).toBe('/c1/settings.json');
    expect(settingsPath('user', { ...env, CLAUDE_CONFIG_DIR: ' , /c1 ,/c2' }, '/w')).toBe(
      '/c1/settings.json',
    );
    expect(settingsPath('user', { ...env, CLAUDE_CONFIG_DIR: '~/cc' }, '/w')).toBe(
      '/home/a/cc/settings.json',
    );
    expect(settingsPath('user', { ...env, CLAUDE_CONFIG_DIR: 'rel' }, '/w')).toBe('/w/rel/settings.json');
    expect(settingsPath('user', { ...env, CLAUDE_CONFIG_DIR: '  ' }, '/w')).toBe(
      '/home/a/.claude/settings.json',
    );
  });

  it('project and local: at the git work tree of cwd, else cwd', () => {
    const repo = path.join(dir, 'repo');
    fs.mkdirSync(path.join(repo, '.git'), { recursive: true });
    fs.mkdirSync(path.join(repo, 'a', 'b'), { recursive: true });
    const sub = path.join(repo, 'a', 'b');
    expect(settingsPath('project', {}, sub)).toBe(path.join(repo, '.claude', 'settings.json'));
    expect(settingsPath('local', {}, sub)).toBe(path.join(repo, '.claude', 'settings.local.json'));
    const plain = path.join(dir, 'plain');
    fs.mkdirSync(plain);
    expect(settingsPath('project', {}, plain)).toBe(path.join(plain, '.claude', 'settings.json'));
  });
});

describe('locateJsonError', () => {
  it.each([
    ['{"a":}', 1, 6, 'unexpected "}", expected a value'],
    ['{\n  "a": 1,\n}', 3, 1, "trailing comma before '}'"],
    ['{\n  "a": 1\n  "b": 2\n}', 3, 3, `unexpected "\\"", expected ',' or '}'`],
    ['[1,]', 1, 4, "trailing comma before ']'"],
    ['{"a"', 1, 5, "unexpected end of file, expected ':'"],
    ['', 1, 1, 'unexpected end of file, expected a value'],
    ['{"a":1} x', 1, 9, 'unexpected "x" after the end of the JSON value'],
    ['{a:1}', 1, 2, 'unexpected "a", expected a property name in double quotes'],
    ['{"a":"b\nc"}', 1, 8, 'control character (such as a raw line break) in a string'],
    ['{"a":"\\x"}', 1, 7, 'bad escape "\\\\x" in a string'],
    ['{"a":"b', 1, 8, 'unterminated string'],
    ['{"a": tru}', 1, 7, 'unexpected "t", expected a value'],
    ['// c\n{}', 1, 1, 'unexpected "/", expected a value'],
  ])('%j → line %d, column %d', (text, line, column, reason) => {
    expect(locateJsonError(text)).toMatchObject({ line, column, reason });
  });

  it.each(['{}', '{"a":[1,-2.5e3,true,false,null,"\\u00e9\\n"]}', ' [ ] '])('valid: %s', (text) => {
    expect(JSON.parse(text)).toBeDefined();
    expect(locateJsonError(text)).toBeNull();
  });
});

describe('readSettings', () => {
  const file = () => path.join(dir, 'settings.json');

  it('missing file', () => {
    expect(readSettings(file())).toEqual({ kind: 'missing' });
  });

  it('an object, with the text and mode', () => {
    fs.writeFileSync(file(), '{ "a": 1 }');
    fs.chmodSync(file(), 0o640);
    expect(readSettings(file())).toEqual({ kind: 'ok', settings: { a: 1 }, text: '{ "a": 1 }', mode: 0o640 });
  });

  it('an empty or blank file is {}; a BOM is skipped', () => {
    fs.writeFileSync(file(), ' \n');
    expect(readSettings(file())).toMatchObject({ kind: 'ok', settings: {} });
    fs.writeFileSync(file(), '\uFEFF{"b":2}');
    expect(readSettings(file())).toMatchObject({ kind: 'ok', settings: { b: 2 } });
  });

  it.each([
    ['{\n  "model": "opus",\n}\n', "is not valid JSON (line 3, column 1: trailing comma before '}')"],
    ['[]', 'is valid JSON but an array, not an object'],
    ['null', 'is valid JSON but null, not an object'],
    ['"x"', 'is valid JSON but a string, not an object'],
  ])('invalid: %j', (text, problem) => {
    fs.writeFileSync(file(), text);
    expect(readSettings(file())).toEqual({ kind: 'invalid', problem });
  });

  it('a directory', () => {
    fs.mkdirSync(file());
    expect(readSettings(file())).toEqual({ kind: 'invalid', problem: 'is a directory' });
  });
});

describe('writeSettings', () => {
  it('creates the dir and file: 2-space indent, trailing newline', () => {
    const file = path.join(dir, 'a', 'b', 'settings.json');
    writeSettings(file, { x: [1] }, null);
    expect(fs.readFileSync(file, 'utf8')).toBe('{\n  "x": [\n    1\n  ]\n}\n');
    expect(settingsText({ x: [1] })).toBe('{\n  "x": [\n    1\n  ]\n}\n');
    expect(fs.readdirSync(path.dirname(file))).toEqual(['settings.json']);
  });

  it('keeps the mode of the file it replaces', () => {
    const file = path.join(dir, 'settings.json');
    fs.writeFileSync(file, '{}');
    fs.chmodSync(file, 0o600);
    writeSettings(file, { y: 1 }, '{}', 0o600);
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(JSON.parse(fs.readFileSync(file, 'utf8'))).toEqual({ y: 1 });
  });

  it('keeps mode bits the umask would clear', () => {
    const file = path.join(dir, 'settings.json');
    fs.writeFileSync(file, '{}');
    fs.chmodSync(file, 0o666);
    writeSettings(file, { y: 1 }, '{}', 0o666);
    expect(fs.statSync(file).mode & 0o777).toBe(0o666);
  });

  it('writes through a dangling symlink, creating its target', () => {
    const real = path.join(dir, 'dotfiles', 'settings.json');
    fs.mkdirSync(path.dirname(real));
    const link = path.join(dir, 'settings.json');
    fs.symlinkSync(path.join('dotfiles', 'settings.json'), link);
    writeSettings(link, { z: 1 }, null);
    expect(fs.lstatSync(link).isSymbolicLink()).toBe(true);
    expect(JSON.parse(fs.readFileSync(real, 'utf8'))).toEqual({ z: 1 });
  });

  it('writes through a symlink to its target, keeping the link', () => {
    const real = path.join(dir, 'dotfiles', 'settings.json');
    fs.mkdirSync(path.dirname(real));
    fs.writeFileSync(real, '{}');
    const link = path.join(dir, 'settings.json');
    fs.symlinkSync(real, link);
    writeSettings(link, { z: 1 }, '{}');
    expect(fs.lstatSync(link).isSymbolicLink()).toBe(true);
    expect(JSON.parse(fs.readFileSync(real, 'utf8'))).toEqual({ z: 1 });
  });

  it('refuses when the file changed since it was read, leaving it and no temp file', () => {
    const file = path.join(dir, 'settings.json');
    fs.writeFileSync(file, '{"other":"writer"}');
    let error: unknown;
    try {
      writeSettings(file, { mine: 1 }, '{}');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(UserError);
    expect(error).toMatchObject({ exitCode: ExitCode.config });
    expect((error as Error).message).toContain(`${file} changed while tokenledger was editing it`);
    expect(fs.readFileSync(file, 'utf8')).toBe('{"other":"writer"}');
    expect(fs.readdirSync(dir)).toEqual(['settings.json']);
  });

  it('refuses to create a file that appeared meanwhile', () => {
    const file = path.join(dir, 'settings.json');
    fs.writeFileSync(file, '{}');
    expect(() => writeSettings(file, { mine: 1 }, null)).toThrow(/changed while/);
    expect(fs.readFileSync(file, 'utf8')).toBe('{}');
  });

  it('reports a write it cannot do as a config error naming the file', () => {
    const file = path.join(dir, 'not-a-dir', 'settings.json');
    fs.writeFileSync(path.join(dir, 'not-a-dir'), '');
    expect(() => writeSettings(file, {}, null)).toThrow(
      expect.objectContaining({ exitCode: ExitCode.config, message: expect.stringContaining(file) }),
    );
  });
});

describe('backupSettings', () => {
  it('copies the file once, and never overwrites an existing backup', () => {
    const file = path.join(dir, 'settings.json');
    fs.writeFileSync(file, 'first');
    expect(backupSettings(file)).toBe(`${file}${BACKUP_SUFFIX}`);
    fs.writeFileSync(file, 'second');
    expect(backupSettings(file)).toBeNull();
    expect(fs.readFileSync(`${file}${BACKUP_SUFFIX}`, 'utf8')).toBe('first');
  });
});
