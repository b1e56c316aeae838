/**
 * The concrete changes a review proposes, as unified diffs that `git apply` accepts: pure text
 * building over a file's current content, which the caller reads and passes in (null when the file
 * does not exist). Three edits:
 * - `agent-model`: the `model:` line of an agent's frontmatter (`.claude/agents/<name>.md`): replaced
 *   when present, added before the closing `---` when not, and a frontmatter block added on top when
 *   the file has none;
 * - `policy-rule`: a rule (one Markdown list item) appended under `## Token usage rules` of a policy
 *   file (e.g. `CLAUDE.md`), the heading added at the end when missing, the file created when missing;
 * - `settings-model`: the top-level `"model"` of `.claude/settings.json`: its line replaced when
 *   present, else added as the first key (the file created when missing).
 *
 * Diffs come from jsdiff with `a/` and `b/` paths relative to the repository (`/dev/null` for a new
 * file), so `git apply` takes them from the repository root. Nothing is ever applied here.
 * @module
 */
import { createHash } from 'node:crypto';
import { createTwoFilesPatch } from 'diff';

/** What a proposal changes, before the file it goes to is known. */
export type ProposedEdit =
  | { type: 'agent-model'; agent: string; model: string }
  | { type: 'policy-rule'; rule: string }
  | { type: 'settings-model'; model: string };

/** What a recommendation can propose; a new kind is one more name here and a rule that gives it. */
export type ProposalKind =
  | 'model_downshift'
  | 'model_upshift'
  | 'context_reuse'
  | 'cache_rewrite'
  | 'fan_out'
  | 'file_reread';

/** The work a proposal is about, compared before and after it is applied. */
export interface Cohort {
  /** The agent type (`main` for the main thread); all agents when absent. */
  agent?: string;
  /** The model it ran on before; any model when absent. */
  model?: string;
  /** The workflow stage; any stage when absent. */
  stage?: string;
}

/** A recommendation's concrete change before its file is read: kind, target, edit and cohort. */
export interface ProposalSpec {
  kind: ProposalKind;
  /** What it is about: an agent type, `main`, `subagents`, or a file (`file_reread`). */
  target: string;
  edit: ProposedEdit;
  cohort: Cohort;
}

/** The heading policy rules are added under. */
export const POLICY_HEADING = '## Token usage rules';

/** The agent spec an agent type's `model:` lives in, relative to the repository root. */
export function agentFile(agent: string): string {
  return `.claude/agents/${agent}.md`;
}

export const SETTINGS_FILE = '.claude/settings.json';

/** The file `edit` changes, relative to the repository root (`policyFile` for a policy rule). */
export function editFile(edit: ProposedEdit, policyFile: string): string {
  if (edit.type === 'agent-model') return agentFile(edit.agent);
  if (edit.type === 'settings-model') return SETTINGS_FILE;
  return policyFile;
}

/** A proposal's stable id: the first 12 hex digits of SHA-256 over its kind, target and file. */
export function proposalId(kind: string, target: string, file: string): string {
  return createHash('sha256').update(`${kind}\0${target}\0${file}`).digest('hex').slice(0, 12);
}

function eolOf(text: string): string {
  return text.includes('\r\n') ? '\r\n' : '\n';
}

function withFinalEol(text: string, eol: string): string {
  return text === '' || text.endsWith('\n') ? text : `${text}${eol}`;
}

function agentModel(current: string | null, model: string): string {
  const line = `model: ${model}`;
  if (current === null) return `---\n${line}\n---\n`;
  const eol = eolOf(current);
  const lines = current.split(eol);
  if (lines[0]?.trimEnd() === '---') {
    const close = lines.findIndex((l, i) => i > 0 && l.trimEnd() === '---');
    if (close > 0) {
      const at = lines.findIndex((l, i) => i > 0 && i < close && /^model\s*:/.test(l));
      if (at > 0) lines[at] = line;
      else lines.splice(close, 0, line);
      return lines.join(eol);
    }
  }
  return `---${eol}${line}${eol}---${eol}${current}`;
}

function policyRule(current: string | null, text: string): string {
  const rule = text.trimEnd();
  if (current === null) return `${POLICY_HEADING}\n\n${rule}\n`;
  const eol = eolOf(current);
  // A rule already there (anywhere in the file) is not added again.
  if (current.split(eol).some((l) => l.trimEnd() === rule)) return current;
  const lines = withFinalEol(current, eol).split(eol);
  lines.pop();
  const heading = lines.findIndex((l) => l.trimEnd() === POLICY_HEADING);
  if (heading < 0) {
    const gap = lines.length === 0 || lines[lines.length - 1] === '' ? [] : [''];
    return [...lines, ...gap, POLICY_HEADING, '', rule, ''].join(eol);
  }
  // The end of the section: the next heading of the same or a higher level, else the end of the file.
  let end = lines.findIndex((l, i) => i > heading && /^#{1,2}\s/.test(l));
  if (end < 0) end = lines.length;
  let at = end;
  while (at > heading + 1 && (lines[at - 1] ?? '').trim() === '') at -= 1;
  const after = at === end && end < lines.length ? [rule, ''] : [rule];
  lines.splice(at, 0, ...after);
  return [...lines, ''].join(eol);
}

function settingsModel(current: string | null, model: string): string {
  const value = `"model": ${JSON.stringify(model)}`;
  if (current === null || current.trim() === '') return `{\n  ${value}\n}\n`;
  const eol = eolOf(current);
  const lines = current.split(eol);
  // The top-level "model": the first one at the indentation of the first key.
  const firstKey = lines.find((l) => /^\s*"/.test(l));
  const indent = firstKey === undefined ? '  ' : (/^\s*/.exec(firstKey)?.[0] ?? '  ');
  const at = lines.findIndex((l) => l.startsWith(`${indent}"model"`) && /^\s*"model"\s*:/.test(l));
  if (at >= 0) {
    const comma = /,\s*$/.test(lines[at] ?? '') ? ',' : '';
    lines[at] = `${indent}${value}${comma}`;
    return lines.join(eol);
  }
  const open = lines.findIndex((l) => l.trim() === '{');
  if (open < 0) throw new Error(`${SETTINGS_FILE} does not start with "{" on a line of its own`);
  const empty = lines.slice(open + 1).every((l) => l.trim() === '' || l.trim() === '}');
  lines.splice(open + 1, 0, `${indent}${value}${empty ? '' : ','}`);
  return lines.join(eol);
}

/** The content of the file after `edit`, from its current content (null: the file does not exist). */
export function editedContent(edit: ProposedEdit, current: string | null): string {
  if (edit.type === 'agent-model') return agentModel(current, edit.model);
  if (edit.type === 'policy-rule') return policyRule(current, edit.rule);
  return settingsModel(current, edit.model);
}

/**
 * A unified diff of `file` (relative to the repository root, `/` separated) from `before` (null: a
 * new file) to `after`, with `a/`/`b/` headers and 3 lines of context; '' when nothing changes.
 */
export function unifiedDiff(file: string, before: string | null, after: string): string {
  if (before === after) return '';
  const patch = createTwoFilesPatch(
    before === null ? '/dev/null' : `a/${file}`,
    `b/${file}`,
    before ?? '',
    after,
    undefined,
    undefined,
    { context: 3 },
  );
  // jsdiff puts a line of `=` before the headers: not part of a unified diff.
  const lines = patch.split('\n');
  const start = lines.findIndex((l) => l.startsWith('--- '));
  return lines.slice(start).join('\n');
}

/** The lines a diff adds (without their `+`), which a file holds once the diff is applied. */
export function addedLines(diff: string): string[] {
  return diff
    .split('\n')
    .filter((l) => l.startsWith('+') && !l.startsWith('+++ '))
    .map((l) => l.slice(1).replace(/\r$/, ''));
}

/** True when `content` holds every line `diff` adds (each as a whole line). */
export function holdsAddedLines(diff: string, content: string): boolean {
  const have = new Set(content.split('\n').map((l) => l.replace(/\r$/, '')));
  const added = addedLines(diff).filter((l) => l.trim() !== '');
  return added.length > 0 && added.every((l) => have.has(l));
}

/** SHA-256 (hex) of a file's expected content, which the ledger keeps instead of the content. */
export function contentHash(content: string): string {
  return createHash('sha256').update(content).digest('hex');
}
