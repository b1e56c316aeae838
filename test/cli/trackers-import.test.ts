/**
 * beads ids in a plain `tokenledger import`: in a project with a `.beads/` folder, a subagent spawned
 * with a prompt naming a beads id works on that task, with no configuration, as the hooks see it;
 * in a project without one the same prompt names no task.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  agentMetaJson,
  assistantLine,
  type LineEnvelope,
  toolResultLine,
} from '../../src/synthetic/transcript-lines.js';
import { useSandbox } from '../helpers/cli.js';
import { agentTranscript, mainTranscript, SONNET } from '../helpers/transcript-writer.js';

const BEADS = fileURLToPath(new URL('../fixtures/beads/', import.meta.url));
const cli = useSandbox('tl-beads-import-', { dirs: ['claude', 'tl'] });
const ZERO = { input: 0, output: 0, cacheWrite: 0, cacheWrite1h: 0, cacheRead: 0, webSearch: 0 };

function project(name: string, beads: boolean): string {
  const dir = path.join(cli.root, 'projects', name);
  fs.mkdirSync(dir, { recursive: true });
  if (beads) {
    fs.mkdirSync(path.join(dir, '.beads'));
    for (const f of ['config.yaml', 'issues.jsonl'])
      fs.copyFileSync(path.join(BEADS, f), path.join(dir, '.beads', f));
  }
  return dir;
}

/** A session in `dir` whose main agent spawns a subagent with `prompt`; the subagent uses 250 input tokens. */
function spawnWith(dir: string, session: string, prompt: string): void {
  const env: LineEnvelope = {
    sessionId: session,
    cwd: dir,
    gitBranch: 'main',
    version: '2.1.330',
    isSidechain: false,
  };
  const agentId = `a${session.slice(0, 8)}`;
  const toolUseId = `toolu_${session.slice(0, 8)}`;
  const t = Date.now() - 60_000;
  const at = (k: number) => new Date(t + k * 1000).toISOString();
  const main = mainTranscript(cli.claude, dir, session);
  fs.mkdirSync(path.dirname(main), { recursive: true });
  const spawn = assistantLine({
    env,
    uuid: `u-${session}-1`,
    parentUuid: null,
    timestamp: at(0),
    messageId: `msg_${session}_1`,
    requestId: `req_${session}_1`,
    model: SONNET,
    block: {
      type: 'tool_use',
      id: toolUseId,
      name: 'Task',
      input: { description: 'delegated work', prompt, subagent_type: 'general-purpose' },
    },
    blockIndex: 0,
    usage: { ...ZERO, input: 10 },
    output: 5,
    stopReason: 'tool_use',
  });
  const result = toolResultLine(env, `u-${session}-3`, `u-${session}-1`, at(5), toolUseId, 'done', {
    agentId,
    agentType: 'general-purpose',
    background: false,
  });
  fs.writeFileSync(main, `${spawn}\n${result}\n`);
  const sub = agentTranscript(cli.claude, dir, session, agentId);
  fs.mkdirSync(path.dirname(sub), { recursive: true });
  const work = assistantLine({
    env: { ...env, isSidechain: true, agentId },
    uuid: `u-${session}-2`,
    parentUuid: null,
    timestamp: at(2),
    messageId: `msg_${session}_2`,
    requestId: `req_${session}_2`,
    model: SONNET,
    block: { type: 'text', text: 'ok' },
    blockIndex: 0,
    usage: { ...ZERO, input: 250 },
    output: 7,
    stopReason: 'end_turn',
  });
  fs.writeFileSync(sub, `${work}\n`);
  fs.writeFileSync(
    sub.replace(/\.jsonl$/, '.meta.json'),
    agentMetaJson('general-purpose', toolUseId, SONNET),
  );
}

function byTask(): Record<string, number> {
  const out = JSON.parse(cli.ok(['report', '--by', 'task', '--json', '--no-import'])) as {
    rows: { task: string; inputTokens: number }[];
  };
  return Object.fromEntries(out.rows.map((r) => [r.task, r.inputTokens]));
}

describe('beads ids in a plain import', () => {
  it('a subagent whose prompt names a beads id works on that task in a project with .beads/, not in one without', () => {
    fs.writeFileSync(path.join(cli.tlHome, 'config.json'), '{}');
    spawnWith(project('with-beads', true), 'be0d0000-0000-4000-8000-000000000001', 'please fix tl-a1b2 next');
    spawnWith(project('no-beads', false), 'be0d0000-0000-4000-8000-000000000002', 'please fix tl-a1b2 next');
    cli.ok(['import']);
    // Only the subagent of the project with beads is on the task; the rest (both main agents, the
    // other subagent) is on no task.
    expect(byTask()).toEqual({ 'tl-a1b2': 250, '': 270 });
  });

  it('with "beads": false the beads ids are not task ids', () => {
    fs.writeFileSync(path.join(cli.tlHome, 'config.json'), JSON.stringify({ beads: false }));
    spawnWith(project('with-beads', true), 'be0d0000-0000-4000-8000-000000000003', 'please fix tl-a1b2 next');
    cli.ok(['import']);
    expect(byTask()).toEqual({ '': 260 });
  });
});
