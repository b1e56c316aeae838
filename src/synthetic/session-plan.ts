/**
 * What a synthetic history holds before it is written: its sessions, their projects, models,
 * transcript styles and sizes.
 * @module
 */

import type { Prng } from '../util/prng.js';
import type { TokenCounts } from '../util/token-counts.js';

export interface GenerateHistoryOptions {
  /** Written as a Claude config dir: `<configDir>/projects/...`. */
  configDir: string;
  seed?: number;
  /** Approximate total size of all transcript files. */
  targetBytes: number;
  /** Approximate number of transcript files (main sessions plus subagent files). */
  fileCount: number;
  /** The last day (UTC) that gets usage. */
  endDate: Date;
  days: number;
  /** Relay some subagent responses as progress lines in the parent file too (FORMATS.md §8). */
  progressCopies?: boolean;
  /** Write some sessions again as `--fork-session` copies (FORMATS.md §1.1). */
  forkCopies?: boolean;
  onProgress?: (writtenBytes: number) => void;
}

const MODELS_MAIN: readonly (readonly [string, number])[] = [
  ['claude-sonnet-4-5-20250929', 5],
  ['claude-opus-4-6', 3],
  ['claude-opus-4-5-20251101', 1],
  ['claude-sonnet-4-6', 1],
];
export const MODELS_SUB: readonly (readonly [string, number])[] = [
  ['claude-haiku-4-5-20251001', 5],
  ['claude-sonnet-4-5-20250929', 3],
  ['claude-opus-4-6', 1],
];
export const AGENT_TYPES = [
  'general-purpose',
  'Explore',
  'Plan',
  'code-reviewer',
  'implementer',
  'analyst',
] as const;
const BRANCHES = ['main', 'main', 'main', 'feat/ledger', 'fix/dedupe', 'HEAD'] as const;
export type Style = 'v2.1.330' | 'v2.1.100' | 'v2.0.77';
export const STYLE_VERSION: Record<Style, string> = {
  'v2.1.330': '2.1.330',
  'v2.1.100': '2.1.100',
  'v2.0.77': '2.0.77',
};

export interface SessionPlan {
  sessionId: string;
  cwd: string;
  branch: string;
  style: Style;
  model: string;
  startMs: number;
  mainBytes: number;
  subagentBytes: number[];
  noRequestId: boolean;
}

export function planSessions(o: GenerateHistoryOptions, rng: Prng): SessionPlan[] {
  const projects = Array.from({ length: Math.max(2, Math.round(o.fileCount / 40)) }, (_, i) =>
    i % 7 === 3 ? `/home/dev/src/client work/app-${i}` : `/home/dev/src/project-${i}`,
  );
  const sizes: number[] = [];
  const plans: SessionPlan[] = [];
  const dayMs = 86_400_000;
  const firstDay =
    Date.UTC(o.endDate.getUTCFullYear(), o.endDate.getUTCMonth(), o.endDate.getUTCDate()) -
    (o.days - 1) * dayMs;
  let files = 0;
  while (files < o.fileCount) {
    const subagents = rng.chance(0.22) ? rng.int(1, 3) : 0;
    const style = rng.weighted<Style>([
      ['v2.1.330', 6],
      ['v2.1.100', 3],
      ['v2.0.77', 1],
    ]);
    const plan: SessionPlan = {
      sessionId: rng.uuid(),
      cwd: rng.pick(projects),
      branch: rng.pick(BRANCHES),
      style,
      model: rng.weighted(MODELS_MAIN),
      // Start between 00:00 and 20:00 UTC so a session rarely crosses midnight mid-response.
      startMs: firstDay + rng.int(0, o.days - 1) * dayMs + rng.int(0, 20 * 3600) * 1000,
      mainBytes: 0,
      subagentBytes: [],
      noRequestId: rng.chance(0.03),
    };
    plan.mainBytes = sampleSize(rng, sizes);
    for (let i = 0; i < subagents; i++) plan.subagentBytes.push(sampleSize(rng, sizes));
    plans.push(plan);
    files += 1 + subagents;
  }
  // Scale every file so the total hits the target.
  const sum = sizes.reduce((a, b) => a + b, 0);
  const scale = o.targetBytes / sum;
  for (const p of plans) {
    p.mainBytes = Math.max(2_000, Math.round(p.mainBytes * scale));
    p.subagentBytes = p.subagentBytes.map((b) => Math.max(2_000, Math.round(b * scale)));
  }
  return plans;
}

function sampleSize(rng: Prng, sizes: number[]): number {
  // Log-normal around the profile of a heavy user's files: p50 ~105 KB, p90 ~650 KB.
  const s = Math.min(rng.logNormal(105_000, 1.43), 90_000_000);
  sizes.push(s);
  return s;
}

/** A pool of filler text; slices of it stand in for tool output and file contents. */
export function fillerPool(rng: Prng): string {
  const words = [
    'const',
    'value',
    'return',
    'import',
    'function',
    'ledger',
    'token',
    'usage',
    'export',
    'test',
  ];
  const parts: string[] = [];
  let size = 0;
  while (size < 1 << 20) {
    const w = rng.pick(words);
    // Now and then a quote, backslash or an escaped usage marker, as real tool output has.
    const extra = rng.chance(0.01) ? ' "usage":{"input_tokens":5} \\ ' : rng.chance(0.05) ? '\n' : ' ';
    parts.push(w, extra);
    size += w.length + extra.length;
  }
  return parts.join('');
}

/** The usage of one response of a session's `turnIndex`th turn. */
export function sampleUsage(rng: Prng, model: string, turnIndex: number): TokenCounts {
  const big = rng.chance(0.01);
  const cacheWrite = rng.chance(0.7) ? rng.int(0, 12_000) : 0;
  return {
    input: rng.int(1, 400),
    output: rng.int(20, model.includes('haiku') ? 900 : 3_000),
    cacheWrite,
    cacheWrite1h: rng.chance(0.15) ? Math.floor(cacheWrite / 2) : 0,
    cacheRead: big ? rng.int(200_001, 400_000) : Math.min(190_000, 8_000 + turnIndex * rng.int(500, 3_000)),
    webSearch: rng.chance(0.01) ? rng.int(1, 3) : 0,
  };
}
