/**
 * A one-line progress bar for long imports, drawn on an interactive stream (stderr) only:
 * `importing ███████░░░░░░░  48%  120.4/250.0 MB  31.2 MB/s  ETA 4s  ~/.claude/projects/…`.
 * It redraws at most every {@link PROGRESS_INTERVAL_MS} (time-based, with an injectable clock),
 * never wraps (fits `stream.columns`), and {@link Progress.finish} erases it. Sizes are in decimal
 * megabytes (1 MB = 1,000,000 bytes).
 * @module
 */
import { displayWidth, truncateToWidth } from './display-width.js';

/** Minimum time between two redraws: at most 10 per second. */
export const PROGRESS_INTERVAL_MS = 100;

const MB = 1_000_000;
const FALLBACK_COLUMNS = 80;
const MAX_BAR = 30;
const MIN_BAR = 10;
const CLEAR_TO_END = '\u001b[K';
const CLEAR_LINE = '\u001b[2K';

/** The parts of a stream the reporter uses (`process.stderr` fits). */
export interface ProgressStream {
  write(chunk: string): boolean;
  isTTY?: boolean;
  columns?: number;
}

export interface ProgressOptions {
  /** Where to draw, normally `process.stderr`. Nothing is drawn unless `stream.isTTY` is true. */
  stream: ProgressStream;
  /** False for `--json`, `--quiet` or piped output: every call is then a no-op. */
  enabled: boolean;
  /** Shown first, e.g. `importing`. */
  label: string;
  /** Clock in milliseconds; defaults to `performance.now`. */
  now?: () => number;
}

export interface Progress {
  /** Reports `done` of `total` bytes; `detail` (e.g. the current file) is shown last, cut to fit. */
  update(done: number, total: number, detail?: string): void;
  /** Erases the bar, then writes `message` and a newline if given. Later calls do nothing. */
  finish(message?: string): void;
}

const NOOP: Progress = { update() {}, finish() {} };

function formatEta(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '--';
  const s = Math.ceil(seconds);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

function bar(ratio: number, width: number): string {
  const full = Math.floor(ratio * width);
  return '█'.repeat(full) + '░'.repeat(width - full);
}

/** The line for one redraw, at most `width` columns. Exported for tests. */
export function progressLine(
  label: string,
  done: number,
  total: number,
  elapsedMs: number,
  width: number,
  detail?: string,
): string {
  const ratio = total > 0 ? Math.min(1, Math.max(0, done / total)) : 0;
  const rate = elapsedMs > 0 ? done / (elapsedMs / 1000) : 0;
  const eta = rate > 0 ? formatEta((total - done) / rate) : '--';
  const rateText = rate > 0 ? `${(rate / MB).toFixed(1)} MB/s` : '-- MB/s';
  const pct = `${String(Math.floor(ratio * 100)).padStart(3)}%`;
  const stats = `${pct}  ${(done / MB).toFixed(1)}/${(total / MB).toFixed(1)} MB  ${rateText}  ETA ${eta}`;
  const fixed = displayWidth(label) + 1 + displayWidth(stats);
  const barWidth = Math.min(MAX_BAR, width - fixed - 1);
  let line = barWidth >= MIN_BAR ? `${label} ${bar(ratio, barWidth)} ${stats}` : `${label} ${stats}`;
  const room = width - displayWidth(line) - 2;
  if (detail !== undefined && detail !== '' && room >= MIN_BAR) {
    line += `  ${truncateToWidth(detail, room, 'start')}`;
  }
  return truncateToWidth(line, width);
}

/**
 * Creates a progress reporter. Disabled, or on a stream that is not a TTY, it returns a reporter
 * that never writes.
 */
export function createProgress(opts: ProgressOptions): Progress {
  const { stream, label } = opts;
  if (!opts.enabled || stream.isTTY !== true) return NOOP;
  const now = opts.now ?? (() => performance.now());
  const started = now();
  let lastDraw: number | undefined;
  let finished = false;
  return {
    update(done, total, detail) {
      if (finished) return;
      const t = now();
      const complete = done >= total;
      if (lastDraw !== undefined && t - lastDraw < PROGRESS_INTERVAL_MS && !complete) return;
      lastDraw = t;
      const width = (stream.columns ?? FALLBACK_COLUMNS) - 1;
      stream.write(`\r${progressLine(label, done, total, t - started, width, detail)}${CLEAR_TO_END}`);
    },
    finish(message) {
      if (finished) return;
      finished = true;
      if (lastDraw !== undefined) stream.write(`\r${CLEAR_LINE}`);
      if (message !== undefined) stream.write(`${message}\n`);
    },
  };
}
