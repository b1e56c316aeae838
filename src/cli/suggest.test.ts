import { describe, expect, it } from 'vitest';
import { didYouMean, editDistance, suggestions } from './suggest.js';

const COMMANDS = [
  'daily',
  'weekly',
  'monthly',
  'session',
  'report',
  'blocks',
  'import',
  'import-jsonl',
  'status',
  'statusline',
];

describe('did you mean', () => {
  it('counts a swap of neighbours as one edit', () => {
    expect(editDistance('dialy', 'daily')).toBe(1);
    expect(editDistance('', 'abc')).toBe(3);
    expect(editDistance('blocks', 'blocks')).toBe(0);
    expect(editDistance('kitten', 'sitting')).toBe(3);
  });

  it('suggests the closest commands, and prefixes', () => {
    expect(suggestions('dialy', COMMANDS)).toEqual(['daily']);
    expect(suggestions('blcoks', COMMANDS)).toEqual(['blocks']);
    expect(suggestions('Monthy', COMMANDS)).toEqual(['monthly']);
    expect(suggestions('imp', COMMANDS)).toEqual(['import', 'import-jsonl']);
    expect(suggestions('xyz', COMMANDS)).toEqual([]);
  });

  it('phrases the hint, or gives nothing', () => {
    expect(didYouMean('sesion', COMMANDS)).toBe(' Did you mean "session"?');
    expect(didYouMean('stat', COMMANDS)).toBe(' Did you mean "status" or "statusline"?');
    expect(didYouMean('frobnicate', COMMANDS)).toBe('');
  });
});
