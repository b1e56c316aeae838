import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Fingerprint, fingerprint } from './fingerprint.js';

describe('fingerprint', () => {
  it('is 16 hex digits, stable, and the same for text and its ASCII bytes', () => {
    expect(fingerprint('hello')).toMatch(/^[0-9a-f]{16}$/);
    expect(fingerprint('hello')).toBe(fingerprint(Buffer.from('hello')));
    expect(fingerprint('')).not.toBe(fingerprint('\u0000'));
  });

  it('updating in pieces equals hashing the whole', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), fc.nat(300), (bytes, cut) => {
        const at = Math.min(cut, bytes.length);
        const pieces = new Fingerprint().update(bytes.subarray(0, at)).update(bytes.subarray(at)).digest();
        expect(pieces).toBe(fingerprint(bytes));
      }),
    );
  });

  it('changes when one byte changes, and when bytes are only appended', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 1, maxLength: 4096 }),
        fc.nat(),
        fc.integer({ min: 1, max: 255 }),
        (bytes, i, d) => {
          const changed = Uint8Array.from(bytes);
          const at = i % bytes.length;
          changed[at] = ((changed[at] ?? 0) + d) % 256;
          expect(fingerprint(changed)).not.toBe(fingerprint(bytes));
          expect(fingerprint(Uint8Array.from([...bytes, 0]))).not.toBe(fingerprint(bytes));
        },
      ),
      { numRuns: 2000 },
    );
  });
});
