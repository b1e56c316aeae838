/**
 * PostgreSQL migration 2: `tl_json_patch`, SQLite's `json_patch` for the flat label objects the
 * attribute step merges (attribution.ts), giving the same text: the target's keys in their order with
 * the patch's values, then the patch's new keys in theirs, compact, a null value removing its key; and
 * `tl_merge_labels`, the attribute step's merge of three levels with it (patching only when needed).
 * Labels stay TEXT as on SQLite, so both backends store, compare and export the same labels.
 * @module
 */
import type { PgMigration } from './pg-migration.js';

export const MIGRATION_LABELS: PgMigration = {
  version: 2,
  name: 'tl_json_patch and tl_merge_labels: SQLite json_patch of label objects',
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

-- The attribute step's labels: project, then session, then agent labels (each null when none) patched
-- into '{}' in that order, as SQLite's nested json_patch calls; null when empty. Labels of one level
-- alone are already in the patched form (compact, stored by tokenledger): only a merge needs the patch.
CREATE FUNCTION tl_merge_labels(project text, session text, agent text) RETURNS text
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $fn$
DECLARE
  present text[] := array_remove(ARRAY[project, session, agent], NULL);
  merged text := '{}';
  part text;
BEGIN
  IF cardinality(present) = 0 THEN
    RETURN NULL;
  END IF;
  IF cardinality(present) = 1 AND strpos(present[1], 'null') = 0 AND strpos(present[1], ' ') = 0 THEN
    RETURN nullif(present[1], '{}');
  END IF;
  FOREACH part IN ARRAY present LOOP
    merged := tl_json_patch(merged, part);
  END LOOP;
  RETURN nullif(merged, '{}');
END
$fn$;
`,
};
