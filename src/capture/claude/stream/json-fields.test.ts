import { describe, expect, it } from 'vitest';
import { isJsonObject, readCount, readFlag, readNumber, readObject, readString } from './json-fields.js';

const obj = {
  s: 'x',
  n: -2.5,
  c: 3,
  z: 0,
  inf: Number.POSITIVE_INFINITY,
  o: { a: 1 },
  arr: [1],
  t: true,
  nul: null,
};

describe('json field readers', () => {
  it.each([
    ['s', 'x', null, null, null, false],
    ['n', null, -2.5, null, null, false],
    ['c', null, 3, 3, null, false],
    ['z', null, 0, 0, null, false],
    ['inf', null, null, null, null, false],
    ['o', null, null, null, { a: 1 }, false],
    ['arr', null, null, null, null, false],
    ['t', null, null, null, null, true],
    ['nul', null, null, null, null, false],
    ['missing', null, null, null, null, false],
  ])('%s', (key, string, number, count, object, flag) => {
    expect([
      readString(obj, key),
      readNumber(obj, key),
      readCount(obj, key),
      readObject(obj, key),
      readFlag(obj, key),
    ]).toEqual([string, number, count, object, flag]);
  });

  it.each([
    [{}, true],
    [[], false],
    [null, false],
    ['{}', false],
  ])('isJsonObject(%j) = %s', (value, expected) => {
    expect(isJsonObject(value)).toBe(expected);
  });
});
