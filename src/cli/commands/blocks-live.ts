/**
 * `tokenledger blocks --live`: the active billing block, redrawn in place on the terminal every few
 * seconds until Ctrl-C. Each refresh (an incremental import and the sums of the current window) is
 * src/app/live-blocks.ts; this is the terminal's redraw loop.
 * @module
 */
import pc from 'picocolors';
import { type BlockSummary, HOUR_MS } from '../../analysis/blocks.js';
import { limitStatusOf } from '../../app/blocks-usage.js';
import { startLiveBlocks } from '../../app/live-blocks.js';
import { ExitCode, UserError } from '../../util/errors.js';
import { formatInt } from '../../util/format.js';
import { totalTokens } from '../../util/token-counts.js';
import { activeBlockLines, duration, limitWarning, localTime } from '../blocks-output.js';
import { clockOf, openSession } from '../context.js';
import { isTerminalFd, writeErr, writeOut } from '../io.js';
import { detectTerminal } from '../render/terminal.js';
import { type BlocksOptions, blocksQueryOf, parseTokenLimit } from './blocks-options.js';

const HIDE_CURSOR = '\u001b[?25l';
const SHOW_CURSOR = '\u001b[?25h';
const HOME = '\u001b[H';
const CLEAR_LINE = '\u001b[K';
const CLEAR_BELOW = '\u001b[J';

export function parseRefreshInterval(value: string): number {
  const seconds = Number(value);
  if (value.trim() === '' || !Number.isFinite(seconds) || seconds < 0.5 || seconds > 3600) {
    throw new UserError(
      `--refresh-interval "${value}" is not a number of seconds from 0.5 to 3600 (default 5).`,
      ExitCode.usage,
    );
  }
  return seconds * 1000;
}

/** `[██████░░░░]`: `share` (0–1, clamped) of `width` cells. */
export function bar(share: number, width: number): string {
  const full = Math.round(Math.min(1, Math.max(0, share)) * width);
  return `[${'█'.repeat(full)}${'░'.repeat(width - full)}]`;
}

export interface LiveFrame {
  active: BlockSummary | null;
  limit: number | null;
  /** Where the limit comes from, e.g. `largest completed block`. */
  limitSource: string;
  sessionMs: number;
}

/** One screen of the live view, as lines. */
export function liveLines(
  f: LiveFrame,
  view: {
    clock: Parameters<typeof activeBlockLines>[1]['clock'];
    nowMs: number;
    width: number;
    color: boolean;
  },
  intervalMs: number,
): string[] {
  const c = pc.createColors(view.color);
  const lines = [
    c.bold(
      `tokenledger blocks --live · ${localTime(view.clock, view.nowMs).slice(11)}:${String(new Date(view.nowMs).getUTCSeconds()).padStart(2, '0')} · every ${intervalMs / 1000} s · Ctrl-C to quit`,
    ),
    '',
  ];
  const b = f.active;
  if (b === null) {
    lines.push(`No active block: nothing was used in the last ${f.sessionMs / HOUR_MS} h.`);
    lines.push('A block starts with the next response.');
    return lines;
  }
  lines.push(...activeBlockLines(b, { clock: view.clock, nowMs: view.nowMs, limit: f.limit }));
  const width = Math.max(10, Math.min(40, view.width - 40));
  const elapsed = (view.nowMs - b.startMs) / (b.endMs - b.startMs);
  lines.push(
    '',
    `  Time    ${bar(elapsed, width)} ${(elapsed * 100).toFixed(0)}%, ${duration(b.endMs - view.nowMs)} left`,
  );
  const status = limitStatusOf(b, f.limit);
  if (status !== null) {
    const used = totalTokens(b.usage.sums) / status.limit;
    const paint = status.status === 'exceeds' ? c.red : status.status === 'warning' ? c.yellow : c.green;
    lines.push(
      `  Tokens  ${paint(bar(used, width))} ${(used * 100).toFixed(0)}% of ${formatInt(status.limit)} (${f.limitSource})`,
    );
  }
  const warning = limitWarning(b, f.limit);
  if (warning !== null) lines.push('', c.yellow(`warning: ${warning}`));
  return lines;
}

export async function runBlocksLive(opts: BlocksOptions): Promise<number> {
  if (opts.json === true) {
    throw new UserError(
      '--live redraws the terminal and prints no JSON; for one JSON report of the active block use `tokenledger blocks --active --json`.',
      ExitCode.usage,
    );
  }
  if (!isTerminalFd(1)) {
    throw new UserError(
      '--live redraws the terminal, and standard output is not one; for a single report use `tokenledger blocks --active`.',
      ExitCode.usage,
    );
  }
  const intervalMs = parseRefreshInterval(opts.refreshInterval);
  // As ccusage's live view did: without a limit, the largest completed block is the yardstick.
  const flag = parseTokenLimit(opts.tokenLimit) ?? 'max';
  const session = await openSession(opts);
  let stop: () => void = () => {};
  const stopped = new Promise<void>((resolve) => {
    stop = resolve;
  });
  let running = true;
  const onSignal = () => {
    running = false;
    stop();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    const clock = clockOf(session, opts);
    // The flags are checked once; each refresh reads the window that ends at its own time.
    const { sessionMs } = blocksQueryOf(session, opts, Date.now());
    const live = await startLiveBlocks(session, {
      mode: opts.mode,
      tokenLimit: flag,
      sessionMs,
      importFirst: opts.import !== false,
    });
    await writeOut(`${HIDE_CURSOR}\u001b[2J`);
    while (running) {
      const frame = await live.refresh();
      for (const note of frame.importNotes) writeErr(`${note}\n`);
      const term = detectTerminal(process.env, process.stdout, opts.color);
      const lines = liveLines(
        {
          active: frame.active,
          limit: frame.limit,
          limitSource: frame.limitFrom === 'largest-completed' ? 'largest completed block' : '--token-limit',
          sessionMs: frame.sessionMs,
        },
        { clock, nowMs: frame.nowMs, width: term.width, color: term.color },
        intervalMs,
      );
      await writeOut(`${HOME}${lines.map((l) => `${l}${CLEAR_LINE}`).join('\n')}\n${CLEAR_BELOW}`);
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([stopped, new Promise((r) => (timer = setTimeout(r, intervalMs)))]);
      clearTimeout(timer);
    }
    return 0;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await writeOut(`${SHOW_CURSOR}\n`);
    await session.store.close();
  }
}
