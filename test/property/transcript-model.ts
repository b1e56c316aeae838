/**
 * A model of Claude Code transcripts for property tests: arbitraries for a set of API responses (each
 * written as 1–4 lines, one per content block), how those lines are laid out in files, rendering of
 * the lines, and the expected ledger computed directly from the de-duplication rule (FORMATS.md §1.5):
 * per `message.id:requestId` (or `message.id`), every usage field is the maximum over the group's
 * lines, output is a lower bound when no line has a stop_reason, and the timestamp is the earliest.
 */
import fs from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { addTo, type LedgerView, type Sums, zeroSums } from '../ledger/ledger-dump.js';

export interface Usage {
  input: number;
  output: number;
  cacheWrite: number;
  cacheWrite1h: number;
  cacheRead: number;
  webSearch: number;
}

export type BlockType = 'thinking' | 'text' | 'tool_use';

/** One transcript line of a response (one content block). */
export interface LineSpec {
  uuid: string;
  block: BlockType;
  text: string;
  usage: Usage;
  stop: string | null;
  tsMs: number;
}

export interface ResponseSpec {
  messageId: string;
  requestId: string | null;
  session: number;
  /** Subagent id for a sidechain response, null for the main thread. */
  agentId: string | null;
  model: string;
  speed: string;
  geo: string;
  lines: LineSpec[];
}

export interface SessionSpec {
  id: string;
  /** The session id of a `--fork-session` copy of this session. */
  forkId: string;
  cwd: string;
}

export interface History {
  sessions: SessionSpec[];
  responses: ResponseSpec[];
}

/** Identifies one line: response index and line index. */
export interface LineRef {
  r: number;
  l: number;
}

export const BUCKET_MS = 900_000;
/** All timestamps lie within a few days after this. */
const T0 = Date.UTC(2026, 10, 20, 6, 0, 0);
const DAYS_MS = 3 * 86_400_000;
const MODELS = ['claude-sonnet-4-5-20250929', 'claude-opus-4-6', 'claude-haiku-4-5-20251001'] as const;
const AGENT_IDS = ['a742ec08c626366e4', 'a8b9f38', 'a0123456789abcdef'] as const;

const hex = (min: number, max: number) =>
  fc.string({ unit: fc.constantFrom(...'0123456789abcdef'), minLength: min, maxLength: max });

/** Content text: plain, multi-byte, and text that looks like JSON usage or line breaks. */
const textArb = fc.oneof(
  fc.string({ maxLength: 30 }),
  fc.string({ unit: 'grapheme', maxLength: 20 }),
  fc.constantFrom(
    'héllo wörld — 日本語テキスト 🎉🎉',
    ' "usage":{"input_tokens":5} \\ ',
    'line one\nline two\r\n\ttabbed',
    '}{"type":"assistant"}',
  ),
);

export interface HistoryOptions {
  /**
   * Every number has a fixed number of digits and every text the same length, so many lines have
   * the same byte length (as real transcripts with fixed-width ids mostly do). One session, no
   * subagents, always a requestId.
   */
  fixedWidth?: boolean;
  maxResponses?: number;
}

function usageArb(fixed: boolean): fc.Arbitrary<Usage> {
  if (fixed) {
    const five = fc.integer({ min: 10_000, max: 99_999 });
    return fc
      .record({
        input: five,
        output: five,
        cacheWrite: fc.integer({ min: 20_000, max: 99_999 }),
        cacheRead: five,
        webSearch: fc.integer({ min: 0, max: 9 }),
        oneHour: fc.double({ min: 0, max: 1, noNaN: true }),
      })
      .map(({ oneHour, ...u }) => ({
        ...u,
        // 1h and 5m parts both keep five digits.
        cacheWrite1h: 10_000 + Math.floor(oneHour * (u.cacheWrite - 20_000)),
      }));
  }
  return fc
    .record({
      input: fc.integer({ min: 0, max: 5_000 }),
      output: fc.integer({ min: 0, max: 30_000 }),
      // Large cache reads cross the 100k/200k size classes of the rollup.
      cacheRead: fc.oneof(fc.integer({ min: 0, max: 50_000 }), fc.integer({ min: 90_000, max: 250_000 })),
      cacheWrite: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 60_000 })),
      webSearch: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 3 })),
      oneHour: fc.double({ min: 0, max: 1, noNaN: true }),
    })
    .map(({ oneHour, ...u }) => ({ ...u, cacheWrite1h: Math.floor(oneHour * u.cacheWrite) }));
}

/**
 * How a line's usage relates to the response's final usage: `final` (the whole usage and a
 * stop_reason), `snapshot` (the message_start snapshot: output a placeholder, no stop_reason), or
 * `zeros` (a gateway's first lines: every field 0, no stop_reason).
 */
type LineKind = 'final' | 'snapshot' | 'zeros';

const lineArb = (fixed: boolean) =>
  fc.record({
    uuid: fc.uuid(),
    block: fc.constantFrom<BlockType>('thinking', 'text', 'tool_use'),
    text: fixed ? fc.constantFrom('alpha beta', 'gamma delt', 'epsilon zz') : textArb,
    kind: fixed
      ? fc.constantFrom<LineKind>('final', 'final', 'snapshot')
      : fc.constantFrom<LineKind>('final', 'final', 'snapshot', 'zeros'),
    placeholder: fc.double({ min: 0, max: 1, noNaN: true }),
    stop: fc.constantFrom('end_turn', 'tool_use'),
    /** Later blocks of a response finish later; up to two minutes, so a response may span buckets. */
    delayMs: fc.integer({ min: 0, max: 120_000 }),
  });

const responseArb = (fixed: boolean) =>
  fc.record({
    msgHex: hex(16, 16),
    reqHex: fixed ? hex(12, 12).map((h): string | null => h) : fc.option(hex(12, 12), { nil: null }),
    /** Same message.id as the previous response, another requestId: a different group. */
    reusePrevMessageId: fixed ? fc.constant(false) : fc.boolean(),
    session: fc.nat(),
    agentId: fixed ? fc.constant(null) : fc.option(fc.constantFrom(...AGENT_IDS), { nil: null, freq: 3 }),
    model: fixed ? fc.constant(MODELS[0]) : fc.constantFrom(...MODELS),
    speed: fixed ? fc.constant('standard') : fc.constantFrom('standard', 'standard', 'fast'),
    geo: fixed ? fc.constant('') : fc.constantFrom('', '', 'us'),
    /** Anywhere in the days, or just before a 15-minute boundary so the lines straddle two buckets. */
    startMs: fc.oneof(
      { arbitrary: fc.integer({ min: 0, max: DAYS_MS }), weight: 2 },
      {
        arbitrary: fc
          .tuple(fc.integer({ min: 1, max: DAYS_MS / BUCKET_MS }), fc.constantFrom(500, 60_000))
          .map(([k, before]) => k * BUCKET_MS - before),
        weight: 2,
      },
    ),
    usage: usageArb(fixed),
    /** Every line `stop_reason: null` (1.0.10–2.1.9x transcripts): output is a lower bound. */
    allSnapshots: fc.oneof(
      { arbitrary: fc.constant(false), weight: 3 },
      { arbitrary: fc.constant(true), weight: 1 },
    ),
    lines: fc.array(lineArb(fixed), { minLength: 1, maxLength: 4 }),
  });

function lineUsage(final: Usage, kind: LineKind, placeholder: number, fixed: boolean): Usage {
  if (kind === 'zeros')
    return { input: 0, output: 0, cacheWrite: 0, cacheWrite1h: 0, cacheRead: 0, webSearch: 0 };
  if (kind === 'final') return { ...final };
  const low = fixed ? 10_000 : 0;
  return { ...final, output: low + Math.floor(placeholder * (final.output - low)) };
}

export function historyArb(options: HistoryOptions = {}): fc.Arbitrary<History> {
  const fixed = options.fixedWidth === true;
  const sessionArb = fc.record({ id: fc.uuid(), forkId: fc.uuid(), project: fc.nat(3) });
  return fc
    .record({
      sessions: fixed
        ? fc.tuple(sessionArb).map((s) => [...s])
        : fc.uniqueArray(sessionArb, { minLength: 1, maxLength: 3, selector: (s) => s.id }),
      responses: fc.array(responseArb(fixed), { minLength: 1, maxLength: options.maxResponses ?? 12 }),
    })
    .map(({ sessions, responses }) => {
      const out: ResponseSpec[] = [];
      responses.forEach((r, i) => {
        const prev = out[i - 1];
        const suffix = i.toString(16).padStart(4, '0');
        const reuse = r.reusePrevMessageId && prev !== undefined;
        const messageId = reuse ? prev.messageId : `msg_01${r.msgHex}${suffix}`;
        // A reused message id needs a requestId of its own, or the two responses would be one group.
        const requestId =
          r.reqHex === null && !reuse ? null : `req_011C${r.reqHex ?? 'f'.repeat(12)}${suffix}`;
        const allSnapshots = r.allSnapshots;
        let t = T0 + r.startMs;
        out.push({
          messageId,
          requestId,
          session: r.session % sessions.length,
          agentId: r.agentId,
          model: r.model,
          speed: r.speed,
          geo: r.geo,
          lines: r.lines.map((l) => {
            t += l.delayMs;
            const kind: LineKind = allSnapshots && l.kind === 'final' ? 'snapshot' : l.kind;
            return {
              uuid: l.uuid,
              block: l.block,
              text: l.text,
              usage: lineUsage(r.usage, kind, l.placeholder, fixed),
              stop: kind === 'final' ? l.stop : null,
              tsMs: t,
            };
          }),
        });
      });
      return {
        sessions: sessions.map((s) => ({
          id: s.id,
          forkId: s.forkId,
          cwd: s.project === 3 ? '/home/dev/src/client work/app' : `/home/dev/src/project-${s.project}`,
        })),
        responses: out,
      };
    });
}

export function allLines(h: History): LineRef[] {
  return h.responses.flatMap((r, ri) => r.lines.map((_, li) => ({ r: ri, l: li })));
}

// ---- the expected ledger ------------------------------------------------------------------------

interface ExpectedRecord extends Usage {
  session: string;
  agent: string;
  model: string;
  speed: string;
  geo: string;
  ts: number;
  final: boolean;
}

function sizeClass(r: Usage): number {
  const total = r.input + r.cacheWrite + r.cacheRead;
  return total > 200_000 ? 2 : total > 100_000 ? 1 : 0;
}

export function dedupKey(r: ResponseSpec): string {
  return r.requestId === null ? r.messageId : `${r.messageId}:${r.requestId}`;
}

/** The records the rule gives for the lines in `present` (each line counted once however often written). */
export function expectedRecords(h: History, present: readonly LineRef[]): Map<string, ExpectedRecord> {
  const out = new Map<string, ExpectedRecord>();
  for (const { r: ri, l: li } of present) {
    const r = h.responses[ri];
    const l = r?.lines[li];
    const s = r === undefined ? undefined : h.sessions[r.session];
    if (r === undefined || l === undefined || s === undefined) throw new Error(`no line ${ri}/${li}`);
    const key = dedupKey(r);
    const cur = out.get(key);
    if (cur === undefined) {
      out.set(key, {
        ...l.usage,
        session: s.id,
        agent: r.agentId ?? 'main',
        model: r.model,
        speed: r.speed,
        geo: r.geo,
        ts: l.tsMs,
        final: l.stop !== null,
      });
      continue;
    }
    cur.input = Math.max(cur.input, l.usage.input);
    cur.output = Math.max(cur.output, l.usage.output);
    cur.cacheWrite = Math.max(cur.cacheWrite, l.usage.cacheWrite);
    cur.cacheWrite1h = Math.max(cur.cacheWrite1h, l.usage.cacheWrite1h);
    cur.cacheRead = Math.max(cur.cacheRead, l.usage.cacheRead);
    cur.webSearch = Math.max(cur.webSearch, l.usage.webSearch);
    cur.ts = Math.min(cur.ts, l.tsMs);
    cur.final ||= l.stop !== null;
  }
  return out;
}

/** The view of {@link ledgerView} that a correct ledger holding exactly `present` must give. */
export function expectedView(h: History, present: readonly LineRef[]): LedgerView {
  const view: LedgerView = { total: zeroSums(), bySession: {}, byAgent: {}, byBucket: {} };
  for (const rec of expectedRecords(h, present).values()) {
    const s: Sums = {
      input: rec.input,
      output: rec.output,
      cacheWrite: rec.cacheWrite,
      cacheWrite1h: rec.cacheWrite1h,
      cacheRead: rec.cacheRead,
      webSearch: rec.webSearch,
      responses: 1,
      lowerBound: rec.final ? 0 : 1,
    };
    addTo({ all: view.total }, 'all', s);
    addTo(view.bySession, rec.session, s);
    addTo(view.byAgent, rec.agent, s);
    const bucket = Math.floor(rec.ts / BUCKET_MS);
    addTo(view.byBucket, `${bucket}|${rec.model}|${sizeClass(rec)}|${rec.speed}|${rec.geo}`, s);
  }
  return view;
}

// ---- rendering ----------------------------------------------------------------------------------

function slugOf(cwd: string): string {
  return cwd.replace(/[^a-zA-Z0-9]/g, '-');
}

function block(r: ResponseSpec, l: LineSpec, index: number): Record<string, unknown> {
  if (l.block === 'thinking') return { type: 'thinking', thinking: l.text, signature: `sig${l.uuid}` };
  if (l.block === 'text') return { type: 'text', text: l.text };
  return {
    type: 'tool_use',
    id: `toolu_01${r.messageId.slice(6, 22)}${index}`,
    name: 'Bash',
    input: { command: l.text, description: 'Run it' },
  };
}

/** Where a copy of a line is written, and under which session id. */
export interface Copy {
  /** Path relative to the Claude config dir. */
  file: string;
  /** `sessionId` of the copy (a fork's own id), and the `requestSessionId` of a fork copy. */
  sessionId: string;
  requestSessionId: string | null;
  /** Relayed inside a `progress` line (FORMATS.md §8) instead of as an assistant line. */
  progress: boolean;
}

export function assistantRecord(h: History, ref: LineRef, copy: Copy): Record<string, unknown> {
  const r = h.responses[ref.r];
  const l = r?.lines[ref.l];
  const s = r === undefined ? undefined : h.sessions[r.session];
  if (r === undefined || l === undefined || s === undefined) throw new Error(`no line ${ref.r}/${ref.l}`);
  const u = l.usage;
  const rec: Record<string, unknown> = {
    parentUuid: ref.l === 0 ? null : (r.lines[ref.l - 1]?.uuid ?? null),
    isSidechain: r.agentId !== null,
  };
  if (r.agentId !== null) Object.assign(rec, { agentId: r.agentId, attributionAgent: 'general-purpose' });
  rec.message = {
    id: r.messageId,
    type: 'message',
    role: 'assistant',
    model: r.model,
    content: [block(r, l, ref.l)],
    stop_reason: l.stop,
    stop_sequence: null,
    usage: {
      input_tokens: u.input,
      cache_creation_input_tokens: u.cacheWrite,
      cache_read_input_tokens: u.cacheRead,
      output_tokens: u.output,
      output_tokens_details: { thinking_tokens: 0 },
      server_tool_use: { web_search_requests: u.webSearch, web_fetch_requests: 0 },
      service_tier: 'standard',
      cache_creation: {
        ephemeral_1h_input_tokens: u.cacheWrite1h,
        ephemeral_5m_input_tokens: u.cacheWrite - u.cacheWrite1h,
      },
      inference_geo: r.geo,
      iterations: [],
      speed: r.speed,
      fallback_credit: null,
    },
    stop_details: null,
  };
  rec.apiBlockIndex = ref.l;
  if (r.requestId !== null) rec.requestId = r.requestId;
  Object.assign(rec, {
    requestedModel: r.model,
    type: 'assistant',
    uuid: l.uuid,
    timestamp: new Date(l.tsMs).toISOString(),
    perTurnEffort: null,
    madeBy: 'model',
    userType: 'external',
    entrypoint: 'cli',
    cwd: s.cwd,
    sessionId: copy.sessionId,
  });
  if (copy.requestSessionId !== null) rec.requestSessionId = copy.requestSessionId;
  Object.assign(rec, { version: '2.1.330', gitBranch: 'main' });
  return rec;
}

export function renderLine(h: History, ref: LineRef, copy: Copy): string {
  const rec = assistantRecord(h, ref, copy);
  if (!copy.progress) return JSON.stringify(rec);
  const r = h.responses[ref.r];
  return JSON.stringify({
    parentUuid: null,
    isSidechain: false,
    type: 'progress',
    data: { type: 'agent_progress', agentId: r?.agentId, message: rec },
    parentToolUseID: `toolu_spawn_${r?.agentId}`,
    uuid: `p-${rec.uuid as string}`,
    timestamp: rec.timestamp,
    sessionId: copy.sessionId,
    cwd: rec.cwd,
    version: '2.1.330',
    gitBranch: 'main',
  });
}

/**
 * Lines that carry or look like usage but must not add anything (FORMATS.md §1.3, §1.7): a user
 * prompt, an Agent tool result with the subagent's last-request usage, a `<synthetic>` assistant
 * line, a summary, and a file-history snapshot quoting usage JSON.
 */
export function noiseLines(s: SessionSpec, n: number): string[] {
  const ts = new Date(T0).toISOString();
  const base = { cwd: s.cwd, sessionId: s.id, version: '2.1.330', gitBranch: 'main', userType: 'external' };
  const all = [
    {
      parentUuid: null,
      isSidechain: false,
      type: 'user',
      message: { role: 'user', content: 'do it' },
      uuid: `n1-${s.id}`,
      timestamp: ts,
      ...base,
    },
    {
      parentUuid: null,
      isSidechain: false,
      type: 'user',
      message: {
        role: 'user',
        content: [{ type: 'tool_result', tool_use_id: 'toolu_spawn_x', content: 'done' }],
      },
      toolUseResult: {
        status: 'completed',
        agentId: 'a742ec08c626366e4',
        usage: {
          input_tokens: 14,
          cache_creation_input_tokens: 4007,
          cache_read_input_tokens: 400,
          output_tokens: 44,
        },
        totalTokens: 4465,
      },
      uuid: `n2-${s.id}`,
      timestamp: ts,
      ...base,
    },
    {
      parentUuid: null,
      isSidechain: false,
      type: 'assistant',
      message: {
        id: `msg_synthetic_${s.id}`,
        type: 'message',
        role: 'assistant',
        model: '<synthetic>',
        content: [{ type: 'text', text: 'API Error' }],
        stop_reason: 'stop_sequence',
        usage: {
          input_tokens: 0,
          output_tokens: 0,
          cache_creation_input_tokens: 0,
          cache_read_input_tokens: 0,
        },
      },
      uuid: `n3-${s.id}`,
      timestamp: ts,
      ...base,
    },
    { type: 'summary', summary: 'Did "usage": {"input_tokens": 99}', leafUuid: `n1-${s.id}` },
    {
      type: 'file-history-snapshot',
      messageId: `n5-${s.id}`,
      snapshot: { trackedFileBackups: { 'a.json': '{"usage":{"input_tokens":7}}' } },
      isSnapshotUpdate: false,
    },
  ];
  return all.slice(0, n).map((o) => JSON.stringify(o));
}

// ---- layouts ------------------------------------------------------------------------------------

/**
 * Where a copy of a line goes: its own file (`home`: the session file, or the 2.1.2+ subagent file),
 * a fork copy of its session, and for subagent lines also the main session file (≤ 2.0.27), the flat
 * `agent-<id>.jsonl` (2.0.28–2.1.1) or a progress line in the main file.
 */
export type Dest = 'home' | 'fork' | 'mainFile' | 'flat' | 'progress';

export function copyFor(h: History, ref: LineRef, dest: Dest): Copy {
  const r = h.responses[ref.r];
  const s = r === undefined ? undefined : h.sessions[r.session];
  if (r === undefined || s === undefined) throw new Error(`no response ${ref.r}`);
  const project = path.join('projects', slugOf(s.cwd));
  const main: Copy = {
    file: path.join(project, `${s.id}.jsonl`),
    sessionId: s.id,
    requestSessionId: null,
    progress: false,
  };
  const d = r.agentId === null && dest !== 'fork' ? 'home' : dest;
  if (d === 'fork') {
    return {
      file: path.join(project, `${s.forkId}.jsonl`),
      sessionId: s.forkId,
      requestSessionId: s.id,
      progress: false,
    };
  }
  if (r.agentId === null || d === 'mainFile') return main;
  if (d === 'progress') return { ...main, progress: true };
  if (d === 'flat') return { ...main, file: path.join(project, `agent-${r.agentId}.jsonl`) };
  return { ...main, file: path.join(project, s.id, 'subagents', `agent-${r.agentId}.jsonl`) };
}

/** A deterministic PRNG (mulberry32), for shuffles drawn from one generated seed. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function shuffle<T>(items: T[], random: () => number): T[] {
  const a = [...items];
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    const x = a[i] as T;
    a[i] = a[j] as T;
    a[j] = x;
  }
  return a;
}

export interface LayoutChoice {
  /** Per line (cycled): where its copies go; every line is written at least once. */
  dests: Dest[][];
  /** Per line (cycled): extra identical copies in the first destination. */
  dups: number[];
  /** Shuffle the lines of every file. */
  shuffle: boolean;
  seed: number;
  /** Noise lines per file. */
  noise: number;
  /** Write some pairs of lines as two JSON objects on one line (FORMATS.md §8). */
  concatenate: boolean;
  /**
   * How lines end: LF, CRLF, or LF but none after the last line (FORMATS.md §8). `joinLast` also
   * writes the last two lines as one (two objects on the last line).
   */
  ending: 'lf' | 'crlf' | 'noFinalNewline';
  joinLast: boolean;
}

export const layoutArb: fc.Arbitrary<LayoutChoice> = fc.record({
  dests: fc.array(
    fc.uniqueArray(fc.constantFrom<Dest>('home', 'fork', 'mainFile', 'flat', 'progress'), {
      minLength: 1,
      maxLength: 3,
    }),
    { minLength: 1, maxLength: 10 },
  ),
  dups: fc.array(fc.nat(2), { minLength: 1, maxLength: 10 }),
  shuffle: fc.boolean(),
  seed: fc.integer(),
  noise: fc.nat(5),
  concatenate: fc.boolean(),
  ending: fc.constantFrom('lf', 'crlf', 'noFinalNewline'),
  joinLast: fc.constant(false),
});

/** The canonical layout: every line once, in its own file, in order. */
export const CANONICAL: LayoutChoice = {
  dests: [['home']],
  dups: [0],
  shuffle: false,
  seed: 1,
  noise: 0,
  concatenate: false,
  ending: 'lf',
  joinLast: false,
};

/** Renders the files of a layout: path relative to the config dir → content. */
export function layoutFiles(h: History, choice: LayoutChoice): Map<string, string> {
  const lines = new Map<string, string[]>();
  const add = (file: string, line: string) => {
    const list = lines.get(file) ?? [];
    list.push(line);
    lines.set(file, list);
  };
  allLines(h).forEach((ref, i) => {
    const dests = choice.dests[i % choice.dests.length] ?? ['home'];
    const dups = choice.dups[i % choice.dups.length] ?? 0;
    dests.forEach((dest, k) => {
      const copy = copyFor(h, ref, dest);
      const text = renderLine(h, ref, copy);
      for (let n = 0; n <= (k === 0 ? dups : 0); n++) add(copy.file, text);
    });
  });
  for (const s of h.sessions) {
    for (const n of noiseLines(s, choice.noise))
      add(path.join('projects', slugOf(s.cwd), `${s.id}.jsonl`), n);
  }
  const random = prng(choice.seed);
  const out = new Map<string, string>();
  for (const [file, list] of [...lines.entries()].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const ordered = choice.shuffle ? shuffle(list, random) : list;
    const eol = choice.ending === 'crlf' ? '\r\n' : '\n';
    let text = '';
    ordered.forEach((line, i) => {
      const last = i === ordered.length - 1;
      const beforeLast = i === ordered.length - 2;
      const join = beforeLast ? choice.joinLast : !last && choice.concatenate && random() < 0.25;
      text += line + (join ? '' : eol);
    });
    out.set(file, choice.ending === 'noFinalNewline' ? text.slice(0, -eol.length) : text);
  }
  return out;
}

/** Writes a layout's files under `dir`. */
export function writeFiles(dir: string, files: Map<string, string>): void {
  for (const [rel, text] of files) {
    const file = path.join(dir, rel);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, text);
  }
}

// ---- what is on disk ----------------------------------------------------------------------------

/**
 * Splits `{...}{...}` into its top-level objects (string-aware). With `leading`, the complete objects
 * before a truncated one are kept (an unterminated last line still being written: what is already
 * complete counts); otherwise a line with a truncated object yields nothing.
 */
function objectsOf(text: string, leading = false): unknown[] {
  try {
    return [JSON.parse(text)];
  } catch {
    // Two or more objects on one line, or a truncated line.
  }
  const out: unknown[] = [];
  let depth = 0;
  let inString = false;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (c === '{') depth++;
    else if (c === '}' && --depth === 0) {
      out.push(JSON.parse(text.slice(start, i + 1)));
      start = i + 1;
    }
  }
  return leading || (depth === 0 && text.slice(start).trim() === '') ? out : [];
}

/**
 * The lines of the history that the given file contents hold completely: every line ended by a
 * newline, and from a last line without one every whole JSON object it starts with (FORMATS.md §8; a
 * partial object still being written is left for the next import). Progress lines count for the response they relay.
 */
export function completeLines(h: History, contents: Iterable<string>): LineRef[] {
  const byKey = new Map(h.responses.map((r, i) => [dedupKey(r), i] as const));
  const refs: LineRef[] = [];
  const visit = (o: unknown) => {
    if (typeof o !== 'object' || o === null) return;
    const rec = o as {
      type?: unknown;
      data?: { message?: unknown };
      message?: unknown;
      requestId?: unknown;
      apiBlockIndex?: unknown;
    };
    if (rec.type === 'progress') return visit(rec.data?.message);
    const m = rec.message as { id?: unknown; model?: unknown } | undefined;
    if (rec.type !== 'assistant' || m === undefined || m.model === '<synthetic>') return;
    const key = typeof rec.requestId === 'string' ? `${String(m.id)}:${rec.requestId}` : String(m.id);
    const r = byKey.get(key);
    if (r === undefined || typeof rec.apiBlockIndex !== 'number') throw new Error(`unknown line ${key}`);
    refs.push({ r, l: rec.apiBlockIndex });
  };
  for (const text of contents) {
    const segments = text.split('\n');
    const last = segments.pop() ?? '';
    for (const seg of segments) for (const o of objectsOf(seg)) visit(o);
    for (const o of objectsOf(last, true)) visit(o);
  }
  return refs;
}

// ---- chunked appends ----------------------------------------------------------------------------

const cutArb = fc.record({
  at: fc.double({ min: 0, max: 1, noNaN: true }),
  /** Snap the cut to just before a newline (a complete line without its newline) or just after. */
  snap: fc.constantFrom('none', 'none', 'beforeNewline', 'afterNewline'),
});

export const chunkPlanArb = fc.record({
  /** Per file (cycled): where its bytes are cut into appends. */
  cuts: fc.array(fc.array(cutArb, { maxLength: 12 }), { minLength: 1, maxLength: 6 }),
  /** Also cut after every line (a live session: one import per written line). */
  everyLine: fc.oneof(
    { arbitrary: fc.constant(true), weight: 3 },
    { arbitrary: fc.constant(false), weight: 1 },
  ),
  /** Per file (cycled): the import round in which it first appears. */
  start: fc.array(fc.nat(2), { minLength: 1, maxLength: 6 }),
});

export type ChunkPlan = typeof chunkPlanArb extends fc.Arbitrary<infer T> ? T : never;

function cutPositions(bytes: Buffer, cuts: ChunkPlan['cuts'][number], everyLine: boolean): number[] {
  const lineEnds: number[] = [];
  for (let nl = bytes.indexOf(0x0a); everyLine && nl >= 0; nl = bytes.indexOf(0x0a, nl + 1))
    lineEnds.push(nl + 1);
  const random = cuts.map(({ at, snap }) => {
    const p = Math.floor(at * bytes.length);
    if (snap === 'none') return p;
    const nl = bytes.indexOf(0x0a, p);
    if (nl < 0) return p;
    return snap === 'beforeNewline' ? nl : nl + 1;
  });
  return [...new Set([...lineEnds, ...random])]
    .filter((p) => p > 0 && p < bytes.length)
    .sort((a, b) => a - b);
}

/** The appends of each import round: [file, bytes] pairs. */
export function appendRounds(files: Map<string, string>, plan: ChunkPlan): [string, Buffer][][] {
  const rounds: [string, Buffer][][] = [];
  [...files.entries()].forEach(([file, text], k) => {
    const bytes = Buffer.from(text);
    const cuts = cutPositions(bytes, plan.cuts[k % plan.cuts.length] ?? [], plan.everyLine);
    const bounds = [0, ...cuts, bytes.length];
    const start = plan.start[k % plan.start.length] ?? 0;
    for (let i = 0; i + 1 < bounds.length; i++) {
      const round = rounds[start + i] ?? [];
      round.push([file, bytes.subarray(bounds[i], bounds[i + 1])]);
      rounds[start + i] = round;
    }
  });
  return Array.from(rounds, (r) => r ?? []);
}
