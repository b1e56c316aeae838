/**
 * The JSON Claude Code gives a statusline command on stdin, checked and cut down to what the line
 * shows: the session, its transcript, the working directory, the model's name, and Claude Code's own
 * running cost for the session.
 * @module
 */
import * as v from 'valibot';

export interface StatusInput {
  sessionId: string;
  transcriptPath: string | null;
  cwd: string | null;
  model: string | null;
  /** `cost.total_cost_usd`: Claude Code's estimate for the session so far. */
  claudeCostUsd: number | null;
}

const text = v.optional(v.nullable(v.string()));

const StatusSchema = v.looseObject({
  session_id: v.pipe(v.string('expected a string'), v.minLength(1, 'expected a non-empty string')),
  transcript_path: text,
  cwd: text,
  model: v.optional(v.nullable(v.looseObject({ id: text, display_name: text }))),
  workspace: v.optional(v.nullable(v.looseObject({ current_dir: text, project_dir: text }))),
  cost: v.optional(v.nullable(v.looseObject({ total_cost_usd: v.optional(v.nullable(v.number())) }))),
});

function nonEmpty(s: string | null | undefined): string | null {
  return s === undefined || s === null || s.trim() === '' ? null : s;
}

/** Parses the statusline JSON; throws an Error with a short message naming the field. */
export function parseStatusInput(raw: string): StatusInput {
  if (raw.trim() === '') throw new Error('no statusline JSON on stdin');
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    throw new Error('statusline input is not JSON');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new Error('statusline input is not a JSON object');
  const r = v.safeParse(StatusSchema, value);
  if (!r.success) {
    const issue = r.issues[0];
    const where = issue?.path?.map((p) => String(p.key)).join('.') || '(top level)';
    throw new Error(`statusline input ${where}: ${issue?.message ?? 'invalid'}`);
  }
  const o = r.output;
  const cost = o.cost?.total_cost_usd;
  return {
    sessionId: o.session_id,
    transcriptPath: nonEmpty(o.transcript_path),
    cwd: nonEmpty(o.workspace?.current_dir) ?? nonEmpty(o.cwd),
    model: nonEmpty(o.model?.display_name) ?? nonEmpty(o.model?.id),
    claudeCostUsd: typeof cost === 'number' && Number.isFinite(cost) && cost >= 0 ? cost : null,
  };
}
