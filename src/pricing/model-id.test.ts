/**
 * Tests for model-id normalisation and exact resolution against the shipped table.
 * @module
 */
import { describe, expect, it } from 'vitest';
import { canonicalModelId, type ModelIndex, normalizeModelId } from './model-id.js';
import { loadPriceTable } from './price-table.js';

const table = loadPriceTable();

describe('normalizeModelId', () => {
  it.each([
    ['claude-sonnet-4-5', 'claude-sonnet-4-5'],
    ['claude-sonnet-4-5-20250929', 'claude-sonnet-4-5'],
    ['CLAUDE-Sonnet-4-5-20250929', 'claude-sonnet-4-5'],
    ['  claude-opus-4-6  ', 'claude-opus-4-6'],
    ['claude-opus-4-8[1m]', 'claude-opus-4-8'],
    ['claude-opus-4-8[1M]', 'claude-opus-4-8'],
    ['claude-sonnet-4-5-20250929[1m]', 'claude-sonnet-4-5'],
    ['claude-sonnet-4-5@20250929', 'claude-sonnet-4-5'],
    ['claude-3-5-sonnet-v2@20241022', 'claude-3-5-sonnet-v2'],
    ['us.anthropic.claude-sonnet-4-5-20250929-v1:0', 'claude-sonnet-4-5'],
    ['eu.anthropic.claude-haiku-4-5-20251001-v1:0', 'claude-haiku-4-5'],
    ['apac.anthropic.claude-sonnet-4-20250514-v1:0', 'claude-sonnet-4'],
    ['global.anthropic.claude-opus-4-5-20251101-v1:0', 'claude-opus-4-5'],
    ['anthropic.claude-3-haiku-20240307-v1:0', 'claude-3-haiku'],
    ['anthropic.claude-3-5-sonnet-20241022-v2:0', 'claude-3-5-sonnet'],
    ['anthropic.claude-3-haiku-20240307-v1:0:200k', 'claude-3-haiku'],
    [
      'arn:aws:bedrock:us-east-1:123456789012:inference-profile/us.anthropic.claude-opus-4-1-20250805-v1:0',
      'claude-opus-4-1',
    ],
    ['my-gateway-model', 'my-gateway-model'],
    ['My-Model-v2', 'my-model-v2'],
  ])('%s → %s', (raw, expected) => {
    expect(normalizeModelId(raw)).toBe(expected);
  });
});

describe('canonicalModelId against the shipped table', () => {
  it.each([
    ['claude-sonnet-4-5-20250929', 'claude-sonnet-4-5'],
    ['us.anthropic.claude-sonnet-4-5-20250929-v1:0', 'claude-sonnet-4-5'],
    ['claude-sonnet-4-5@20250929', 'claude-sonnet-4-5'],
    ['anthropic.claude-3-haiku-20240307-v1:0', 'claude-3-haiku'],
    ['claude-3-5-haiku-20241022', 'claude-3-5-haiku'],
    ['claude-opus-4-20250514', 'claude-opus-4'],
    ['claude-opus-4-1-20250805', 'claude-opus-4-1'],
    ['claude-opus-4-5-20251101', 'claude-opus-4-5'],
    ['claude-haiku-4-5-20251001', 'claude-haiku-4-5'],
    ['claude-opus-4-8[1m]', 'claude-opus-4-8'],
    ['claude-opus-5-5', 'claude-opus-5-5'],
    ['claude-sonnet-5-5', 'claude-sonnet-5-5'],
    ['claude-sonnet-5', 'claude-sonnet-5'],
    ['claude-haiku-5-5', 'claude-haiku-5-5'],
    ['claude-mythos-5-2', 'claude-mythos-5-2'],
    ['claude-fable-5-1', 'claude-fable-5-1'],
    ['claude-3-5-sonnet-v2@20241022', 'claude-3-5-sonnet'],
    ['claude-3-7-sonnet-latest', 'claude-3-7-sonnet'],
    ['claude-sonnet-4-0', 'claude-sonnet-4'],
    ['claude-opus-4-0', 'claude-opus-4'],
  ])('%s → %s', (raw, expected) => {
    expect(canonicalModelId(raw, table)).toBe(expected);
  });

  it.each([
    'claude-sonnet-4-5-5',
    'claude-sonnet-5-1',
    'claude-sonnet',
    'claude-opus',
    'claude-sonnet-4-5-extra',
    'sonnet',
    'my-custom-model-x',
    '<synthetic>',
    '',
    '   ',
  ])('%j is unpriced (no prefix or fuzzy match)', (raw) => {
    expect(canonicalModelId(raw, table)).toBeNull();
  });
});

describe('canonicalModelId never prefix-matches', () => {
  const onlySonnet5: ModelIndex = { ids: new Set(['claude-sonnet-5']), aliases: new Map() };

  it.each([
    ['claude-sonnet-5', 'claude-sonnet-5'],
    ['claude-sonnet-5-5', null],
    ['claude-sonnet-5-5-20261001', null],
    ['claude-sonnet-50', null],
  ])('%s → %s when only claude-sonnet-5 is known', (raw, expected) => {
    expect(canonicalModelId(raw, onlySonnet5)).toBe(expected);
  });

  it('resolves an explicit alias, after normalisation', () => {
    const index: ModelIndex = {
      ids: new Set(['claude-x']),
      aliases: new Map([['claude-x-latest', 'claude-x']]),
    };
    expect(canonicalModelId('CLAUDE-X-LATEST[1m]', index)).toBe('claude-x');
  });
});
