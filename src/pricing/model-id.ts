/**
 * Model-id normalisation: turns the many spellings of one Claude model (dated API ids, Bedrock and
 * Vertex ids, Claude Code's `[1m]` suffix, any case) into the canonical id the price table is keyed
 * by, e.g. `us.anthropic.claude-sonnet-4-5-20250929-v1:0` → `claude-sonnet-4-5`.
 *
 * Resolution is exact: the normalised id must be a canonical id of the table or one of its explicit
 * aliases. There is deliberately no prefix matching, so `claude-sonnet-5-5` can never be priced as
 * `claude-sonnet-5`.
 * @module
 */

/** The ids a price table knows: canonical ids, and aliases mapping to a canonical id. */
export interface ModelIndex {
  readonly ids: ReadonlySet<string>;
  readonly aliases: ReadonlyMap<string, string>;
}

/** `arn:aws:bedrock:<region>:<account>:inference-profile/<id>` and similar: the id is after the last `/`. */
const ARN = /^arn:[^/]*\//;
/** Claude Code marks the 1M-context variant with `[1m]`. */
const ONE_M_SUFFIX = /\[1m\]$/;
/** Bedrock: `anthropic.`, or a cross-region profile `us.` / `eu.` / `apac.` / `global.` / `us-gov.` … before it. */
const BEDROCK_PREFIX = /^(?:[a-z]{2,8}(?:-[a-z]+)?\.)?anthropic\./;
/** Bedrock version suffix: `-v1:0`, `-v2:0`, `-v1:0:200k`. */
const BEDROCK_VERSION = /-v\d+(?::[0-9a-z]+)+$/;
/** Bedrock version suffix without the `:n` part, only recognised after a Bedrock prefix. */
const BEDROCK_BARE_VERSION = /-v\d+$/;
/** Vertex: `claude-sonnet-4-5@20250929`. */
const VERTEX_DATE = /@\d{8}$/;
/** Anthropic API snapshot date: `claude-sonnet-4-5-20250929`. */
const API_DATE = /-\d{8}$/;

/**
 * Normalises a raw model id without consulting any table: lower case, no surrounding blanks, no
 * `[1m]` suffix, no Bedrock prefix or version suffix, no Vertex `@date`, no trailing `-YYYYMMDD`.
 * An id that is not a Claude id comes back lower-cased and otherwise unchanged.
 */
export function normalizeModelId(raw: string): string {
  let id = raw.trim().toLowerCase();
  id = id.replace(ARN, '');
  id = id.replace(ONE_M_SUFFIX, '');
  if (BEDROCK_PREFIX.test(id)) {
    id = id.replace(BEDROCK_PREFIX, '').replace(BEDROCK_VERSION, '').replace(BEDROCK_BARE_VERSION, '');
  } else {
    id = id.replace(BEDROCK_VERSION, '');
  }
  id = id.replace(VERTEX_DATE, '');
  id = id.replace(API_DATE, '');
  return id;
}

/**
 * The canonical id `raw` resolves to in `index`: the normalised id when it is a canonical id, else
 * the canonical id of the explicit alias it equals, else null (unpriced). Never a prefix match.
 */
export function canonicalModelId(raw: string, index: ModelIndex): string | null {
  const id = normalizeModelId(raw);
  if (id.length === 0) return null;
  if (index.ids.has(id)) return id;
  return index.aliases.get(id) ?? null;
}
