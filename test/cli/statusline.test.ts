/**
 * `tokenledger statusline` as Claude Code runs it: the built CLI, the statusline JSON on stdin, real
 * transcript files and a real SQLite ledger. It prints exactly one line and always exits 0.
 */
import fs from 'node:fs';
import path from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { assistantLine } from '../../src/synthetic/transcript-lines.js';
import { type CliResult, useSandbox } from '../helpers/cli.js';

/** $3 in / $15 out per million tokens: a 100k-in, 20k-out response costs $0.60. */
const SONNET = 'claude-sonnet-4-5-20250929';
const SESSION = '57a7e000-0000-4000-8000-000000000001';
const OTHER = '57a7e000-0000-4000-8000-000000000002';
const HOUR = 3_600_000;

const cli = useSandbox('tl-status-', { dirs: ['claude', 'tl', 'proj', 'other'], cwd: 'proj' });
let proj: string;
let otherProj: string;
let n = 0;

beforeEach(() => {
  proj = cli.path('proj');
  otherProj = cli.path('other');
});

function transcript(session: string, dir: string): string {
  return path.join(cli.claude, 'projects', dir.replace(/[^a-zA-Z0-9]/g, '-'), `${session}.jsonl`);
}

/** A moment today (UTC) at most `agoMs` before now, never before midnight. */
function today(agoMs = 0): number {
  const now = Date.now();
  const midnight = now - (now % (24 * HOUR));
  return Math.max(midnight, now - agoMs);
}

function respond(o: { at: number; input: number; output: number; session?: string; dir?: string }): void {
  n++;
  const session = o.session ?? SESSION;
  const dir = o.dir ?? proj;
  const file = transcript(session, dir);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.appendFileSync(
    file,
    `${assistantLine({
      env: { sessionId: session, cwd: dir, gitBranch: 'main', version: '2.1.330', isSidechain: false },
      uuid: `u-sl-${n}`,
      parentUuid: null,
      timestamp: new Date(o.at).toISOString(),
      messageId: `msg_sl_${n}`,
      requestId: `req_sl_${n}`,
      model: SONNET,
      block: { type: 'text', text: 'ok' },
      blockIndex: 0,
      usage: { input: o.input, output: o.output, cacheWrite: 0, cacheWrite1h: 0, cacheRead: 0, webSearch: 0 },
      output: o.output,
      stopReason: 'end_turn',
    })}\n`,
  );
}

function payload(extra: Record<string, unknown> = {}, session = SESSION, dir = proj) {
  return {
    hook_event_name: 'Status',
    session_id: session,
    transcript_path: transcript(session, dir),
    cwd: dir,
    model: { id: SONNET, display_name: 'Sonnet 4.5' },
    workspace: { current_dir: dir, project_dir: dir },
    version: '2.1.330',
    cost: { total_cost_usd: 99.99, total_duration_ms: 1000 },
    ...extra,
  };
}

/** `tokenledger statusline ARGS` as Claude Code runs it: the status JSON (or any text) on stdin. */
function statusline(input: unknown, args: string[] = []): CliResult {
  const text = typeof input === 'string' ? input : JSON.stringify(input);
  return cli.run(['statusline', ...args], { input: text, cwd: cli.root });
}

/** The one line printed, checked to be exactly one line with exit 0. */
function line(input: unknown): string {
  const r = statusline(input);
  expect(r.status, r.stderr).toBe(0);
  expect(r.stdout.endsWith('\n')).toBe(true);
  expect(r.stdout.split('\n')).toHaveLength(2);
  return r.stdout.slice(0, -1);
}

describe('tokenledger statusline', () => {
  it('shows the model, the session’s cost from the ledger after its own import, and today’s total', () => {
    // Another session today, already in the ledger; this session's transcript is not imported yet.
    respond({ at: today(60_000), input: 100_000, output: 20_000, session: OTHER, dir: otherProj });
    expect(cli.run(['import']).status).toBe(0);
    respond({ at: Date.now() - 36 * HOUR, input: 50_000, output: 0 }); // yesterday: $0.15
    respond({ at: today(30_000), input: 100_000, output: 20_000 });
    respond({ at: today(20_000), input: 100_000, output: 20_000 });
    // Claude Code's own figure (99.99) is not what the line shows.
    expect(line(payload())).toBe('Sonnet 4.5 · session $1.35 (290.0K tok) · today $1.80');
    // The next refresh reads what was appended since.
    respond({ at: today(10_000), input: 100_000, output: 20_000 });
    expect(line(payload())).toBe('Sonnet 4.5 · session $1.95 (410.0K tok) · today $2.40');
    // …and the ledger kept it: a report without import agrees.
    const session = JSON.parse(cli.run(['session', '--json', '--no-import']).stdout) as {
      sessions: { sessionId: string; totalCost: number }[];
    };
    expect(session.sessions.find((s) => s.sessionId === SESSION)?.totalCost).toBeCloseTo(1.95, 9);
  });

  it('a --config that does not exist yet (hooks status prints it before the file is made) means the defaults', () => {
    respond({ at: today(30_000), input: 100_000, output: 20_000 });
    const r = statusline(payload(), ['--config', path.join(cli.root, 'not-yet.json')]);
    expect(r.status).toBe(0);
    expect(r.stdout).toBe('Sonnet 4.5 · session $0.60 (120.0K tok) · today $0.60\n');
  });

  it('falls back on model.id when there is no display name, and shows no model when there is none', () => {
    respond({ at: today(1_000), input: 100_000, output: 20_000 });
    expect(line(payload({ model: { id: SONNET } }))).toBe(
      `${SONNET} · session $0.60 (120.0K tok) · today $0.60`,
    );
    expect(line(payload({ model: null }))).toBe('session $0.60 (120.0K tok) · today $0.60');
  });

  it('a transcript that does not exist yet gives a zero session, not an error', () => {
    expect(line(payload())).toBe('Sonnet 4.5 · session $0.00 (0 tok) · today $0.00');
  });

  it('shows the active task with "of <estimate>" and its ratio, and ⚠ past 4×', () => {
    const start = cli.run(['task', 'start', 'T-SL', '--estimate', '100k', '--project', proj]);
    expect(start.status, start.stderr).toBe(0);
    respond({ at: Date.now() + 200, input: 100_000, output: 20_000 });
    expect(line(payload())).toBe(
      'Sonnet 4.5 · session $0.60 (120.0K tok) · T-SL $0.60 of 100.0K (1.2×) · today $0.60',
    );
    for (let i = 0; i < 3; i++) respond({ at: Date.now() + 300 + i, input: 100_000, output: 20_000 });
    expect(line(payload())).toBe(
      'Sonnet 4.5 · session $2.40 (480.0K tok) · ⚠ T-SL $2.40 of 100.0K (4.8×) · today $2.40',
    );
    // A dollar estimate too: both are shown, the worse ratio counts.
    expect(cli.run(['task', 'estimate', 'T-SL', '100k', '$0.50']).status).toBe(0);
    expect(line(payload())).toBe(
      'Sonnet 4.5 · session $2.40 (480.0K tok) · ⚠ T-SL $2.40 of 100.0K / $0.50 (4.8×) · today $2.40',
    );
  });

  it('finds the task of the project from a subdirectory, and none in another project', () => {
    expect(cli.run(['task', 'start', 'T-SUB', '--estimate', '1M', '--project', proj]).status).toBe(0);
    const sub = path.join(proj, 'src', 'lib');
    fs.mkdirSync(sub, { recursive: true });
    respond({ at: Date.now() + 200, input: 100_000, output: 20_000 });
    const p = payload({ workspace: { current_dir: sub, project_dir: proj }, cwd: sub });
    expect(line(p)).toContain(' · T-SUB $0.60 of 1.0M (0.1×) · ');
    expect(line(payload({}, OTHER, otherProj))).toBe('Sonnet 4.5 · session $0.00 (0 tok) · today $0.60');
  });

  it('a task stopped is no longer shown', () => {
    expect(cli.run(['task', 'start', 'T-DONE', '--project', proj]).status).toBe(0);
    respond({ at: Date.now() + 200, input: 100_000, output: 20_000 });
    expect(line(payload())).toContain(' · T-DONE $0.60 · ');
    expect(cli.run(['task', 'stop', 'T-DONE', '--project', proj]).status).toBe(0);
    expect(line(payload())).toBe('Sonnet 4.5 · session $0.60 (120.0K tok) · today $0.60');
  });

  it.each([
    ['empty', '', /^tokenledger: no statusline JSON on stdin$/],
    ['blank', '  \n', /^tokenledger: no statusline JSON on stdin$/],
    ['not JSON', 'not json {', /^tokenledger: statusline input is not JSON$/],
    ['an array', '[1,2]', /^tokenledger: statusline input is not a JSON object$/],
    ['a number', '42', /^tokenledger: statusline input is not a JSON object$/],
    ['missing session_id', JSON.stringify({ cwd: '/x' }), /^tokenledger: statusline input session_id: /],
    [
      'a numeric session_id',
      JSON.stringify({ session_id: 7 }),
      /^tokenledger: statusline input session_id: /,
    ],
    [
      'an empty session_id',
      JSON.stringify({ session_id: '' }),
      /^tokenledger: statusline input session_id: /,
    ],
    [
      'a wrong model type',
      JSON.stringify({ session_id: SESSION, model: 'sonnet' }),
      /^tokenledger: statusline input model: /,
    ],
  ])('bad input (%s) prints one short tokenledger: line and exits 0', (_name, input, message) => {
    const r = statusline(input);
    expect(r.status).toBe(0);
    expect(r.stdout.split('\n')).toHaveLength(2);
    const out = r.stdout.trimEnd();
    expect(out).toMatch(message);
    expect(out.length).toBeLessThanOrEqual(140);
    // Nothing was created for it.
    expect(fs.existsSync(path.join(cli.tlHome, 'ledger.db'))).toBe(false);
  });

  it('a ledger that cannot be opened gives one tokenledger: line and exit 0', () => {
    const blocked = path.join(cli.root, 'not-a-dir');
    fs.writeFileSync(blocked, 'x');
    const r = statusline(payload(), ['--db', path.join(blocked, 'ledger.db')]);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^tokenledger: .+\n$/);
    expect(r.stdout.split('\n')).toHaveLength(2);
  });

  it('--help prints the usage and exits 0', () => {
    const r = cli.run(['statusline', '--help']);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('Usage: tokenledger statusline');
    expect(r.stdout).toContain('"statusLine"');
  });
});
