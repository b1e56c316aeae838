/**
 * {@link Utf8ChunkDecoder}: a streaming UTF-8 decoder for chunks split anywhere, even inside a
 * multi-byte character. It holds back an incomplete character at the end of a chunk until the next
 * one, and decodes ASCII-only spans as Latin-1 (several times faster than a UTF-8 decode, and the
 * same result for ASCII); other spans go through `TextDecoder`. Invalid bytes become U+FFFD exactly
 * as when the whole input is decoded at once.
 * @module
 */
import { Buffer, isAscii } from 'node:buffer';
import { TextDecoder } from 'node:util';

/** Length of the UTF-8 sequence that `lead` starts (1 for ASCII and for bytes that cannot lead). */
function sequenceLength(lead: number): number {
  if (lead >= 0xf0 && lead <= 0xf4) return 4;
  if (lead >= 0xe0 && lead <= 0xef) return 3;
  if (lead >= 0xc2 && lead <= 0xdf) return 2;
  return 1;
}

const isContinuation = (byte: number): boolean => (byte & 0xc0) === 0x80;

/**
 * Where the trailing incomplete character of `bytes` starts, or `bytes.length` when it ends with a
 * complete one. Only the last three bytes can belong to an incomplete character.
 */
export function completePrefixLength(bytes: Uint8Array): number {
  const end = bytes.length;
  let i = end - 1;
  while (i >= 0 && i > end - 4 && isContinuation(bytes[i] ?? 0)) i--;
  if (i < 0) return end;
  return i + sequenceLength(bytes[i] ?? 0) > end ? i : end;
}

/** Streaming UTF-8 → string decoder. */
export class Utf8ChunkDecoder {
  /** `ignoreBOM`: a BOM is the caller's business (each `decode` call would strip one otherwise). */
  private readonly utf8 = new TextDecoder('utf-8', { ignoreBOM: true });
  /** The start of a character cut off at the end of the previous chunk. */
  private carry: Uint8Array | null = null;

  /** Decodes the next chunk; an incomplete character at its end is kept for the next call. */
  write(chunk: Uint8Array): string {
    let head = '';
    let start = 0;
    if (this.carry !== null) {
      const carry = this.carry;
      const need = sequenceLength(carry[0] ?? 0) - carry.length;
      let k = 0;
      while (k < need && k < chunk.length && isContinuation(chunk[k] ?? 0)) k++;
      const piece = new Uint8Array(carry.length + k);
      piece.set(carry);
      piece.set(chunk.subarray(0, k), carry.length);
      if (k === chunk.length && k < need) {
        // The chunk ended inside the same character again.
        this.carry = piece;
        return '';
      }
      this.carry = null;
      head = this.decode(piece);
      start = k;
    }
    const rest = chunk.subarray(start);
    const cut = completePrefixLength(rest);
    if (cut < rest.length) this.carry = rest.slice(cut);
    return head + this.decode(rest.subarray(0, cut));
  }

  /** Decodes what is held back (an incomplete character becomes U+FFFD). */
  end(): string {
    const carry = this.carry;
    this.carry = null;
    return carry === null ? '' : this.decode(carry);
  }

  private decode(bytes: Uint8Array): string {
    if (bytes.length === 0) return '';
    if (isAscii(bytes))
      return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
    return this.utf8.decode(bytes);
  }
}
