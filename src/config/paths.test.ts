import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ExitCode, UserError } from '../util/errors.js';
import { configFile, dataHome, ledgerLocation } from './paths.js';

describe('ledgerLocation', () => {
  const env = { TOKENLEDGER_HOME: '/data/tl' };

  it('--db, else TOKENLEDGER_DB, else <data home>/ledger.db; paths relative to the cwd', () => {
    expect(ledgerLocation('l.db', { ...env, TOKENLEDGER_DB: '/e.db' }, '/w')).toEqual({
      kind: 'file',
      path: '/w/l.db',
    });
    expect(ledgerLocation(undefined, { ...env, TOKENLEDGER_DB: 'e.db' }, '/w')).toEqual({
      kind: 'file',
      path: '/w/e.db',
    });
    expect(ledgerLocation('  ', { ...env, TOKENLEDGER_DB: '' }, '/w')).toEqual({
      kind: 'file',
      path: path.join('/data/tl', 'ledger.db'),
    });
  });

  it('a postgres:// URL in --db or TOKENLEDGER_DB stays a URL', () => {
    for (const [flag, db] of [
      ['postgres://u@h/db', undefined],
      [undefined, 'postgres://u@h/db'],
    ]) {
      expect(ledgerLocation(flag, { ...env, TOKENLEDGER_DB: db }, '/w')).toMatchObject({
        kind: 'postgres',
        url: 'postgres://u@h/db',
      });
    }
  });

  it('a rejected --db is a usage error; a rejected TOKENLEDGER_DB a config error; both named', () => {
    const thrown = (f: () => unknown) => {
      try {
        f();
      } catch (error) {
        return error instanceof UserError ? { code: error.exitCode, message: error.message } : error;
      }
      return null;
    };
    expect(thrown(() => ledgerLocation('mysql://h/db', env))).toEqual({
      code: ExitCode.usage,
      message: expect.stringMatching(/^--db "mysql:\/\/h\/db" is a mysql: URL/),
    });
    expect(thrown(() => ledgerLocation(undefined, { ...env, TOKENLEDGER_DB: 'postgres:/h/db' }))).toEqual({
      code: ExitCode.config,
      message: expect.stringMatching(/^TOKENLEDGER_DB "postgres:\/h\/db" lacks the "\/\/" of a URL/),
    });
  });
});

describe('TOKENLEDGER_HOME', () => {
  it('is a directory, made absolute', () => {
    expect(dataHome({ TOKENLEDGER_HOME: '/data/tl' })).toBe('/data/tl');
    expect(configFile({ TOKENLEDGER_HOME: '/data/tl' })).toBe('/data/tl/config.json');
  });

  it.each([
    [
      'postgres://u:hunter2@h:5433/db',
      /^TOKENLEDGER_HOME is postgres:\/\/u:\*\*\*@h:5433\/db \(database "db" on host h:5433\), a URL, but it must be a directory/,
    ],
    ['postgres:/u@h/db', /^TOKENLEDGER_HOME is "postgres:\/u@h\/db", a URL, but it must be a directory/],
    ['file:///data/tl', /^TOKENLEDGER_HOME is "file:\/\/\/data\/tl", a URL/],
  ])('%s is refused (exit 3), for the data dir and the config file alike, and never becomes a path', (home, message) => {
    for (const f of [dataHome, configFile, (env: NodeJS.ProcessEnv) => ledgerLocation(undefined, env)]) {
      let caught: unknown;
      try {
        f({ TOKENLEDGER_HOME: home });
      } catch (error) {
        caught = error;
      }
      expect(caught).toBeInstanceOf(UserError);
      expect((caught as UserError).exitCode).toBe(ExitCode.ledger);
      expect((caught as UserError).message).toMatch(message);
      expect((caught as UserError).message).toContain('To keep the ledger in PostgreSQL, set TOKENLEDGER_DB');
      expect((caught as UserError).message).not.toContain('hunter2');
    }
  });
});
