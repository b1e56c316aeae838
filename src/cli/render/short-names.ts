/**
 * Shorter forms of the names in report tables, for when the terminal is narrow: a project path by the
 * tail that tells it apart from the other projects in the table, a session id by its distinguishing
 * prefix, a model without its `claude-` prefix and date. Full names stay in JSON, CSV and Markdown.
 * @module
 */

const SEPARATOR = /[\\/]/;

/** Positions of the path separators in `path`, without trailing separators. */
function trimmed(path: string): { text: string; seps: number[] } {
  let text = path;
  while (text.length > 1 && SEPARATOR.test(text.at(-1) ?? '')) text = text.slice(0, -1);
  const seps: number[] = [];
  for (let i = 0; i < text.length; i++) if (SEPARATOR.test(text[i] ?? '')) seps.push(i);
  return { text, seps };
}

/** The last `k` segments of a path (the whole path when it has no more). */
function tail(p: { text: string; seps: number[] }, k: number): string {
  const t = k <= p.seps.length ? p.text.slice((p.seps[p.seps.length - k] ?? -1) + 1) : p.text;
  return t === '' ? p.text : t;
}

/**
 * For each path, the shortest tail of whole path segments that no other path in the list ends with
 * the same way: eight projects under one long prefix show as `billing/component`,
 * `checkout/component`… instead of the same cut-off string. Paths are split at `/` and `\`.
 * @example
 * distinguishingTails(['/home/me/src/acme/api', '/home/me/src/acme/web', '/home/me/old/api'])
 * // Map { '/home/me/src/acme/api' => 'acme/api', '/home/me/src/acme/web' => 'web', '/home/me/old/api' => 'old/api' }
 */
export function distinguishingTails(paths: Iterable<string>): Map<string, string> {
  const unique = [...new Set(paths)].map((path) => ({ path, parts: trimmed(path) }));
  const out = new Map<string, string>();
  const depth = Math.max(0, ...unique.map((u) => u.parts.seps.length + 1));
  for (let k = 1; k <= depth && out.size < unique.length; k++) {
    const counts = new Map<string, number>();
    for (const u of unique) {
      const t = tail(u.parts, k);
      counts.set(t, (counts.get(t) ?? 0) + 1);
    }
    for (const u of unique) {
      const t = tail(u.parts, k);
      if (!out.has(u.path) && counts.get(t) === 1) out.set(u.path, t);
    }
  }
  for (const u of unique) if (!out.has(u.path)) out.set(u.path, u.parts.text);
  return out;
}

function commonPrefix(a: string, b: string): number {
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  return i;
}

/**
 * For each id, its shortest prefix of at least `min` characters that no other id in the list starts
 * with, followed by `…` when it is shorter than the id (ids that are prefixes of others stay whole).
 * @example distinguishingPrefixes(['4f1c2a9e-77b0-4c1e-9d1f-0a6b2c3d4e5f'], 8) // Map { … => '4f1c2a9e…' }
 */
export function distinguishingPrefixes(ids: Iterable<string>, min: number): Map<string, string> {
  const sorted = [...new Set(ids)].sort();
  const out = new Map<string, string>();
  for (const [i, id] of sorted.entries()) {
    const before = i > 0 ? commonPrefix(id, sorted[i - 1] ?? '') : 0;
    const after = i + 1 < sorted.length ? commonPrefix(id, sorted[i + 1] ?? '') : 0;
    const length = Math.max(min, before + 1, after + 1);
    out.set(id, length >= id.length ? id : `${id.slice(0, length)}…`);
  }
  return out;
}

/**
 * `claude-sonnet-4-5-20250929` → `sonnet-4-5`: enough to tell models apart in a table cell. A suffix
 * in brackets (`[1m]`) is kept.
 */
export function shortModel(model: string): string {
  return model.replace(/^claude-/, '').replace(/-\d{8}(?=(\[[^\]]*\])?$)/, '');
}

/**
 * {@link shortModel} for each name. Names whose short form another name shares (e.g. an alias and its
 * dated id, `claude-sonnet-4-5` and `claude-sonnet-4-5-20250929`) keep their date and lose only
 * `claude-`; names that would still be alike stay whole.
 */
export function shortModels(models: Iterable<string>): Map<string, string> {
  const unique = [...new Set(models)];
  const withoutPrefix = (m: string) => m.replace(/^claude-/, '');
  const tally = (f: (m: string) => string) => {
    const counts = new Map<string, number>();
    for (const m of unique) counts.set(f(m), (counts.get(f(m)) ?? 0) + 1);
    return (m: string) => counts.get(f(m)) === 1;
  };
  const shortIsUnique = tally(shortModel);
  const prefixlessIsUnique = tally(withoutPrefix);
  return new Map(
    unique.map((m) => [m, shortIsUnique(m) ? shortModel(m) : prefixlessIsUnique(m) ? withoutPrefix(m) : m]),
  );
}
