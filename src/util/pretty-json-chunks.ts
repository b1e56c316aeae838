/**
 * `JSON.stringify(value, null, 2)` in pieces, for values whose JSON is longer than a string can be
 * (about 512 MiB in V8: a report of a million rows). The pieces join to exactly the bytes
 * `JSON.stringify(value, null, 2)` gives, for the values a report holds (plain objects, arrays,
 * strings, numbers, booleans, null, `toJSON`).
 * @module
 */

function hasToJson(value: unknown): value is { toJSON: (key: string) => unknown } {
  return (
    typeof value === 'object' && value !== null && 'toJSON' in value && typeof value.toJSON === 'function'
  );
}

/**
 * A replacer that writes `value` itself where JSON.stringify would call its `toJSON` again (it was
 * called already): the first call is for the root, whose value is passed through as given.
 */
function onlyInner(value: unknown): (key: string, v: unknown) => unknown {
  let first = true;
  return (_key, v) => {
    if (!first) return v;
    first = false;
    return value;
  };
}

/** A value as JSON.stringify sees it at `key`: after its `toJSON`, if it has one. */
function jsonValue(value: unknown, key: string): unknown {
  if (
    typeof value === 'object' &&
    value !== null &&
    'toJSON' in value &&
    typeof value.toJSON === 'function'
  ) {
    return value.toJSON(key);
  }
  return value;
}

/** Whether JSON.stringify writes something for this value (undefined, functions and symbols: nothing). */
function writable(value: unknown): boolean {
  return value !== undefined && typeof value !== 'function' && typeof value !== 'symbol';
}

/**
 * The value's pretty JSON at `depth`, its lines after the first indented to that depth. Its own
 * `toJSON` was applied already; JSON.stringify applies those of the values inside it.
 */
function whole(value: unknown, depth: number): string {
  const text =
    (hasToJson(value) ? JSON.stringify(value, onlyInner(value), 2) : JSON.stringify(value, null, 2)) ??
    'null';
  // JSON strings hold no raw newline, so every newline starts a line of the structure.
  return depth === 0 ? text : text.replaceAll('\n', `\n${'  '.repeat(depth)}`);
}

/**
 * The pieces of `JSON.stringify(value, null, 2)`: arrays and objects less than `splitDepth` deep are
 * written element by element, each deeper one in one piece.
 */
export function prettyJsonChunks(value: unknown, splitDepth = 3): Generator<string> {
  return chunks(jsonValue(value, ''), splitDepth, 0);
}

/** The pieces of a value whose `toJSON` has been applied. */
function* chunks(v: unknown, splitDepth: number, depth: number): Generator<string> {
  if (depth >= splitDepth || typeof v !== 'object' || v === null) {
    yield whole(v, depth);
    return;
  }
  const pad = '  '.repeat(depth + 1);
  if (Array.isArray(v)) {
    if (v.length === 0) {
      yield '[]';
      return;
    }
    yield '[\n';
    for (let i = 0; i < v.length; i++) {
      yield pad;
      const item = jsonValue(v[i], String(i));
      if (writable(item)) yield* chunks(item, splitDepth, depth + 1);
      else yield 'null';
      yield i < v.length - 1 ? ',\n' : '\n';
    }
    yield `${'  '.repeat(depth)}]`;
    return;
  }
  const entries = Object.keys(v)
    .map((k): [string, unknown] => [k, jsonValue((v as Record<string, unknown>)[k], k)])
    .filter(([, item]) => writable(item));
  if (entries.length === 0) {
    yield '{}';
    return;
  }
  yield '{\n';
  for (const [i, [k, item]] of entries.entries()) {
    yield `${pad}${JSON.stringify(k)}: `;
    yield* chunks(item, splitDepth, depth + 1);
    yield i < entries.length - 1 ? ',\n' : '\n';
  }
  yield `${'  '.repeat(depth)}}`;
}
