/**
 * One-dimensional arrays as PostgreSQL's binary wire format (what `array_send` writes), for the bulk
 * writes' `unnest($1::text[], …)` parameters. The server reads this several times faster than the
 * text literal `{"a",NULL,3}` (no quoting or number parsing), which is most of a bulk upsert's cost
 * on the server side. A Buffer parameter goes to the server as binary (node-postgres).
 * @module
 */

/** An array's element type: the SQL type named in the statement's cast (`$1::bigint[]`). */
export type BinaryElement = 'text' | 'bigint' | 'int' | 'float8';

/** Element type OIDs (pg_type): the server checks them against the cast. */
const OID: Readonly<Record<BinaryElement, number>> = { text: 25, bigint: 20, int: 23, float8: 701 };
const WIDTH: Readonly<Record<Exclude<BinaryElement, 'text'>, number>> = { bigint: 8, int: 4, float8: 8 };
const INT32_MIN = -(2 ** 31);
const INT32_MAX = 2 ** 31 - 1;
const TWO_32 = 2 ** 32;

/** Whether `v` has a binary form as an element of type `type` (else the text literal is sent). */
function fits(type: BinaryElement, v: unknown): boolean {
  if (v === null || v === undefined) return true;
  if (type === 'text') return typeof v === 'string';
  if (typeof v !== 'number') return false;
  if (type === 'float8') return true;
  if (!Number.isSafeInteger(v)) return false;
  return type === 'bigint' || (v >= INT32_MIN && v <= INT32_MAX);
}

/**
 * The array in binary form, or null when a value has none (not a string for text, not a safe
 * integer for bigint/int): the caller then sends the values as they are, and the server reports
 * the bad value as it always did.
 */
export function binaryArray(type: BinaryElement, values: readonly unknown[]): Buffer | null {
  const n = values.length;
  let size = 20 + 4 * n;
  let hasNull = 0;
  const texts: (Buffer | null)[] | null = type === 'text' ? new Array<Buffer | null>(n).fill(null) : null;
  for (let i = 0; i < n; i++) {
    const v = values[i];
    if (!fits(type, v)) return null;
    if (v === null || v === undefined) {
      hasNull = 1;
      continue;
    }
    if (texts !== null) {
      const bytes = Buffer.from(v as string, 'utf8');
      texts[i] = bytes;
      size += bytes.length;
    } else size += WIDTH[type as Exclude<BinaryElement, 'text'>];
  }
  const buf = Buffer.allocUnsafe(size);
  // Header: dimensions, has-nulls flag, element type; then the one dimension's length and lower bound.
  buf.writeInt32BE(1, 0);
  buf.writeInt32BE(hasNull, 4);
  buf.writeInt32BE(OID[type], 8);
  buf.writeInt32BE(n, 12);
  buf.writeInt32BE(1, 16);
  let o = 20;
  for (let i = 0; i < n; i++) {
    const v = values[i];
    if (v === null || v === undefined) {
      buf.writeInt32BE(-1, o);
      o += 4;
    } else if (texts !== null) {
      const bytes = texts[i] as Buffer;
      buf.writeInt32BE(bytes.length, o);
      bytes.copy(buf, o + 4);
      o += 4 + bytes.length;
    } else if (type === 'int') {
      buf.writeInt32BE(4, o);
      buf.writeInt32BE(v as number, o + 4);
      o += 8;
    } else if (type === 'float8') {
      buf.writeInt32BE(8, o);
      buf.writeDoubleBE(v as number, o + 4);
      o += 12;
    } else {
      // A safe integer as two 32-bit halves (two's complement: the high half is floored).
      const hi = Math.floor((v as number) / TWO_32);
      buf.writeInt32BE(8, o);
      buf.writeInt32BE(hi, o + 4);
      buf.writeUInt32BE((v as number) - hi * TWO_32, o + 8);
      o += 12;
    }
  }
  return buf;
}
