import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fingerprint } from '../../util/fingerprint.js';
import { fileTimestamp, MAX_STEM_LENGTH, taskFileStem, taskUsageFileName } from './task-file-name.js';

const SAFE = /^[A-Za-z0-9._-]+$/;

function expectSafe(stem: string): void {
  expect(stem).toMatch(SAFE);
  expect(stem.startsWith('.')).toBe(false);
  expect(stem.includes('..')).toBe(false);
  expect(Buffer.byteLength(stem, 'utf8')).toBeLessThanOrEqual(MAX_STEM_LENGTH);
}

const anyString = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 200 }),
  fc.string({
    unit: fc.constantFrom('.', '/', '\\', '\0', '\n', 'a', 'Z', '0', '-', '_', 'é', '日', ' '),
    maxLength: 100,
  }),
  fc.string({ unit: fc.constantFrom('a', 'b', '-', '_'), maxLength: 90 }),
);

describe('taskFileStem', () => {
  it.each([
    ['T-12', 'T-12'],
    ['create-usage-tracker', 'create-usage-tracker'],
    ['a_B-9', 'a_B-9'],
    ['x'.repeat(64), 'x'.repeat(64)],
    ['--x--', '--x--'],
  ])('keeps the clean id %j', (id, stem) => {
    expect(taskFileStem(id)).toBe(stem);
  });

  it.each([
    ['../../x', 'x'],
    ['/etc/passwd', 'etc_passwd'],
    ['C:\\Windows\\system32', 'C_Windows_system32'],
    ['a\0b', 'a_b'],
    ['line\nbreak\ttab', 'line_break_tab'],
    ['v1.2', 'v1_2'],
    ['.hidden', 'hidden'],
    ['..', 'task'],
    ['', 'task'],
    ['日本語', 'task'],
    ['fix: café ☕ bug', 'fix_caf_bug'],
    ['x'.repeat(65), 'x'.repeat(47)],
    ['a-0123456789abcdef', 'a-0123456789abcdef'],
    ['-.x.-', 'x'],
  ])('sanitizes %j and appends the hash of the original', (id, readable) => {
    expect(taskFileStem(id)).toBe(`${readable}-${fingerprint(id)}`);
  });

  it('cuts very long ids to 64 characters', () => {
    const stem = taskFileStem(`${'ab/'.repeat(1000)}`);
    expect(stem.length).toBeLessThanOrEqual(64);
    expect(stem).toBe(`${'ab_'.repeat(15)}ab-${fingerprint('ab/'.repeat(1000))}`);
  });

  it('never gives an unsafe name', () => {
    fc.assert(
      fc.property(anyString, (id) => {
        expectSafe(taskFileStem(id));
      }),
      { numRuns: 3000 },
    );
  });

  it('is stable', () => {
    fc.assert(
      fc.property(anyString, (id) => {
        expect(taskFileStem(id)).toBe(taskFileStem(id));
      }),
    );
  });

  it('gives distinct stems to distinct ids', () => {
    fc.assert(
      fc.property(anyString, anyString, (a, b) => {
        fc.pre(a !== b);
        expect(taskFileStem(a)).not.toBe(taskFileStem(b));
      }),
      { numRuns: 3000 },
    );
  });

  it('gives distinct stems to ids that sanitize alike', () => {
    const alike = ['a/b', 'a.b', 'a b', 'a\0b', 'a_b', 'a__b', 'a//b', `a_b-${fingerprint('a/b')}`, 'a/b/'];
    expect(new Set(alike.map(taskFileStem)).size).toBe(alike.length);
    const long = 'y'.repeat(100);
    expect(taskFileStem(long)).not.toBe(taskFileStem(`${long}z`));
  });
});

describe('fileTimestamp', () => {
  const at = new Date('2025-11-28T23:05:00Z');

  it('uses UTC by default', () => {
    expect(fileTimestamp(at)).toBe('2025-11-28-2305');
    expect(fileTimestamp(new Date('2025-01-02T00:00:59.999Z'))).toBe('2025-01-02-0000');
  });

  it('uses the given time zone', () => {
    expect(fileTimestamp(at, 'Europe/Berlin')).toBe('2025-11-29-0005');
    expect(fileTimestamp(at, 'America/Los_Angeles')).toBe('2025-11-28-1505');
    expect(fileTimestamp(at, 'Asia/Kolkata')).toBe('2025-11-29-0435');
  });

  it('throws on an invalid date, time zone or year', () => {
    expect(() => fileTimestamp(new Date(Number.NaN))).toThrow(new RangeError('fileTimestamp: invalid date'));
    expect(() => fileTimestamp(at, 'Mars/Olympus')).toThrow(RangeError);
    expect(() => fileTimestamp(new Date('0999-01-01T00:00:00Z'))).toThrow(
      new RangeError('fileTimestamp: year 999 does not fit in four digits'),
    );
    expect(() => fileTimestamp(new Date(Date.UTC(-1500, 0, 1)))).toThrow(RangeError);
    expect(() => fileTimestamp(new Date('+010000-01-01T00:00:00Z'))).toThrow(RangeError);
  });
});

describe('taskUsageFileName', () => {
  const at = new Date('2025-11-28T14:30:00Z');

  it('names the seed 000 §6.1 file', () => {
    expect(taskUsageFileName('create-usage-tracker', at)).toBe(
      'usage-2025-11-28-1430-create-usage-tracker.json',
    );
    expect(taskUsageFileName('T-12', at, 'Europe/Berlin')).toBe('usage-2025-11-28-1530-T-12.json');
    expect(taskUsageFileName('../../x', at)).toBe(`usage-2025-11-28-1430-x-${fingerprint('../../x')}.json`);
  });

  it('never names a path outside its folder', () => {
    fc.assert(
      fc.property(anyString, (id) => {
        const name = taskUsageFileName(id, at);
        expect(name).toMatch(/^usage-2025-11-28-1430-[A-Za-z0-9_-]{1,64}\.json$/);
      }),
    );
  });
});
