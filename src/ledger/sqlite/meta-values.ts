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
