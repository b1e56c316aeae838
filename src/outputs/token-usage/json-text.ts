/**
 * A tiny JSON writer whose objects keep the key order they are built with. `JSON.stringify` moves
 * integer-like keys (an agent named `"7"`) to the front of an object; the task file's keys must stay
 * in a fixed order, so its objects are written from ordered pairs instead.
 * @module
 */

/** A JSON value; objects are ordered `[key, value]` pairs. */
export type OrderedJson = string | number | boolean | null | readonly OrderedJson[] | OrderedObject;

/** A JSON object as ordered pairs. */
export interface OrderedObject {
  readonly pairs: readonly (readonly [string, OrderedJson])[];
}

/** An {@link OrderedObject} from its pairs. */
export function obj(pairs: readonly (readonly [string, OrderedJson])[]): OrderedObject {
  return { pairs };
}

function isOrderedObject(value: OrderedJson): value is OrderedObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * `value` as JSON with a 2-space indent and no trailing newline, the same layout as
 * `JSON.stringify(value, null, 2)`. Throws on a non-finite number (JSON has none).
 */
export function orderedJson(value: OrderedJson, indent = ''): string {
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new Error(`JSON cannot hold ${String(value)}`);
    return JSON.stringify(value);
  }
  if (typeof value !== 'object' || value === null) return JSON.stringify(value);
  const inner = `${indent}  `;
  if (isOrderedObject(value)) {
    if (value.pairs.length === 0) return '{}';
    const lines = value.pairs.map(([k, v]) => `${inner}${JSON.stringify(k)}: ${orderedJson(v, inner)}`);
    return `{\n${lines.join(',\n')}\n${indent}}`;
  }
  const list: readonly OrderedJson[] = value;
  if (list.length === 0) return '[]';
  return `[\n${list.map((v) => `${inner}${orderedJson(v, inner)}`).join(',\n')}\n${indent}]`;
}
