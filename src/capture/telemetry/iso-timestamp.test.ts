import { describe, expect, it } from 'vitest';
import { parseIsoTimestamp } from './iso-timestamp.js';

describe('parseIsoTimestamp', () => {
  it.each([
    ['2025-11-28T14:30:00Z', Date.UTC(2025, 10, 28, 14, 30), true],
    ['2025-11-28T14:30Z', Date.UTC(2025, 10, 28, 14, 30), true],
    ['2025-11-28T14:30:00.123456789Z', Date.UTC(2025, 10, 28, 14, 30, 0, 123), true],
    ['2025-11-28T14:30:00,5Z', Date.UTC(2025, 10, 28, 14, 30, 0, 500), true],
    ['2025-11-28T14:30:00+02:00', Date.UTC(2025, 10, 28, 12, 30), true],
    ['2025-11-28T14:30:00-0530', Date.UTC(2025, 10, 28, 20, 0), true],
    ['2025-11-28T14:30:00+01', Date.UTC(2025, 10, 28, 13, 30), true],
    ['2025-11-28T14:30:00', Date.UTC(2025, 10, 28, 14, 30), false],
    ['2024-02-29T00:00:00Z', Date.UTC(2024, 1, 29), true],
    ['0050-01-01T00:00:00Z', -60589296000000, true],
  ])('%s', (text, ms, hasOffset) => {
    expect(parseIsoTimestamp(text)).toEqual({ ms, hasOffset });
  });

  it.each([
    '2025-02-29T00:00:00Z',
    '2025-13-01T00:00:00Z',
    '2025-00-10T00:00:00Z',
    '2025-11-31T00:00:00Z',
    '2025-11-28T24:00:00Z',
    '2025-11-28T14:60:00Z',
    '2025-11-28T23:59:60Z',
    '2025-11-28T14:30:00+24:00',
    '2025-11-28T14:30:00+02:60',
    '2025-11-28',
    '2025-11-28 14:30:00Z',
    'Nov 28 2025',
    '1732804200000',
    '2025-11-28T14:30:00Zjunk',
    '',
  ])('rejects %j', (text) => {
    expect(parseIsoTimestamp(text)).toBeNull();
  });
});
