/**
 * Arrays sent in binary (binary-array.ts) reach the server as the same values the text literal sent:
 * nulls, negative and large integers, floats, quotes, backslashes and non-ASCII text.
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BinaryElement, binaryArray } from '../../../src/ledger/postgres/binary-array.js';
import { ADMIN_URL, postgresAvailable } from '../../helpers/postgres.js';

const available = await postgresAvailable();
let client: pg.Client;

beforeAll(async () => {
  if (!available) return;
  client = new pg.Client({ connectionString: ADMIN_URL });
  await client.connect();
});
afterAll(async () => {
  if (available) await client.end();
});

/** The values as the server reads them, each as text (NULL as null). */
async function roundTrip(type: BinaryElement, param: unknown): Promise<(string | null)[]> {
  const sql = `SELECT v::text AS v FROM unnest($1::${type}[]) WITH ORDINALITY AS t(v, i) ORDER BY i`;
  const { rows } = await client.query<{ v: string | null }>(sql, [param]);
  return rows.map((r) => r.v);
}

/** The text literal of the values, as the connection sends plain arrays. */
function literal(values: readonly unknown[]): string {
  const parts = values.map((v) =>
    v === null ? 'NULL' : typeof v === 'number' ? String(v) : `"${String(v).replace(/[\\"]/g, '\\$&')}"`,
  );
  return `{${parts.join(',')}}`;
}

const CASES: [BinaryElement, unknown[]][] = [
  ['text', ['a', null, 'say "hi"', 'back\\slash', 'ünïcödé ✓ 𝄞', '', 'NULL', '{,}']],
  [
    'bigint',
    [
      0,
      1,
      -1,
      null,
      2 ** 32,
      -(2 ** 32) - 5,
      Number.MAX_SAFE_INTEGER,
      Number.MIN_SAFE_INTEGER,
      1790000000000,
    ],
  ],
  ['int', [0, -1, null, 2 ** 31 - 1, -(2 ** 31), 1]],
  ['float8', [0, 1.5, -2.25, null, 0.1 + 0.2, 1e-300, 123456.789]],
  ['text', []],
];

describe.skipIf(!available)('binary arrays', () => {
  it.each(CASES)('%s arrays read back as their text literal does', async (type, values) => {
    const buffer = binaryArray(type, values);
    expect(buffer).not.toBeNull();
    expect(await roundTrip(type, buffer)).toEqual(await roundTrip(type, literal(values)));
  });

  it('gives up on values with no binary form, so the text path reports them', () => {
    expect(binaryArray('bigint', [1, 1.5])).toBeNull();
    expect(binaryArray('int', [2 ** 31])).toBeNull();
    expect(binaryArray('text', ['a', 3])).toBeNull();
    expect(binaryArray('bigint', [2 ** 60])).toBeNull();
  });
});
