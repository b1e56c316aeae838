/**
 * A fast 64-bit, non-cryptographic fingerprint of bytes or text (two independent 32-bit multiply-xor
 * lanes, as in cyrb53), for noticing that a file's head or tail changed and for naming a set of price
 * overrides. It needs no `node:crypto`, whose loading alone costs a hook several milliseconds.
 * @module
 */

export class Fingerprint {
  #h1 = 0xdeadbeef;
  #h2 = 0x41c6ce57;
  #length = 0;

  update(data: Uint8Array | string): this {
    let h1 = this.#h1;
    let h2 = this.#h2;
    if (typeof data === 'string') {
      for (let i = 0; i < data.length; i++) {
        const c = data.charCodeAt(i);
        h1 = Math.imul(h1 ^ c, 2654435761);
        h2 = Math.imul(h2 ^ c, 1597334677);
      }
    } else {
      for (let i = 0; i < data.length; i++) {
        const c = data[i] ?? 0;
        h1 = Math.imul(h1 ^ c, 2654435761);
        h2 = Math.imul(h2 ^ c, 1597334677);
      }
    }
    this.#h1 = h1;
    this.#h2 = h2;
    this.#length += data.length;
    return this;
  }

  /** 16 hex digits (the length is mixed in, so a prefix never matches its whole). */
  digest(): string {
    let h1 = this.#h1 ^ this.#length;
    let h2 = this.#h2 ^ Math.floor(this.#length / 0x100000000);
    h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
    h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
    return (h1 >>> 0).toString(16).padStart(8, '0') + (h2 >>> 0).toString(16).padStart(8, '0');
  }
}

export function fingerprint(data: Uint8Array | string): string {
  return new Fingerprint().update(data).digest();
}
