import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { distinguishingPrefixes, distinguishingTails, shortModel, shortModels } from './short-names.js';

const PREFIX = '/home/developer/src/github.com/acme-platform';
const EIGHT = [
  'billing',
  'checkout',
  'identity',
  'inventory',
  'ledger',
  'payments',
  'search',
  'shipping',
].map((t) => `${PREFIX}/${t}-repository/component`);

describe('distinguishingTails', () => {
  it('tells eight projects with one long prefix and the same last segment apart', () => {
    const tails = distinguishingTails(EIGHT);
    expect([...tails.values()]).toEqual(EIGHT.map((p) => p.slice(PREFIX.length + 1)));
    expect(new Set(tails.values()).size).toBe(8);
  });

  it.each([
    [
      ['/home/me/src/acme/api', '/home/me/src/acme/web'],
      ['api', 'web'],
    ],
    [
      ['/home/me/src/acme/api', '/home/me/old/api'],
      ['acme/api', 'old/api'],
    ],
    [
      ['/a/b', '/x/a/b'],
      ['/a/b', 'x/a/b'],
    ],
    [['/work/only-one'], ['only-one']],
    [
      ['C:\\Users\\me\\src\\api', 'C:\\Users\\me\\old\\api'],
      ['src\\api', 'old\\api'],
    ],
    [
      ['/srv/app/', '/srv/web'],
      ['app', 'web'],
    ],
    [['/'], ['/']],
  ])('%j → %j', (paths, expected) => {
    const tails = distinguishingTails(paths);
    expect(paths.map((p) => tails.get(p))).toEqual(expected);
  });

  const segment = fc.stringMatching(/^[a-c]{1,2}$/);
  const path = fc.array(segment, { minLength: 1, maxLength: 5 }).map((s) => `/${s.join('/')}`);

  it('gives distinct paths distinct tails, each a whole-segment tail of its path', () => {
    fc.assert(
      fc.property(fc.uniqueArray(path, { maxLength: 12 }), (paths) => {
        const tails = distinguishingTails(paths);
        expect(new Set(paths.map((p) => tails.get(p))).size).toBe(paths.length);
        for (const p of paths) {
          const t = tails.get(p) ?? '';
          expect(t === p || p.endsWith(`/${t}`)).toBe(true);
        }
      }),
    );
  });
});

describe('distinguishingPrefixes', () => {
  it('shows random-looking ids by their first 8 characters', () => {
    const ids = ['4f1c2a9e-77b0-4c1e-9d1f-0a6b2c3d4e5f', '9b589ef1-0000-4000-8000-000000000001'];
    const p = distinguishingPrefixes(ids, 8);
    expect(ids.map((id) => p.get(id))).toEqual(['4f1c2a9e…', '9b589ef1…']);
  });

  it('takes as many characters as it needs, and keeps an id that is a prefix of another whole', () => {
    const p = distinguishingPrefixes(['abcdefgh-1', 'abcdefgh-2', 'abc', 'abcdef'], 2);
    expect([...p.entries()].sort()).toEqual([
      ['abc', 'abc'],
      ['abcdef', 'abcdef'],
      ['abcdefgh-1', 'abcdefgh-1'],
      ['abcdefgh-2', 'abcdefgh-2'],
    ]);
  });

  it('gives distinct ids distinct prefixes', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.stringMatching(/^[ab]{1,6}$/), { maxLength: 20 }),
        fc.nat(4),
        (ids, min) => {
          const p = distinguishingPrefixes(ids, min);
          const shown = ids.map((id) => p.get(id) ?? '');
          expect(new Set(shown).size).toBe(ids.length);
          for (const [i, id] of ids.entries())
            expect(id.startsWith((shown[i] ?? '').replace(/…$/, ''))).toBe(true);
        },
      ),
    );
  });
});

describe('shortModel', () => {
  it.each([
    ['claude-opus-4-5-20251101', 'opus-4-5'],
    ['claude-sonnet-4-5-20250929', 'sonnet-4-5'],
    ['claude-3-5-haiku-20241022', '3-5-haiku'],
    ['claude-opus-4-8[1m]', 'opus-4-8[1m]'],
    ['claude-sonnet-4-5-20250929[1m]', 'sonnet-4-5[1m]'],
    ['gpt-5', 'gpt-5'],
  ])('%s → %s', (model, short) => {
    expect(shortModel(model)).toBe(short);
  });

  it('keeps the date of names whose short forms would be the same, and whole what would still be alike', () => {
    const m = shortModels([
      'claude-opus-4-5-20251101',
      'claude-opus-4-5-20260101',
      'claude-haiku-4-5-20251001',
      'claude-sonnet-4-5',
      'claude-sonnet-4-5-20250929',
      'sonnet-4-5-20250929',
    ]);
    expect([...m.values()]).toEqual([
      'opus-4-5-20251101',
      'opus-4-5-20260101',
      'haiku-4-5',
      'sonnet-4-5',
      'claude-sonnet-4-5-20250929',
      'sonnet-4-5-20250929',
    ]);
  });
});
