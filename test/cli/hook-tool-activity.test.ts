/**
 * The hook's incremental import records what drove each request too: the fixture's transcripts
 * written in two parts (cut inside a response that asks for two tools), a `Stop` hook after each, give
 * the same usage by tool and file as one import of the whole history.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { expectedBy, FIXTURE } from '../capture/tool-activity-truth.js';
import { useSandbox } from '../helpers/cli.js';
import { FIXTURES } from '../helpers/ledger.js';

const cli = useSandbox('tl-hook-tools-', { dirs: ['claude', 'tl'] });
const SESSION = 'c0110000-0000-4000-8000-000000000001';

function byDim(dim: string): Record<string, { input: number; responses: number }> {
  const r = cli.run(['report', '--by', dim, '--json', '--no-import']);
  expect(r.status, r.stderr).toBe(0);
  const rows = (JSON.parse(r.stdout) as { rows: Record<string, unknown>[] }).rows;
  return Object.fromEntries(
    rows.map((row) => [
      String(row[dim]),
      { input: Number(row.inputTokens), responses: Number(row.responses) },
    ]),
  );
}

function expected(dim: 'tool' | 'file'): Record<string, { input: number; responses: number }> {
  return Object.fromEntries(
    Object.entries(expectedBy(dim)).map(([v, t]) => [v, { input: t.input, responses: t.responses }]),
  );
}

describe('hook imports record tool uses', () => {
  it('Stop after each part of the transcripts gives the usage by tool and file of the whole', () => {
    const src = path.join(FIXTURES, FIXTURE, 'projects');
    const files = fs
      .readdirSync(src, { recursive: true, encoding: 'utf8' })
      .filter((f) => f.endsWith('.jsonl'))
      .map((rel) => ({
        rel,
        lines: fs.readFileSync(path.join(src, rel), 'utf8').split('\n').filter(Boolean),
      }));
    const main = files.find((f) => !f.rel.includes('subagents'));
    if (main === undefined) throw new Error('the fixture has no main transcript');
    const transcript = path.join(cli.claude, 'projects', main.rel);
    const stop = {
      session_id: SESSION,
      transcript_path: transcript,
      cwd: '/repo',
      hook_event_name: 'Stop',
    };
    // Part one: each file up to its third line (the main file's first response is cut after the
    // line of its first tool use).
    for (const f of files) {
      const to = path.join(cli.claude, 'projects', f.rel);
      fs.mkdirSync(path.dirname(to), { recursive: true });
      fs.writeFileSync(
        to,
        f.lines
          .slice(0, 3)
          .map((l) => `${l}\n`)
          .join(''),
      );
    }
    expect(cli.run(['hook'], { input: JSON.stringify(stop) }).status).toBe(0);
    for (const f of files)
      fs.appendFileSync(
        path.join(cli.claude, 'projects', f.rel),
        f.lines
          .slice(3)
          .map((l) => `${l}\n`)
          .join(''),
      );
    expect(cli.run(['hook'], { input: JSON.stringify(stop) }).status).toBe(0);
    expect(byDim('tool')).toEqual(expected('tool'));
    expect(byDim('file')).toEqual(expected('file'));
  });
});
