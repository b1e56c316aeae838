/**
 * The diffs a review proposes: for every kind of edit, on files with and without what it changes and
 * on missing files, `git apply --check` accepts the diff in a real repository and `git apply` gives
 * exactly the edited content; the edit is idempotent (a second review proposes nothing) and the file
 * then holds every line the diff adds. A property checks the same with jsdiff's own apply over
 * generated files.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { applyPatch } from 'diff';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import {
  editedContent,
  editFile,
  holdsAddedLines,
  type ProposedEdit,
  proposalId,
  unifiedDiff,
} from '../../src/analysis/proposed-edits.js';
import { applyCheck, git } from '../helpers/planted-review.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

function repo(files: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tl-edits-'));
  dirs.push(dir);
  for (const [file, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    fs.writeFileSync(path.join(dir, file), text);
  }
  git(dir, ['init', '-q']);
  return dir;
}

const AGENT = '.claude/agents/scout.md';
const SETTINGS = '.claude/settings.json';

const cases: { name: string; edit: ProposedEdit; before: string | null; after: string }[] = [
  {
    name: 'adds a model line to frontmatter without one',
    edit: { type: 'agent-model', agent: 'scout', model: 'haiku' },
    before: '---\nname: scout\ndescription: looks\n---\n\nBody.\n',
    after: '---\nname: scout\ndescription: looks\nmodel: haiku\n---\n\nBody.\n',
  },
  {
    name: 'replaces the model line',
    edit: { type: 'agent-model', agent: 'scout', model: 'sonnet' },
    before: '---\nname: scout\nmodel: opus\ntools: Read\n---\nBody.',
    after: '---\nname: scout\nmodel: sonnet\ntools: Read\n---\nBody.',
  },
  {
    name: 'adds frontmatter to a spec without it (CRLF kept)',
    edit: { type: 'agent-model', agent: 'scout', model: 'haiku' },
    before: 'You look things up.\r\n',
    after: '---\r\nmodel: haiku\r\n---\r\nYou look things up.\r\n',
  },
  {
    name: 'creates a missing agent spec',
    edit: { type: 'agent-model', agent: 'scout', model: 'haiku' },
    before: null,
    after: '---\nmodel: haiku\n---\n',
  },
  {
    name: 'adds the rules section at the end of a policy file without a final newline',
    edit: { type: 'policy-rule', rule: '- Rule one.' },
    before: '# Notes\n\nText.',
    after: '# Notes\n\nText.\n\n## Token usage rules\n\n- Rule one.\n',
  },
  {
    name: 'appends to the rules section before the next section',
    edit: { type: 'policy-rule', rule: '- Rule two.' },
    before: '# Notes\n\n## Token usage rules\n\n- Rule one.\n\n## Build\n\nnpm test\n',
    after: '# Notes\n\n## Token usage rules\n\n- Rule one.\n- Rule two.\n\n## Build\n\nnpm test\n',
  },
  {
    name: 'creates a missing policy file',
    edit: { type: 'policy-rule', rule: '- Rule one.' },
    before: null,
    after: '## Token usage rules\n\n- Rule one.\n',
  },
  {
    name: 'adds the model to settings',
    edit: { type: 'settings-model', model: 'sonnet' },
    before: '{\n  "permissions": {\n    "model": "x"\n  }\n}\n',
    after: '{\n  "model": "sonnet",\n  "permissions": {\n    "model": "x"\n  }\n}\n',
  },
  {
    name: 'replaces the model in settings',
    edit: { type: 'settings-model', model: 'haiku' },
    before: '{\n    "env": {},\n    "model": "opus"\n}\n',
    after: '{\n    "env": {},\n    "model": "haiku"\n}\n',
  },
  {
    name: 'creates missing settings',
    edit: { type: 'settings-model', model: 'haiku' },
    before: null,
    after: '{\n  "model": "haiku"\n}\n',
  },
];

describe('proposed edits', () => {
  for (const c of cases) {
    it(`${c.name}: git apply accepts the diff and gives the edited file`, () => {
      const file = editFile(c.edit, 'docs/POLICY.md');
      const after = editedContent(c.edit, c.before);
      expect(after).toBe(c.after);
      if (c.edit.type === 'settings-model') expect(JSON.parse(after)).toMatchObject({ model: c.edit.model });
      const dir = repo(c.before === null ? {} : { [file]: c.before });
      const diff = unifiedDiff(file, c.before, after);
      expect(diff).toMatch(c.before === null ? /^--- \/dev\/null\n\+\+\+ b\// : /^--- a\/.*\n\+\+\+ b\//);
      expect(applyCheck(dir, diff)).toBe('');
      git(dir, ['apply', '-'], diff);
      expect(fs.readFileSync(path.join(dir, file), 'utf8')).toBe(after);
      expect(holdsAddedLines(diff, after)).toBe(true);
      if (c.before !== null) expect(holdsAddedLines(diff, c.before)).toBe(false);
      // Applied, there is nothing left to propose.
      expect(unifiedDiff(file, after, editedContent(c.edit, after))).toBe('');
    });
  }

  it('names files and ids stably', () => {
    expect(editFile({ type: 'agent-model', agent: 'a', model: 'haiku' }, 'CLAUDE.md')).toBe(
      '.claude/agents/a.md',
    );
    expect(editFile({ type: 'policy-rule', rule: '-' }, 'CLAUDE.md')).toBe('CLAUDE.md');
    expect(editFile({ type: 'settings-model', model: 'haiku' }, 'CLAUDE.md')).toBe(SETTINGS);
    expect(proposalId('model_downshift', 'scout', AGENT)).toBe(proposalId('model_downshift', 'scout', AGENT));
    expect(proposalId('model_downshift', 'scout', AGENT)).toMatch(/^[0-9a-f]{12}$/);
    expect(proposalId('model_upshift', 'scout', AGENT)).not.toBe(
      proposalId('model_downshift', 'scout', AGENT),
    );
  });

  it('every diff applies and gives the edited content, and editing twice changes nothing (property)', () => {
    const line = fc.stringMatching(/^[ -~]{0,30}$/).filter((l) => l.trim() !== '---' && !l.startsWith('#'));
    const text = fc
      .tuple(fc.array(line, { maxLength: 12 }), fc.boolean(), fc.boolean())
      .map(([lines, eol, crlf]) => {
        const sep = crlf ? '\r\n' : '\n';
        return lines.join(sep) + (eol && lines.length > 0 ? sep : '');
      });
    const before = fc.oneof(
      fc.constant(null),
      text,
      fc.tuple(text, text).map(([a, b]) => `---\nname: x\n${a}\n---\n${b}`),
      fc.tuple(text, text).map(([a, b]) => `${a}\n## Token usage rules\n\n- old\n${b}`),
    );
    const edit = fc.oneof(
      fc
        .constantFrom('haiku', 'sonnet')
        .map((model): ProposedEdit => ({ type: 'agent-model', agent: 'x', model })),
      line.filter((l) => l.trim() !== '').map((l): ProposedEdit => ({ type: 'policy-rule', rule: `- ${l}` })),
    );
    fc.assert(
      fc.property(edit, before, (e, b) => {
        const after = editedContent(e, b);
        const diff = unifiedDiff('f.md', b, after);
        expect(applyPatch(b ?? '', diff)).toBe(after);
        expect(editedContent(e, after)).toBe(after);
        expect(holdsAddedLines(diff, after)).toBe(diff !== '');
      }),
      { numRuns: 300 },
    );
  });
});
