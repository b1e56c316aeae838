import { describe, expect, it } from 'vitest';
import { ExitCode, UserError } from '../util/errors.js';
import {
  describeDatabase,
  describeLedgerLocation,
  ledgerLocationArg,
  maskPassword,
  parseLedgerLocation,
} from './ledger-location.js';

const AT = { cwd: '/work/proj', home: '/home/ann' };

describe('parseLedgerLocation: file paths', () => {
  it.each([
    ['/var/lib/tl/ledger.db', '/var/lib/tl/ledger.db'],
    ['ledger.db', '/work/proj/ledger.db'],
    ['./data/ledger.db', '/work/proj/data/ledger.db'],
    ['../ledger.db', '/work/ledger.db'],
    ['~/ledger.db', '/home/ann/ledger.db'],
    ['~', '/home/ann'],
    // Only `~/` is the home directory; `~bob` is a name like any other.
    ['~bob/ledger.db', '/work/proj/~bob/ledger.db'],
    ['file:///var/lib/tl/ledger.db', '/var/lib/tl/ledger.db'],
    ['file://localhost/var/lib/tl/ledger%20one.db', '/var/lib/tl/ledger one.db'],
    // A colon alone makes no URL: these are relative file names.
    ['ledger:2026.db', '/work/proj/ledger:2026.db'],
    ['C:ledger.db', '/work/proj/C:ledger.db'],
    ['with space/ledger.db', '/work/proj/with space/ledger.db'],
  ])('%s is the file %s', (text, file) => {
    expect(parseLedgerLocation(text, AT)).toEqual({ kind: 'file', path: file });
  });

  it('a path is described and passed on as itself', () => {
    const location = parseLedgerLocation('/x/ledger.db', AT);
    expect(describeLedgerLocation(location)).toBe('/x/ledger.db');
    expect(ledgerLocationArg(location)).toBe('/x/ledger.db');
  });
});

describe('parseLedgerLocation: PostgreSQL URLs', () => {
  it.each([
    ['postgres://u@h/db', { host: 'h', port: null, database: 'db', user: 'u' }],
    ['postgresql://h/db', { host: 'h', port: null, database: 'db', user: null }],
    [
      'postgres://u:secret@db.example.com:5433/ledger',
      { host: 'db.example.com', port: 5433, database: 'ledger', user: 'u' },
    ],
    ['POSTGRES://H/db', { host: 'H', port: null, database: 'db', user: null }],
    [
      'postgres://u:p%40ss@h/my%20db?sslmode=require',
      { host: 'h', port: null, database: 'my db', user: 'u' },
    ],
    ['postgres://h', { host: 'h', port: null, database: null, user: null }],
    ['postgres:///db', { host: null, port: null, database: 'db', user: null }],
    ['postgres://', { host: null, port: null, database: null, user: null }],
    ['postgres://[::1]:5432/db', { host: '[::1]', port: 5432, database: 'db', user: null }],
    ['postgres://al%69ce@h/db', { host: 'h', port: null, database: 'db', user: 'alice' }],
  ])('%s', (url, parts) => {
    expect(parseLedgerLocation(url, AT)).toEqual({ kind: 'postgres', url, ...parts });
  });

  it('keeps the URL as given for the client, and never shows its password', () => {
    const url = 'postgres://u:s3cret@h:5432/db?sslmode=require&password=s3cret';
    const location = parseLedgerLocation(url, AT);
    expect(ledgerLocationArg(location)).toBe(url);
    expect(describeLedgerLocation(location)).toBe('postgres://u:***@h:5432/db?sslmode=require&password=***');
    expect(describeLedgerLocation(parseLedgerLocation('postgres://u@h/db', AT))).toBe('postgres://u@h/db');
    // An "@" in the password (escaped or not) leaves nothing of it behind.
    for (const text of ['postgres://u:p%40ss@h/db', 'postgres://u:p@ss@h/db']) {
      expect(describeLedgerLocation(parseLedgerLocation(text, AT))).toBe('postgres://u:***@h/db');
    }
  });

  it('names the database and host in words', () => {
    const words = (url: string) => {
      const location = parseLedgerLocation(url, AT);
      return location.kind === 'postgres' ? describeDatabase(location) : null;
    };
    expect(words('postgres://u:pw@h:5433/db')).toBe('database "db" on host h:5433');
    expect(words('postgres://h')).toBe("the user's default database on host h");
    expect(words('postgres:///db')).toBe('database "db" on the local server');
  });
});

describe('parseLedgerLocation: rejected, with a message that says what to write', () => {
  it.each([
    ['', /is empty: give a file path or a postgres:\/\/ URL/],
    ['   ', /is empty/],
    [
      'mysql://u@h/db',
      /is a mysql: URL, which tokenledger cannot keep a ledger in: give a file path or a postgres:\/\/ URL/,
    ],
    ['sqlite:///x.db', /is a sqlite: URL/],
    ['postgres:/u@h/db', /lacks the "\/\/" of a URL: write postgres:\/\/host\/database/],
    ['postgresql:db', /write postgresql:\/\/host\/database/],
    ['file:ledger.db', /write file:\/\/\/absolute\/path/],
    ['file://otherhost/x.db', /is not a local file URL .*: write file:\/\/\/absolute\/path/],
    [
      'postgres://h:99999/db',
      /is not a valid PostgreSQL URL: write postgres:\/\/user:password@host:port\/database/,
    ],
    ['postgres://h1:5432,h2:5432/db', /is not a valid PostgreSQL URL/],
    ['postgres://h/a/b', /has a "\/" in its database name/],
    ['postgres://h/db%zz', /has a bad %-escape/],
  ])('%j', (text, message) => {
    expect(() => parseLedgerLocation(text, AT)).toThrow(message);
  });

  it('names where the text came from, with the exit code asked for, and masks a password', () => {
    let caught: unknown;
    try {
      parseLedgerLocation('mysql://u:hunter2@h/db', {
        ...AT,
        source: 'TOKENLEDGER_DB',
        exitCode: ExitCode.config,
      });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(UserError);
    expect((caught as UserError).exitCode).toBe(ExitCode.config);
    expect((caught as UserError).message).toMatch(
      /^TOKENLEDGER_DB "mysql:\/\/u:\*\*\*@h\/db" is a mysql: URL/,
    );
    expect((caught as UserError).message).not.toContain('hunter2');
    expect(() => parseLedgerLocation('postgres:/u:hunter2@h/db', AT)).toThrow(
      /^the ledger location "postgres:\/u:\*\*\*@h\/db"/,
    );
  });
});

describe('maskPassword', () => {
  it.each([
    ['postgres://u:pw@h/db', 'postgres://u:***@h/db'],
    ['postgres://u@h:5432/db', 'postgres://u@h:5432/db'],
    ['postgres://u:p/w@h/db', 'postgres://u:***@h/db'],
    ['postgres:u:pw@h', 'postgres:u:***@h'],
    [
      'postgres://h/db?sslpassword=x&password=y&sslmode=require',
      'postgres://h/db?sslpassword=***&password=***&sslmode=require',
    ],
    ['/plain/path:with@signs', '/plain/path:with@signs'],
  ])('%s → %s', (text, masked) => {
    expect(maskPassword(text)).toBe(masked);
  });
});
