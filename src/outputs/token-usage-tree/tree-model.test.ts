import { describe, expect, it } from 'vitest';
import { inProjectDir, isoTimestamp, utcDate } from './tree-model.js';

describe('inProjectDir', () => {
  it('takes the directory itself and what is inside it, with either separator', () => {
    expect(inProjectDir('/home/ana/shop', '/home/ana/shop')).toBe(true);
    expect(inProjectDir('/home/ana/shop/api', '/home/ana/shop')).toBe(true);
    expect(inProjectDir('/home/ana/shop/api', '/home/ana/shop/')).toBe(true);
    expect(inProjectDir('C:\\work\\shop\\api', 'C:\\work\\shop')).toBe(true);
  });

  it('leaves out siblings that only share a prefix, other projects and usage of no project', () => {
    expect(inProjectDir('/home/ana/shop-old', '/home/ana/shop')).toBe(false);
    expect(inProjectDir('/home/ana', '/home/ana/shop')).toBe(false);
    expect(inProjectDir(null, '/home/ana/shop')).toBe(false);
  });

  it('the root directory holds every absolute path', () => {
    expect(inProjectDir('/srv/app', '/')).toBe(true);
  });
});

describe('dates and times of the tree', () => {
  it('are UTC, without a needless .000', () => {
    expect(utcDate(Date.parse('2026-11-20T23:59:59.999-08:00'))).toBe('2026-11-21');
    expect(isoTimestamp(Date.parse('2026-11-20T11:00:02Z'))).toBe('2026-11-20T11:00:02Z');
    expect(isoTimestamp(Date.parse('2026-11-20T11:00:02.1Z'))).toBe('2026-11-20T11:00:02.100Z');
  });
});
