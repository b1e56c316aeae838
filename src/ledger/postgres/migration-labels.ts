/**
 * PostgreSQL migration 2: `tl_json_patch`, SQLite's `json_patch` for the flat label objects the
 * attribute step merges (attribution.ts), giving the same text: the target's keys in their order with
 * the patch's values, then the patch's new keys in theirs, compact, a null value removing its key.
 * Labels stay TEXT as on SQLite, so both backends store, compare and export the same labels.
 * @module
 */
import type { PgMigration } from './migrations.js';

export const MIGRATION_LABELS: PgMigration = {
  version: 2,
  name: 'tl_json_patch: SQLite json_patch of label objects',
  sql: `
CREATE FUNCTION tl_json_patch(target text, patch text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $fn$
  SELECT coalesce('{' || string_agg(to_json(m.k)::text || ':' || m.v, ',' ORDER BY m.side, m.ord) || '}', '{}')
  FROM (
    SELECT coalesce(t.key, p.key) AS k,
      CASE WHEN p.key IS NULL THEN t.value::text ELSE p.value::text END AS v,
      CASE WHEN t.key IS NULL THEN 1 ELSE 0 END AS side,
      coalesce(t.ord, p.ord) AS ord
    FROM json_each(target::json) WITH ORDINALITY AS t (key, value, ord)
    FULL JOIN json_each(patch::json) WITH ORDINALITY AS p (key, value, ord) ON p.key = t.key
  ) m
  WHERE m.v <> 'null'
$fn$;
`,
};
