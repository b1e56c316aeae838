/**
 * Small persistent values (the `meta` table).
 * @module
 */
import type { Statements } from './statements.js';

export function metaValue(s: Statements, key: string): string | null {
  const row = s.get('SELECT value FROM meta WHERE key = ?').get(key) as { value: string } | undefined;
  return row?.value ?? null;
}

export function setMetaValue(s: Statements, key: string, value: string): void {
  s.write(() =>
    s
      .get(
        'INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
      )
      .run(key, value),
  );
}

/** Compare-and-set: one statement, so atomic (see `TaskRepository.claimMetaValue`). */
export function claimMetaValue(
  s: Statements,
  key: string,
  expected: string | null,
  next: string | null,
): boolean {
  if (expected === null && next === null) return metaValue(s, key) === null;
  const run = () => {
    if (expected === null)
      return s.get('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO NOTHING').run(key, next);
    if (next === null) return s.get('DELETE FROM meta WHERE key = ? AND value = ?').run(key, expected);
    return s.get('UPDATE meta SET value = ? WHERE key = ? AND value = ?').run(next, key, expected);
  };
  return s.write(run).changes === 1;
}
