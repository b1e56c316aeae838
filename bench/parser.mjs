#!/usr/bin/env node
// `npm run bench:parser`: throughput of the `claude -p` output parser
// (src/capture/claude/stream, compiled to dist/) on a ~256 MB stream-json output made in memory.
//
//   criterion   ≥ 200 MB/s for (a) parseClaudeOutput(whole Buffer) and
//               (b) ClaudeStreamParser.write() fed 64 KiB chunks, then end()
//
// The output is realistic (FORMATS §3.2): a system/init event; per turn one API response written as
// several assistant events (one per content block, each repeating the message_start usage with a
// placeholder output_tokens, #6805), --include-partial-messages stream_event lines (message_start,
// content_block_delta, message_delta with the final output count) for the main thread, subagent
// responses without stream events, user tool_result events with 5–50 KB of tool output (escaped
// JSON, with 2-, 3- and 4-byte UTF-8), system task/hook events, rate_limit_event and api_retry
// events, and a final result event whose modelUsage is the ground truth.
//
// The parsed numbers are checked against the generator's ground truth (exit 1 on a mismatch): the
// result path on the whole output, and the assistant-event fallback (deduplicated per message.id)
// on the output cut before the result line, whole and in chunks.
//
//   npm run build && node bench/parser.mjs [--mb 256] [--runs 5]
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { ClaudeStreamParser, parseClaudeOutput } from '../dist/capture/claude/stream/index.js';

const { values: args } = parseArgs({
  options: { mb: { type: 'string', default: '256' }, runs: { type: 'string', default: '5' } },
});
const TARGET_BYTES = Math.round(Number(args.mb) * 1e6);
const RUNS = Number(args.runs);
const CHUNK = 64 * 1024;
const CRITERION_MBPS = 200;

// --- deterministic generator ---------------------------------------------------------------------

let seed = 0x2545f491;
/** xorshift32 in [0, 1). */
function rand() {
  seed ^= seed << 13;
  seed ^= seed >>> 17;
  seed ^= seed << 5;
  return (seed >>> 0) / 2 ** 32;
}
const randInt = (lo, hi) => lo + Math.floor(rand() * (hi - lo + 1));
const pick = (xs) => xs[Math.floor(rand() * xs.length)];
const hex = (n) => Array.from({ length: n }, () => '0123456789abcdef'[randInt(0, 15)]).join('');
const uuid = () => `${hex(8)}-${hex(4)}-4${hex(3)}-a${hex(3)}-${hex(12)}`;

const SESSION = uuid();
const MAIN_MODEL = 'claude-sonnet-4-5-20250929';
const SUB_MODEL = 'claude-haiku-4-5-20251001';

/** Lines of tool output: code, logs, JSON, and text in several scripts (2-, 3-, 4-byte UTF-8). */
const OUTPUT_LINES = [
  'export function parse(text: string): Result { return { ok: true, value: JSON.parse(text) }; }',
  '  at Object.<anonymous> (/home/dev/proj/src/index.ts:42:13)\tat Module._compile (node:internal)',
  '{"type":"assistant","message":{"id":"msg_fake","usage":{"input_tokens":999999}}}',
  'PASS  src/capture/claude/stream/parse-output.test.ts (52 tests) 311ms — all green ✓',
  'Résumé: les données ont été traitées sans erreur; coût estimé 0,42 €.',
  '日本語のログ: 処理が完了しました。ファイル数 = 128、警告なし。',
  '한국어 메시지: 작업이 성공적으로 완료되었습니다.',
  'Журнал: загружено 17 файлов, пропущено 0.',
  'emoji status 🚀✅🔥 — build finished in 12.3 s 😀',
  'C:\\Users\\dev\\proj\\node_modules\\.bin\\tsc "quoted" \'single\' <tag attr="x">&amp;</tag>',
  '    "session_id": "not-a-real-session", "type": "result", "total_cost_usd": 123.45,',
  'diff --git a/src/a.ts b/src/a.ts\n@@ -1,3 +1,4 @@\n-old line\n+new line',
  '\u001b[32m✔\u001b[39m 1024 modules transformed. \u0000\u0007 control characters too',
];
/** Tool output of about `bytes` UTF-8 bytes (raw, before JSON escaping). */
function toolOutput(bytes) {
  const parts = [];
  let size = 0;
  let n = 0;
  while (size < bytes) {
    const line = `${String(++n).padStart(5, ' ')}→${pick(OUTPUT_LINES)}`;
    parts.push(line);
    size += Buffer.byteLength(line) + 1;
  }
  return parts.join('\n');
}

const usageJson = (u, output) => ({
  input_tokens: u.input,
  cache_creation_input_tokens: u.cacheWrite,
  cache_read_input_tokens: u.cacheRead,
  cache_creation: {
    ephemeral_5m_input_tokens: u.cacheWrite - u.cacheWrite1h,
    ephemeral_1h_input_tokens: u.cacheWrite1h,
  },
  output_tokens: output,
  service_tier: 'standard',
});

/** Ground truth: per model, the deduplicated sums over all responses. */
const truth = new Map();
function account(model, u) {
  let t = truth.get(model);
  if (t === undefined) {
    t = {
      inputTokens: 0,
      outputTokens: 0,
      cacheCreationInputTokens: 0,
      cacheReadInputTokens: 0,
      cacheCreation1hInputTokens: 0,
      webSearchRequests: 0,
      costUsd: 0,
      fallbackOutput: 0,
      fallbackFinal: true,
    };
    truth.set(model, t);
  }
  t.inputTokens += u.input;
  t.outputTokens += u.output;
  t.cacheCreationInputTokens += u.cacheWrite;
  t.cacheReadInputTokens += u.cacheRead;
  t.cacheCreation1hInputTokens += u.cacheWrite1h;
  // What the assistant-event fallback can know: the final count from a message_delta, else the placeholder.
  t.fallbackOutput += u.streamed ? u.output : u.placeholder;
  if (!u.streamed) t.fallbackFinal = false;
  // Fixed-point cost so the sum is exact: $3 / $15 / $3.75 / $6 / $0.30 per MTok (sonnet), 1/3 of it for haiku.
  const scale = model === MAIN_MODEL ? 3 : 1;
  t.costUsd +=
    scale *
    (u.input * 100 +
      u.output * 500 +
      (u.cacheWrite - u.cacheWrite1h) * 125 +
      u.cacheWrite1h * 200 +
      u.cacheRead * 10);
}

const counts = {
  lines: 0,
  events: 0,
  assistantEvents: 0,
  responses: 0,
  userEvents: 0,
  streamEvents: 0,
  rateLimitEvents: 0,
  retries: 0,
};
const buf = Buffer.allocUnsafe(TARGET_BYTES + 8 * 2 ** 20);
let used = 0;
function emit(obj) {
  used += buf.write(JSON.stringify(obj), used, 'utf8');
  buf[used++] = 0x0a;
  counts.lines++;
  counts.events++;
}

function response(turn, sub) {
  const model = sub ? SUB_MODEL : MAIN_MODEL;
  const id = `msg_01${hex(22)}`;
  const requestId = `req_011C${hex(20)}`;
  const cacheWrite = randInt(0, 20_000);
  const u = {
    input: randInt(1, 40),
    output: randInt(20, 4_000),
    placeholder: randInt(1, 10),
    cacheWrite,
    cacheWrite1h: rand() < 0.3 ? randInt(0, cacheWrite) : 0,
    cacheRead: randInt(0, 150_000),
    streamed: !sub && rand() < 0.5,
  };
  account(model, u);
  counts.responses++;
  const parent = sub ? `toolu_sub_${turn}` : null;
  const extra = sub ? { agent_id: `a${hex(16)}`, subagent_type: 'general-purpose' } : {};
  const stream = (event) => {
    emit({ type: 'stream_event', event, session_id: SESSION, parent_tool_use_id: parent, uuid: uuid() });
    counts.streamEvents++;
  };
  const message = { id, type: 'message', role: 'assistant', model, stop_reason: null, stop_sequence: null };
  if (u.streamed)
    stream({
      type: 'message_start',
      message: { ...message, content: [], usage: usageJson(u, u.placeholder) },
    });
  const toolId = `toolu_01${hex(20)}`;
  const blocks = [
    {
      type: 'thinking',
      thinking: `Let me think about step ${turn}. ${toolOutput(randInt(200, 1500))}`,
      signature: hex(344),
    },
    { type: 'text', text: `Now I will run the next command for turn ${turn} — “quotes” and ✓.` },
    {
      type: 'tool_use',
      id: toolId,
      name: pick(['Bash', 'Read', 'Grep', 'Edit']),
      input: { command: `rg -n "type\\":\\"result" src/ | head -${turn % 50}`, description: 'search' },
    },
  ].slice(0, randInt(1, 3));
  for (const [index, block] of blocks.entries()) {
    if (u.streamed) {
      stream({ type: 'content_block_start', index, content_block: { ...block, text: '', thinking: '' } });
      for (let k = 0; k < 3; k++)
        stream({
          type: 'content_block_delta',
          index,
          delta: { type: 'text_delta', text: `piece ${k} of ${turn} é` },
        });
      stream({ type: 'content_block_stop', index });
    }
    emit({
      type: 'assistant',
      message: { ...message, content: [block], usage: usageJson(u, u.placeholder), context_management: null },
      parent_tool_use_id: parent,
      session_id: SESSION,
      uuid: uuid(),
      timestamp: new Date(1_795_000_000_000 + turn * 1000).toISOString(),
      request_id: requestId,
      ...extra,
    });
    counts.assistantEvents++;
  }
  if (u.streamed) {
    stream({
      type: 'message_delta',
      delta: { stop_reason: 'tool_use', stop_sequence: null },
      usage: { output_tokens: u.output },
    });
    stream({ type: 'message_stop' });
  }
  // The tool's result: 5–50 KB of output.
  emit({
    type: 'user',
    message: {
      role: 'user',
      content: [
        {
          tool_use_id: toolId,
          type: 'tool_result',
          content: toolOutput(randInt(5_000, 50_000)),
          is_error: false,
        },
      ],
    },
    parent_tool_use_id: parent,
    session_id: SESSION,
    uuid: uuid(),
    timestamp: new Date(1_795_000_000_000 + turn * 1000 + 500).toISOString(),
    tool_use_result: { stdout: '(see content)', stderr: '', interrupted: false },
  });
  counts.userEvents++;
}

const t0 = performance.now();
emit({
  type: 'system',
  subtype: 'hook_started',
  hook_id: uuid(),
  hook_name: 'SessionStart:startup',
  hook_event: 'SessionStart',
  uuid: uuid(),
  session_id: SESSION,
});
emit({
  type: 'system',
  subtype: 'init',
  cwd: '/home/dev/proj',
  session_id: SESSION,
  tools: ['Task', 'Bash', 'Edit', 'Read', 'Write', 'Grep', 'Glob', 'WebFetch', 'WebSearch'],
  mcp_servers: [],
  model: MAIN_MODEL,
  permissionMode: 'default',
  apiKeySource: 'ANTHROPIC_API_KEY',
  claude_code_version: '2.1.330',
  output_style: 'default',
  agents: ['general-purpose'],
  skills: [],
  plugins: [],
  uuid: uuid(),
});
const limits = {};
let limitedUntil = null;
let turn = 0;
while (used < TARGET_BYTES) {
  turn++;
  response(turn, false);
  if (turn % 7 === 0) {
    emit({
      type: 'system',
      subtype: 'task_started',
      task_id: `t${turn}`,
      tool_use_id: `toolu_sub_${turn}`,
      description: 'subtask',
      uuid: uuid(),
      session_id: SESSION,
    });
    for (let k = randInt(1, 3); k > 0; k--) {
      response(turn, true);
      emit({
        type: 'system',
        subtype: 'task_progress',
        task_id: `t${turn}`,
        usage: { total_tokens: randInt(1000, 90_000), tool_uses: k, duration_ms: 900 },
        uuid: uuid(),
        session_id: SESSION,
      });
    }
  }
  if (turn % 53 === 0) {
    const rateLimitType = pick(['five_hour', 'seven_day', 'seven_day_opus']);
    const status = pick(['allowed', 'allowed', 'allowed_warning', 'rejected']);
    const resetsAt = 1_795_000_000 + turn * 60;
    emit({
      type: 'rate_limit_event',
      rate_limit_info: { status, resetsAt, rateLimitType, utilization: rand() },
      uuid: uuid(),
      session_id: SESSION,
    });
    counts.rateLimitEvents++;
    limits[rateLimitType] = { status, rateLimitType, resetsAt: resetsAt * 1000, utilization: null };
    if (status === 'rejected') limitedUntil = Math.max(limitedUntil ?? 0, resetsAt * 1000);
  }
  if (turn % 211 === 0) {
    emit({
      type: 'system',
      subtype: 'api_retry',
      attempt: 1,
      max_retries: 10,
      retry_delay_ms: 532,
      error_status: 529,
      error: 'overloaded',
      uuid: uuid(),
      session_id: SESSION,
    });
    counts.retries++;
  }
}
const resultStart = used;
const modelUsage = {};
let totalCost = 0;
for (const [model, t] of truth) {
  const costUSD = t.costUsd / 1e8;
  totalCost += t.costUsd;
  modelUsage[model] = {
    inputTokens: t.inputTokens,
    outputTokens: t.outputTokens,
    cacheReadInputTokens: t.cacheReadInputTokens,
    cacheCreationInputTokens: t.cacheCreationInputTokens,
    webSearchRequests: 0,
    costUSD,
    contextWindow: 200000,
    maxOutputTokens: 32000,
    thinkingTokens: 0,
    cacheCreationEphemeral5mInputTokens: t.cacheCreationInputTokens - t.cacheCreation1hInputTokens,
    cacheCreationEphemeral1hInputTokens: t.cacheCreation1hInputTokens,
    canonicalModel: model.replace(/-\d{8}$/, ''),
    provider: 'firstParty',
    costBasis: 'list',
  };
}
const truthCost = totalCost / 1e8;
emit({
  type: 'result',
  subtype: 'success',
  is_error: false,
  api_error_status: null,
  num_turns: turn,
  duration_ms: turn * 1000,
  duration_api_ms: turn * 700,
  stop_reason: 'end_turn',
  terminal_reason: 'completed',
  session_id: SESSION,
  uuid: uuid(),
  result: 'All done.',
  total_cost_usd: truthCost,
  usage: usageJson({ input: 1, cacheWrite: 0, cacheWrite1h: 0, cacheRead: 0 }, 1),
  modelUsage,
  permission_denials: [],
  fast_mode_state: 'off',
  result_index: 0,
});
const data = buf.subarray(0, used);
const genMs = performance.now() - t0;
const MB = data.length / 1e6;

// --- correctness against the ground truth -------------------------------------------------------

const problems = [];
function check(label, actual, expected) {
  const a = JSON.stringify(actual);
  const e = JSON.stringify(expected);
  if (a !== e) problems.push(`${label}: got ${a.slice(0, 400)}, expected ${e.slice(0, 400)}`);
}
const tokensOf = (m) => [
  m.inputTokens,
  m.outputTokens,
  m.cacheCreationInputTokens,
  m.cacheReadInputTokens,
  m.cacheCreation1hInputTokens,
  m.webSearchRequests,
];
const modelsTruth = Object.fromEntries([...truth].map(([k, t]) => [k, tokensOf(t)]));
const modelsOf = (run) => Object.fromEntries(Object.entries(run.models).map(([k, m]) => [k, tokensOf(m)]));
const rateLimitsOf = (run) => ({
  limits: Object.fromEntries(
    Object.entries(run.rateLimits.limits).map(([k, v]) => [k, { ...v, utilization: null }]),
  ),
  limitedUntil: run.rateLimits.limitedUntil,
  apiRetries: run.rateLimits.apiRetries,
});
const rateTruth = { limits, limitedUntil, apiRetries: counts.retries };

function checkWhole(label, run) {
  check(`${label} source`, run.source, 'result');
  check(`${label} models`, modelsOf(run), modelsTruth);
  check(
    `${label} cost per model`,
    Object.values(run.models).map((m) => m.costUsd),
    [...truth.values()].map((t) => t.costUsd / 1e8),
  );
  check(`${label} total cost`, run.totalCostUsd, truthCost);
  check(
    `${label} turns/durations`,
    [run.numTurns, run.durationMs, run.durationApiMs],
    [turn, turn * 1000, turn * 700],
  );
  check(
    `${label} session/version/model`,
    [run.sessionId, run.claudeCodeVersion, run.model],
    [SESSION, '2.1.330', MAIN_MODEL],
  );
  check(`${label} rate limits`, rateLimitsOf(run), rateTruth);
  check(`${label} stats`, run.stats, {
    lines: counts.lines,
    events: counts.events,
    assistantEvents: counts.assistantEvents,
    nonJsonLines: 0,
    foreignJsonLines: 0,
  });
  check(
    `${label} complete/error`,
    [run.complete, run.isError, run.resultCount, run.afterLastResult],
    [true, false, 1, null],
  );
  check(`${label} warnings`, run.warnings, [
    `${counts.retries} API request(s) were retried (system/api_retry): Claude Code 2.1.3xx adds an aborted attempt's message_start usage to modelUsage and total_cost_usd, so the totals can exceed what the responses report`,
  ]);
}
function checkCut(label, run) {
  // Without the result event: every response once per message.id, output final only where streamed.
  check(`${label} source`, run.source, 'assistant-events');
  check(
    `${label} models`,
    Object.fromEntries(
      Object.entries(run.models).map(([k, m]) => [k, [...tokensOf(m), m.outputTokensLowerBound]]),
    ),
    Object.fromEntries(
      [...truth].map(([k, t]) => [
        k,
        [
          t.inputTokens,
          t.fallbackOutput,
          t.cacheCreationInputTokens,
          t.cacheReadInputTokens,
          t.cacheCreation1hInputTokens,
          0,
          !t.fallbackFinal,
        ],
      ]),
    ),
  );
  check(
    `${label} stats`,
    [run.stats.events, run.stats.assistantEvents],
    [counts.events - 1, counts.assistantEvents],
  );
  check(`${label} rate limits`, rateLimitsOf(run), rateTruth);
}

function parseInChunks(bytes) {
  const parser = new ClaudeStreamParser();
  for (let i = 0; i < bytes.length; i += CHUNK)
    parser.write(bytes.subarray(i, Math.min(i + CHUNK, bytes.length)));
  return parser.end();
}

const cut = data.subarray(0, resultStart);
checkWhole('whole', parseClaudeOutput(data));
checkWhole('chunked', parseInChunks(data));
checkCut('cut whole', parseClaudeOutput(cut));
checkCut('cut chunked', parseInChunks(cut));

// --- throughput -----------------------------------------------------------------------------------

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
function measure(fn) {
  const rates = [];
  for (let r = 0; r < RUNS; r++) {
    globalThis.gc?.();
    const start = performance.now();
    const run = fn();
    const ms = performance.now() - start;
    if (run.source !== 'result') problems.push(`a timed run gave source ${run.source}`);
    rates.push(MB / (ms / 1000));
  }
  return { median: median(rates), rates };
}
const whole = measure(() => parseClaudeOutput(data));
const chunked = measure(() => parseInChunks(data));

const fmt = (x) => x.toFixed(0);
const mark = (r) => (r.median >= CRITERION_MBPS ? '✅' : '❌');
const rss = process.memoryUsage().rss / 2 ** 20;
console.log(
  `generated ${MB.toFixed(1)} MB in ${(genMs / 1000).toFixed(1)} s: ${counts.lines} lines, ${counts.responses} responses, ` +
    `${counts.assistantEvents} assistant events, ${counts.streamEvents} stream events, ${counts.userEvents} tool results, ` +
    `${counts.rateLimitEvents} rate-limit events; node ${process.version}, RSS ${rss.toFixed(0)} MiB`,
);
console.log(
  `runs (MB/s): whole ${whole.rates.map(fmt).join(' ')} | 64 KiB chunks ${chunked.rates.map(fmt).join(' ')}`,
);
console.log(
  `| parser (${MB.toFixed(0)} MB stream-json, median of ${RUNS}) | parseClaudeOutput(Buffer) ${fmt(whole.median)} MB/s ${mark(whole)} | ` +
    `ClaudeStreamParser 64 KiB chunks ${fmt(chunked.median)} MB/s ${mark(chunked)} | criterion ≥ ${CRITERION_MBPS} MB/s | ` +
    `totals ${problems.length === 0 ? '✅ equal ground truth' : '❌ differ from ground truth'} |`,
);
if (problems.length > 0) {
  for (const p of problems) console.error(`MISMATCH ${p}`);
  process.exit(1);
}
