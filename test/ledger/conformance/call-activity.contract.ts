/**
 * What drove each API call: `call_activity` rows written with the usage, and usage grouped by tool,
 * skill, MCP server and file. A call is driven by the tool uses of the previous call of its thread
 * (source, session, agent id, sidechain flag, by time); it counts once under each distinct value,
 * `(none)` without one, `(unknown)` when the previous call's tool uses were never read. Also
 * `fileReads`. The same rows whatever the order, split or repetition of the writes.
 * @module
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { CallActivity, UsageRecord } from '../../../src/capture/types.js';
import type { LedgerStore } from '../../../src/ledger/store.js';
import type { FileWrite } from '../../../src/ledger/usage-repository.js';
import type { OpenLedger } from './describe-ledger.js';
import {
  fileWrite,
  inputBy,
  MIN,
  ORIGIN,
  PROPERTY_TIMEOUT_MS,
  T0,
  usage,
  withLedger,
} from './ledger-inputs.js';

/** Main thread c1..c4 of session s1, its subagent a1 (d1, d2), and s2's calls with no activity read (e1, e2). */
const RECORDS: UsageRecord[] = [
  usage({ dedupKey: 'msg_c1:req', ts: T0 + 1 * MIN, input: 1 }),
  usage({ dedupKey: 'msg_c2:req', ts: T0 + 2 * MIN, input: 2 }),
  usage({ dedupKey: 'msg_c3:req', ts: T0 + 3 * MIN, input: 4 }),
  usage({ dedupKey: 'msg_c4:req', ts: T0 + 4 * MIN, input: 8 }),
  usage({ dedupKey: 'msg_d1:req', ts: T0 + 1.5 * MIN, input: 16, agentId: 'a1', sidechain: true }),
  usage({ dedupKey: 'msg_d2:req', ts: T0 + 2.5 * MIN, input: 32, agentId: 'a1', sidechain: true }),
  usage({ dedupKey: 'msg_e1:req', ts: T0 + 10 * MIN, input: 64, sessionId: 's2' }),
  usage({ dedupKey: 'msg_e2:req', ts: T0 + 11 * MIN, input: 128, sessionId: 's2' }),
];

function act(dedupKey: string, toolUseId: string, p: Partial<CallActivity> = {}): CallActivity {
  return {
    dedupKey,
    toolUseId,
    tool: null,
    mcpServer: null,
    skill: null,
    agentType: null,
    file: null,
    fileOp: null,
    ...p,
  };
}

const ACTIVITIES: CallActivity[] = [
  act('msg_c1:req', 't1', { tool: 'Read', file: '/f.md', fileOp: 'read' }),
  act('msg_c1:req', 't2', { tool: 'create_issue', mcpServer: 'srv' }),
  act('msg_c2:req', ''),
  act('msg_c3:req', 't3', { tool: 'Skill', skill: 'pdf' }),
  act('msg_c4:req', ''),
  act('msg_d1:req', 't4', { tool: 'Bash' }),
  act('msg_d1:req', 't5', { tool: 'Read', file: '/f.md', fileOp: 'read' }),
  act('msg_d2:req', ''),
];

/** Input tokens per value: each call's input is a distinct power of two, so a sum names its calls. */
const EXPECTED = {
  tool: {
    '(none)': 1 + 4 + 16,
    Read: 2 + 32,
    'mcp:srv/create_issue': 2,
    Skill: 8,
    Bash: 32,
    '(unknown)': 192,
  },
  skill: { '(none)': 1 + 2 + 4 + 16 + 32, pdf: 8, '(unknown)': 192 },
  mcpServer: { '(none)': 1 + 4 + 8 + 16 + 32, srv: 2, '(unknown)': 192 },
  file: { '(none)': 1 + 4 + 8 + 16, '/f.md': 2 + 32, '(unknown)': 192 },
};

const DIMS = ['tool', 'skill', 'mcpServer', 'file'] as const;

async function view(store: LedgerStore): Promise<Record<string, Record<string, number>>> {
  const out: Record<string, Record<string, number>> = {};
  for (const d of DIMS) out[d] = await inputBy(store, [d]);
  return out;
}

export function callActivityContract(open: OpenLedger): void {
  describe('call activity (what drove each call)', () => {
    it('groups usage by tool, skill, MCP server and file, each call once per distinct value', async () => {
      await withLedger(open, async ({ store }) => {
        await store.writeFiles([fileWrite('/t/a.jsonl', RECORDS, { activities: ACTIVITIES })], ORIGIN);
        expect(await view(store)).toEqual(EXPECTED);
        // With another dimension: the rows split further, the values stay.
        expect(await inputBy(store, ['session', 'tool'])).toMatchObject({
          's1|Read': 34,
          's2|(unknown)': 192,
        });
      });
    });

    it('filters by the driven call, and its driver may lie outside the filter', async () => {
      await withLedger(open, async ({ store }) => {
        await store.writeFiles([fileWrite('/t/a.jsonl', RECORDS, { activities: ACTIVITIES })], ORIGIN);
        const rows = await store.groups({ dimensions: ['tool'], filter: { fromMs: T0 + 2.2 * MIN } });
        const by: Record<string, number> = {};
        for (const r of rows) by[r.values.tool ?? ''] = (by[r.values.tool ?? ''] ?? 0) + r.input;
        expect(by).toEqual({ '(none)': 4, Skill: 8, Bash: 32, Read: 32, '(unknown)': 192 });
      });
    });

    it('fileReads: reads per file, task and session with the asking calls, oldest first', async () => {
      await withLedger(open, async ({ store }) => {
        await store.writeFiles([fileWrite('/t/a.jsonl', RECORDS, { activities: ACTIVITIES })], ORIGIN);
        expect(await store.fileReads({})).toEqual([
          {
            file: '/f.md',
            taskId: null,
            sessionId: 's1',
            reads: 2,
            calls: [
              { dedupKey: 'msg_c1:req', ts: T0 + 1 * MIN },
              { dedupKey: 'msg_d1:req', ts: T0 + 1.5 * MIN },
            ],
          },
        ]);
        expect(await store.fileReads({ session: 's2' })).toEqual([]);
        expect(await store.fileReads({ toMs: T0 + 1.2 * MIN })).toMatchObject([{ reads: 1 }]);
      });
    });

    it('forgetting a call: it is in no row, and importing it again brings back neither it nor its tool uses', async () => {
      await withLedger(open, async ({ store }) => {
        const write = () =>
          store.writeFiles([fileWrite('/t/a.jsonl', RECORDS, { activities: ACTIVITIES })], ORIGIN);
        await write();
        await store.forget(
          { source: 'claude', fromMs: T0 + 0.5 * MIN, toMs: T0 + 1.2 * MIN },
          { apply: true, stageMap: {} },
        );
        await write();
        // c1 is gone: c2 starts the main thread now; d2 still follows d1's Bash and Read.
        expect(await inputBy(store, ['tool'])).toEqual({
          '(none)': 2 + 4 + 16,
          Read: 32,
          Skill: 8,
          Bash: 32,
          '(unknown)': 192,
        });
        expect(await store.fileReads({})).toMatchObject([
          { file: '/f.md', reads: 1, calls: [{ dedupKey: 'msg_d1:req' }] },
        ]);
      });
    });

    it('writes many calls at once: every tool use and every no-tool row, each once', async () => {
      await withLedger(open, async ({ store }) => {
        // 700 calls of one thread; call i asks for Read when i is even (twice: the same tool use on
        // two lines), else for nothing.
        const records = Array.from({ length: 700 }, (_, i) =>
          usage({ dedupKey: `msg_${String(i).padStart(4, '0')}:req`, ts: T0 + i * 1000, input: 1 }),
        );
        const activities = records.flatMap((r, i) =>
          i % 2 === 0
            ? [act(r.dedupKey, `t${i}`, { tool: 'Read' }), act(r.dedupKey, `t${i}`, { tool: 'Read' })]
            : [act(r.dedupKey, '')],
        );
        await store.writeFiles([fileWrite('/t/many.jsonl', records, { activities })], ORIGIN);
        await store.writeFiles([fileWrite('/t/many.jsonl', records, { activities })], ORIGIN);
        // Odd calls follow a Read; even ones follow a call without tools, or start the thread.
        expect(await inputBy(store, ['tool'])).toEqual({ Read: 350, '(none)': 350 });
      });
    });

    it(
      'the same sums whatever the order, split and repetition of the writes',
      async () => {
        await fc.assert(
          fc.asyncProperty(
            fc.array(fc.tuple(fc.integer({ min: 0, max: 15 }), fc.integer({ min: 0, max: 3 })), {
              minLength: RECORDS.length + ACTIVITIES.length,
              maxLength: RECORDS.length + ACTIVITIES.length,
            }),
            fc.array(fc.integer({ min: 0, max: 15 }), { maxLength: 6 }),
            async (placement, repeats) => {
              // Each record and activity goes to one of 4 files in one of 4 writes (its order within
              // them by its random rank); some go again in a later write, as a re-import does.
              const items = [
                ...RECORDS.map((r) => ({ r, a: null })),
                ...ACTIVITIES.map((a) => ({ r: null, a })),
              ].map((x, i) => ({ ...x, rank: placement[i]?.[0] ?? 0, write: placement[i]?.[1] ?? 0 }));
              for (const k of repeats) {
                const again = items[k % items.length];
                if (again !== undefined) items.push({ ...again, write: 3 });
              }
              items.sort((x, y) => x.rank - y.rank);
              await withLedger(open, async ({ store }) => {
                for (let w = 0; w < 4; w++) {
                  const files: FileWrite[] = [];
                  for (let f = 0; f < 4; f++) {
                    const mine = items.filter((x) => x.write === w && x.rank % 4 === f);
                    if (mine.length === 0) continue;
                    files.push(
                      fileWrite(
                        `/t/${f}.jsonl`,
                        mine.flatMap((x) => (x.r === null ? [] : [x.r])),
                        { activities: mine.flatMap((x) => (x.a === null ? [] : [x.a])) },
                      ),
                    );
                  }
                  if (files.length > 0) await store.writeFiles(files, ORIGIN);
                }
                expect(await view(store)).toEqual(EXPECTED);
              });
            },
          ),
          { numRuns: Number(process.env.TL_PROPERTY_RUNS ?? 15) },
        );
      },
      PROPERTY_TIMEOUT_MS,
    );
  });
}
