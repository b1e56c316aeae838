/**
 * Ground truth of the `tool-activity` fixture, written by hand from its lines: every API call's usage
 * and what drove it (the tool uses of the previous call of its thread: main thread, the old-style
 * sidechain in the main file, the subagent). Shared by the fixture test and the property test.
 */
import type { Totals, TotalsBy } from '../helpers/ledger.js';

export const FIXTURE = 'tool-activity';

interface Call {
  key: string;
  /** input, cache write, cache read, output */
  usage: [number, number, number, number];
  tool: string[];
  skill: string[];
  mcpServer: string[];
  file: string[];
}

const NONE = ['(none)'];

/** Each call with the distinct values that drove it; `(none)` when none did. */
export const CALLS: readonly Call[] = [
  // main thread
  { key: 'msg_r1:req_r1', usage: [10, 100, 0, 20], tool: NONE, skill: NONE, mcpServer: NONE, file: NONE },
  {
    key: 'msg_r2:req_r2',
    usage: [5, 50, 200, 30],
    tool: ['Read', 'Grep'],
    skill: NONE,
    mcpServer: NONE,
    file: ['/repo/src/a.ts', '/repo/src/b.ts'],
  },
  {
    key: 'msg_r3:req_r3',
    usage: [3, 10, 300, 40],
    tool: ['mcp:github/create_issue', 'Skill'],
    skill: ['pdf'],
    mcpServer: ['github'],
    file: NONE,
  },
  {
    key: 'msg_r4:req_r4',
    usage: [2, 5, 400, 50],
    tool: ['Task', 'Edit'],
    skill: NONE,
    mcpServer: NONE,
    file: ['/repo/src/a.ts'],
  },
  // after a new prompt: R4 asked for no tool
  { key: 'msg_r5:req_r5', usage: [1, 0, 500, 10], tool: NONE, skill: NONE, mcpServer: NONE, file: NONE },
  {
    key: 'msg_r6:req_r6',
    usage: [1, 0, 600, 5],
    tool: ['Read'],
    skill: NONE,
    mcpServer: NONE,
    file: ['/repo/src/a.ts'],
  },
  // the sidechain in the main file (no agent id): its own thread, interleaved with the main one
  { key: 'msg_sc1:req_sc1', usage: [6, 60, 0, 6], tool: NONE, skill: NONE, mcpServer: NONE, file: NONE },
  { key: 'msg_sc2:req_sc2', usage: [3, 0, 90, 4], tool: ['Glob'], skill: NONE, mcpServer: NONE, file: NONE },
  // the subagent
  { key: 'msg_s1:req_s1', usage: [7, 70, 0, 8], tool: NONE, skill: NONE, mcpServer: NONE, file: NONE },
  {
    key: 'msg_s2:req_s2',
    usage: [4, 0, 100, 6],
    tool: ['Read'],
    skill: NONE,
    mcpServer: NONE,
    file: ['/repo/docs/foundation.md'],
  },
  { key: 'msg_s3:req_s3', usage: [2, 0, 150, 3], tool: ['Bash'], skill: NONE, mcpServer: NONE, file: NONE },
];

export type ActivityDim = 'tool' | 'skill' | 'mcpServer' | 'file';

function totalsOf(calls: readonly Call[]): Totals {
  const t: Totals = {
    input: 0,
    output: 0,
    cacheWrite: 0,
    cacheWrite1h: 0,
    cacheRead: 0,
    webSearch: 0,
    responses: 0,
    lowerBound: 0,
  };
  for (const c of calls) {
    t.input += c.usage[0];
    t.cacheWrite += c.usage[1];
    t.cacheRead += c.usage[2];
    t.output += c.usage[3];
    t.responses += 1;
  }
  return t;
}

/** The expected sums per value of a dimension: each call once under each of its values. */
export function expectedBy(dim: ActivityDim): TotalsBy {
  const values = new Set(CALLS.flatMap((c) => c[dim]));
  const out: TotalsBy = {};
  for (const v of values) out[v] = totalsOf(CALLS.filter((c) => c[dim].includes(v)));
  return out;
}

export const EXPECTED_TOTAL = totalsOf(CALLS);
